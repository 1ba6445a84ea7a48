namespace Dialer.Reliability.Infrastructure;

/// <summary>
/// Sweeps logged slot leases ([acquire returned, release called], each inside the interval the store held the lease):
/// more than <c>limit</c> held at once is a violation unless a lease in the overlap was held longer than its TTL (an
/// owner paused past the TTL, whose lease the store rightly let go) — those are counted, not excused silently.
/// </summary>
internal static class LeaseChecker
{
    /// <param name="leases">Call id → [acquire returned, release called] wall ticks.</param>
    /// <param name="limit">The most leases the store may let be held at once.</param>
    /// <param name="ttl">The lease TTL.</param>
    /// <param name="acquireStarts">Call id → wall ticks just before the acquire call, when logged: a lease whose release came more than
    /// the TTL after that may have expired in the store (its owner paused between acquiring and logging, or while holding it).</param>
    public static (List<string> Violations, int PauseOverruns, int MaxHeld) Check(Dictionary<string, (long Acquired, long? Released, int Host)> leases, int limit, TimeSpan ttl, IReadOnlyDictionary<string, long>? acquireStarts = null)
    {
        var events = new List<(long At, int Delta, string Id)>();
        foreach (var (id, (acquired, released, _)) in leases)
        {
            if (released is { } r)
            {
                events.Add((acquired, +1, id));
                events.Add((r, -1, id));
            }
        }

        var active = new HashSet<string>(StringComparer.Ordinal);
        var violations = new List<string>();
        var pauseOverruns = 0;
        var maxHeld = 0;
        foreach (var (_, delta, id) in events.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            if (delta < 0)
            {
                active.Remove(id);
                continue;
            }

            active.Add(id);
            maxHeld = Math.Max(maxHeld, Math.Min(active.Count, limit));
            if (active.Count > limit)
            {
                if (active.Any(a => leases[a].Released!.Value - (acquireStarts is not null && acquireStarts.TryGetValue(a, out var s) ? s : leases[a].Acquired) > ttl.Ticks))
                {
                    pauseOverruns++;
                }
                else
                {
                    violations.Add($"{active.Count} leases held at once > {limit}: {string.Join(", ", active.Order(StringComparer.Ordinal))}");
                }
            }
        }

        return (violations, pauseOverruns, maxHeld);
    }
}
