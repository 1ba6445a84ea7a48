using NodaTime;

namespace Dialer.Reliability.Infrastructure;

/// <summary>One attempt as the checker sees it: an id, a number and the instant it counts at.</summary>
internal readonly record struct CheckedAttempt(string Id, ulong Phone, Instant At);

/// <summary>
/// An independent checker (not the decider the stores use) of the protection invariants over attempts: no two
/// attempts to one number inside the duplicate window, at most <c>cap</c> per number per UTC calendar day, none to a
/// blocked number.
/// </summary>
internal static class DialChecker
{
    public static List<string> Check(IEnumerable<CheckedAttempt> attempts, Duration window, int cap, IReadOnlySet<ulong> blocked)
    {
        var violations = new List<string>();
        foreach (var group in attempts.GroupBy(a => a.Phone))
        {
            var sorted = group.OrderBy(a => a.At).ToList();
            if (blocked.Contains(group.Key))
            {
                violations.Add($"blocked number dialed: {group.Key} ({string.Join(", ", sorted.Select(a => a.Id))})");
            }

            for (var i = 1; i < sorted.Count; i++)
            {
                var gap = sorted[i].At - sorted[i - 1].At;
                if (gap < window)
                {
                    violations.Add($"duplicate window: {group.Key}: {sorted[i - 1].Id} at {sorted[i - 1].At} and {sorted[i].Id} at {sorted[i].At} ({gap.TotalMilliseconds:0.###} ms < {window.TotalMilliseconds} ms)");
                }
            }

            foreach (var day in sorted.GroupBy(a => a.At.InUtc().Date))
            {
                if (day.Count() > cap)
                {
                    violations.Add($"cap overrun: {group.Key} on {day.Key:yyyy-MM-dd}: {day.Count()} attempts > {cap}");
                }
            }
        }

        return violations;
    }

    /// <summary>
    /// Real-time duplicates: two dials of one number whose admission calls lie so close that, wherever inside its call
    /// each commit happened, they were less than <paramref name="window"/> apart (later end minus earlier start).
    /// </summary>
    public static List<string> CheckRealTime(IEnumerable<Dial> dials, Duration window)
    {
        var violations = new List<string>();
        foreach (var group in dials.GroupBy(d => d.Phone))
        {
            var sorted = group.OrderBy(d => d.WallStartTicks).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                // The later end of the two calls (the earlier-starting call may also end later, e.g. a host paused inside it).
                var end = sorted[i].WallEndTicks > sorted[i - 1].WallEndTicks ? sorted[i].WallEnd : sorted[i - 1].WallEnd;
                var widest = end - sorted[i - 1].WallStart;
                if (widest < window)
                {
                    violations.Add($"real-time duplicate: {group.Key}: {sorted[i - 1].CallId} (host {sorted[i - 1].Host}) and {sorted[i].CallId} (host {sorted[i].Host}) at most {widest.TotalMilliseconds:0.###} ms apart < {window.TotalMilliseconds} ms");
                }
            }
        }

        return violations;
    }
}
