using System.Runtime.InteropServices;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// The default <see cref="ISlotStore"/>: leases in process memory, for a single host. Every operation runs under one
/// lock, so an acquire over nested scopes is all-or-nothing. Acquire and release allocate nothing once a
/// <see cref="SlotScopeSet"/> has been seen; expired leases are reclaimed lazily when a full scope needs the room
/// (only scanning when some lease may have expired) and by <see cref="ReclaimExpiredAsync"/>.
/// </summary>
public sealed class InMemorySlotStore : ISlotStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<SlotScope, Counter> _counters = [];
    private static readonly Counter[] s_noCounters = [];

    // No lease (live or expired) expires before this instant; a scan for expired leases is pointless until then.
    private Instant _expiryBound = Instant.MaxValue;
    private long _reclaimedTotal;
    private long _releasedTotal;
    private long _acquiredTotal;
    private int _reclaimScans;

    /// <summary>The number of leases currently stored (live or expired but not yet reclaimed).</summary>
    public int LeaseCount
    {
        get
        {
            lock (_lock)
            {
                return _leases.Count;
            }
        }
    }

    /// <summary>How many leases were ever granted (retries of a held call id not counted).</summary>
    internal long AcquiredTotal => Interlocked.Read(ref _acquiredTotal);

    /// <summary>How many leases ended by release.</summary>
    internal long ReleasedTotal => Interlocked.Read(ref _releasedTotal);

    /// <summary>How many leases ended by reclamation (explicit or lazy).</summary>
    internal long ReclaimedTotal => Interlocked.Read(ref _reclaimedTotal);

    /// <inheritdoc/>
    public ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        lock (_lock)
        {
            // One hash on the common path: find or add the entry, then fill it in place.
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_leases, callId, out var exists);
            if (exists)
            {
                if (now < entry.ExpiresAt)
                {
                    return ValueTask.FromResult(SlotAcquireResult.Acquired(entry.ExpiresAt, alreadyHeld: true));
                }

                // The call's own lease expired (an orphan): reclaim it before taking a fresh one.
                EndLocked(in entry);
                _reclaimedTotal++;
                CampaignsMetrics.RecordReclaimed(1);
            }

            // A placeholder that never expires and counts nowhere, so a reclaim scan below leaves it alone.
            entry = new Lease(s_noCounters, now, Instant.MaxValue);
            var counters = Resolve(scopes);
            var reclaims = _reclaimScans;
            var full = FindFullLocked(counters, scopes, now, reclaim: true);
            if (full >= 0)
            {
                _leases.Remove(callId);
                return ValueTask.FromResult(SlotAcquireResult.Full(full, scopes[full].Scope, EarliestLiveExpiryLocked(counters[full], now)));
            }

            if (reclaims != _reclaimScans)
            {
                // A scan removed other entries; re-find ours rather than trust a reference across removals.
                entry = ref CollectionsMarshal.GetValueRefOrNullRef(_leases, callId);
            }

            var expiresAt = now + ttl;
            for (var i = 0; i < counters.Length; i++)
            {
                counters[i].Held++;
                counters[i].MinExpiryValid = false;
            }

            entry = new Lease(counters, now, expiresAt);
            if (expiresAt < _expiryBound)
            {
                _expiryBound = expiresAt;
            }

            _acquiredTotal++;
            return ValueTask.FromResult(SlotAcquireResult.Acquired(expiresAt));
        }
    }

    /// <inheritdoc/>
    public ValueTask<SlotAcquireResult> CheckAsync(string callId, SlotScopeSet scopes, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        lock (_lock)
        {
            if (_leases.TryGetValue(callId, out var existing) && now < existing.ExpiresAt)
            {
                return ValueTask.FromResult(SlotAcquireResult.Acquired(existing.ExpiresAt, alreadyHeld: true));
            }

            var counters = Resolve(scopes);
            var full = FindFullLocked(counters, scopes, now, reclaim: false);
            return ValueTask.FromResult(full >= 0
                ? SlotAcquireResult.Full(full, scopes[full].Scope, EarliestLiveExpiryLocked(counters[full], now))
                : SlotAcquireResult.Acquired(now));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReleaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        lock (_lock)
        {
            if (!_leases.Remove(callId, out var lease))
            {
                return ValueTask.FromResult(false);
            }

            EndLocked(in lease);
            _releasedTotal++;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SlotRenewResult> RenewAsync(string callId, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        lock (_lock)
        {
            ref var lease = ref CollectionsMarshal.GetValueRefOrNullRef(_leases, callId);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref lease))
            {
                return ValueTask.FromResult(SlotRenewResult.NotHeld);
            }

            if (now >= lease.ExpiresAt)
            {
                return ValueTask.FromResult(SlotRenewResult.Expired);
            }

            var expiresAt = now + ttl;
            if (expiresAt > lease.ExpiresAt)
            {
                // Never shorten a lease: a late heartbeat with a smaller ttl must not make the slot look freer than it is.
                lease.ExpiresAt = expiresAt;
                foreach (var c in lease.Counters)
                {
                    c.MinExpiryValid = false;
                }
            }

            return ValueTask.FromResult(SlotRenewResult.Renewed(lease.ExpiresAt));
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> ReclaimExpiredAsync(Instant now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var n = ReclaimLocked(now, lazy: false);
            return ValueTask.FromResult(n);
        }
    }

    /// <inheritdoc/>
    public ValueTask<int> CountAsync(SlotScope scope, Instant now, CancellationToken cancellationToken = default)
    {
        if (scope.IsDefault)
        {
            throw new ArgumentException("scope is default(SlotScope).", nameof(scope));
        }

        lock (_lock)
        {
            return ValueTask.FromResult(_counters.TryGetValue(scope, out var counter) ? LiveCountLocked(counter, now) : 0);
        }
    }

    /// <inheritdoc/>
    public ValueTask<SlotLease?> GetLeaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        lock (_lock)
        {
            if (!_leases.TryGetValue(callId, out var lease))
            {
                return ValueTask.FromResult<SlotLease?>(null);
            }

            var scopes = new SlotScope[lease.Counters.Length];
            for (var i = 0; i < scopes.Length; i++)
            {
                scopes[i] = lease.Counters[i].Scope;
            }

            return ValueTask.FromResult<SlotLease?>(new SlotLease(callId, scopes, lease.AcquiredAt, lease.ExpiresAt));
        }
    }

    private Counter[] Resolve(SlotScopeSet set)
    {
        if (set.StoreCache is Resolution r && ReferenceEquals(r.Owner, this))
        {
            return r.Counters;
        }

        var counters = new Counter[set.Count];
        for (var i = 0; i < counters.Length; i++)
        {
            var scope = set[i].Scope;
            if (!_counters.TryGetValue(scope, out var c))
            {
                c = new Counter(scope);
                _counters.Add(scope, c);
            }

            counters[i] = c;
        }

        set.StoreCache = new Resolution(this, counters);
        return counters;
    }

    private int FindFullLocked(Counter[] counters, SlotScopeSet set, Instant now, bool reclaim)
    {
        for (var i = 0; i < counters.Length; i++)
        {
            var limit = set[i].Limit;
            if (counters[i].Held < limit)
            {
                continue;
            }

            if (now >= _expiryBound)
            {
                if (reclaim)
                {
                    ReclaimLocked(now, lazy: true);
                    if (counters[i].Held < limit)
                    {
                        continue;
                    }
                }
                else if (LiveCountLocked(counters[i], now) < limit)
                {
                    continue;
                }
            }

            return i;
        }

        return -1;
    }

    private int LiveCountLocked(Counter counter, Instant now)
    {
        if (now < _expiryBound)
        {
            return counter.Held;
        }

        var live = 0;
        foreach (var (_, lease) in _leases)
        {
            if (now < lease.ExpiresAt && Array.IndexOf(lease.Counters, counter) >= 0)
            {
                live++;
            }
        }

        return live;
    }

    private Instant? EarliestLiveExpiryLocked(Counter counter, Instant now)
    {
        if (!counter.MinExpiryValid)
        {
            Instant? min = null;
            foreach (var (_, lease) in _leases)
            {
                if ((min is null || lease.ExpiresAt < min.Value) && Array.IndexOf(lease.Counters, counter) >= 0)
                {
                    min = lease.ExpiresAt;
                }
            }

            counter.MinExpiry = min;
            counter.MinExpiryValid = true;
        }

        if (counter.MinExpiry is not { } cached || cached > now)
        {
            return counter.MinExpiry;
        }

        // The cached minimum has expired (not yet reclaimed): find the earliest live one.
        Instant? live = null;
        foreach (var (_, lease) in _leases)
        {
            if (now < lease.ExpiresAt && (live is null || lease.ExpiresAt < live.Value) && Array.IndexOf(lease.Counters, counter) >= 0)
            {
                live = lease.ExpiresAt;
            }
        }

        return live;
    }

    private int ReclaimLocked(Instant now, bool lazy)
    {
        if (now < _expiryBound)
        {
            return 0;
        }

        _reclaimScans++;
        var reclaimed = 0;
        var bound = Instant.MaxValue;
        foreach (var (callId, lease) in _leases)
        {
            if (lease.ExpiresAt <= now)
            {
                _leases.Remove(callId);
                EndLocked(in lease);
                reclaimed++;
            }
            else if (lease.ExpiresAt < bound && lease.Counters.Length > 0)
            {
                bound = lease.ExpiresAt;
            }
        }

        _expiryBound = bound;
        _reclaimedTotal += reclaimed;
        if (lazy && reclaimed > 0)
        {
            // Explicit reclaims are counted by their caller (SlotManager); lazy ones are only visible here.
            CampaignsMetrics.RecordReclaimed(reclaimed);
        }

        return reclaimed;
    }

    private static void EndLocked(in Lease lease)
    {
        foreach (var c in lease.Counters)
        {
            if (--c.Held < 0)
            {
                throw new InvalidOperationException($"Slot count of '{c.Scope}' went negative; this is a bug in {nameof(InMemorySlotStore)}.");
            }

            c.MinExpiryValid = false;
        }
    }

    private sealed class Counter(SlotScope scope)
    {
        public SlotScope Scope { get; } = scope;

        public int Held { get; set; }

        public Instant? MinExpiry { get; set; }

        public bool MinExpiryValid { get; set; }
    }

    private sealed class Resolution(InMemorySlotStore owner, Counter[] counters)
    {
        public InMemorySlotStore Owner { get; } = owner;

        public Counter[] Counters { get; } = counters;
    }

    private struct Lease(Counter[] counters, Instant acquiredAt, Instant expiresAt)
    {
        public Counter[] Counters { get; } = counters;

        public Instant AcquiredAt { get; } = acquiredAt;

        public Instant ExpiresAt { get; set; } = expiresAt;
    }
}
