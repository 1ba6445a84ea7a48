using System.Globalization;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The in-memory <see cref="IRedialQueue"/>, registered by default. Items live in a dictionary keyed by lead and in
/// priority queues ordered by due time and by claim expiry, so a claim costs O(k log n) for k claimed items
/// however many items the queue holds. Thread-safe (one lock); every operation completes synchronously.
/// Nothing survives the process: use a persistence package for a durable queue shared by several hosts.
/// </summary>
/// <remarks>
/// Heap entries are invalidated lazily (each item carries a version); the heaps are rebuilt when stale entries
/// outnumber live ones. A per-campaign heap is built the first time a campaign-filtered claim asks for that
/// campaign and maintained from then on. Counts and purges scan every item.
/// </remarks>
public sealed class InMemoryRedialQueue : IRedialQueue
{
    private const int DefaultCompactionSlack = 4096;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Node> _items = new(StringComparer.Ordinal);
    private readonly PriorityQueue<HeapRef, Instant> _due = new();
    private readonly PriorityQueue<HeapRef, Instant> _expiries = new();
    private readonly Dictionary<string, PriorityQueue<HeapRef, Instant>> _dueByCampaign = new(StringComparer.Ordinal);
    private long _live;
    private long _heapEntries;
    private readonly int _compactionSlack;
    private long _tokens;

    /// <summary>Creates an empty queue.</summary>
    public InMemoryRedialQueue()
        : this(DefaultCompactionSlack)
    {
    }

    /// <summary>Creates an empty queue whose heaps are rebuilt once stale entries exceed live items plus <paramref name="compactionSlack"/> (tests use a small slack).</summary>
    internal InMemoryRedialQueue(int compactionSlack) => _compactionSlack = compactionSlack;

    /// <summary>How many heap entries (live and stale) the queue holds; for tests.</summary>
    internal long HeapEntries
    {
        get
        {
            lock (_lock)
            {
                return _heapEntries;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> EnqueueAsync(RedialEntry entry, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (!_items.TryGetValue(entry.LeadId, out var node))
            {
                node = new Node(new RedialItem(entry, RedialItemState.Pending, now, now));
                _items.Add(entry.LeadId, node);
                _live++;
                PushDue(node);
                return new ValueTask<bool>(true);
            }

            var current = node.Item;
            if (!string.Equals(current.CallId, entry.CallId, StringComparison.Ordinal))
            {
                SetItem(node, new RedialItem(entry, RedialItemState.Pending, now, now));
                return new ValueTask<bool>(true);
            }

            if (current.State == RedialItemState.Pending || (current.State == RedialItemState.Claimed && current.IsClaimableAt(now)))
            {
                SetItem(node, new RedialItem(entry, RedialItemState.Pending, current.EnqueuedAt, now, claimCount: current.ClaimCount));
                return new ValueTask<bool>(true);
            }

            return new ValueTask<bool>(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RedialItem>> ClaimDueAsync(Instant now, int maxItems, Duration claimTtl, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        if (claimTtl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(claimTtl), claimTtl, $"claimTtl must be positive; got {claimTtl}.");
        }

        lock (_lock)
        {
            DrainLapsedClaims(now);
            var heap = campaignId is null ? _due : GetCampaignHeap(campaignId);
            List<RedialItem>? claimed = null;
            string? token = null;
            var expiresAt = now + claimTtl;
            while (heap.TryPeek(out var entry, out var dueAt))
            {
                var node = entry.Node;
                if (entry.Version != node.Version || !node.IsLive)
                {
                    heap.Dequeue();
                    _heapEntries--;
                    continue;
                }

                var item = node.Item;
                if (item.State == RedialItemState.Claimed && !item.IsClaimableAt(now))
                {
                    // Pushed here when its claim had lapsed at a later "now" than this one: back to the expiry heap.
                    heap.Dequeue();
                    _heapEntries--;
                    PushExpiry(node);
                    continue;
                }

                if (dueAt > now)
                {
                    break;
                }

                heap.Dequeue();
                _heapEntries--;
                token ??= NewToken();
                var next = new RedialItem(item.Entry, RedialItemState.Claimed, item.EnqueuedAt, now, token, expiresAt, item.ClaimCount + 1);
                node.Item = next;
                node.Version++;
                PushExpiry(node);
                (claimed ??= new List<RedialItem>(Math.Min(maxItems, 64))).Add(next);
                if (claimed.Count == maxItems)
                {
                    break;
                }
            }

            CompactIfNeeded();
            return new ValueTask<IReadOnlyList<RedialItem>>(claimed is null ? [] : claimed);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> CompleteAsync(string leadId, string claimToken, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        lock (_lock)
        {
            if (!TryGetClaimed(leadId, claimToken, out var node))
            {
                return new ValueTask<bool>(false);
            }

            var item = node.Item;
            SetItem(node, new RedialItem(item.Entry, RedialItemState.Completed, item.EnqueuedAt, now, claimCount: item.ClaimCount));
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ReleaseAsync(string leadId, string claimToken, Instant? dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        lock (_lock)
        {
            if (!TryGetClaimed(leadId, claimToken, out var node))
            {
                return new ValueTask<bool>(false);
            }

            var item = node.Item;
            var entry = dueAt is { } at && at != item.DueAt ? item.Entry.WithDueAt(at) : item.Entry;
            SetItem(node, new RedialItem(entry, RedialItemState.Pending, item.EnqueuedAt, now, claimCount: item.ClaimCount));
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RescheduleAsync(string leadId, Instant dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        lock (_lock)
        {
            if (!_items.TryGetValue(leadId, out var node))
            {
                return new ValueTask<bool>(false);
            }

            var item = node.Item;
            if (item.State != RedialItemState.Pending && !(item.State == RedialItemState.Claimed && item.IsClaimableAt(now)))
            {
                return new ValueTask<bool>(false);
            }

            var entry = dueAt != item.DueAt ? item.Entry.WithDueAt(dueAt) : item.Entry;
            SetItem(node, new RedialItem(entry, RedialItemState.Pending, item.EnqueuedAt, now, claimCount: item.ClaimCount));
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> CancelAsync(string leadId, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        lock (_lock)
        {
            if (!_items.TryGetValue(leadId, out var node) || !node.IsLive)
            {
                return new ValueTask<bool>(false);
            }

            var item = node.Item;
            SetItem(node, new RedialItem(item.Entry, RedialItemState.Cancelled, item.EnqueuedAt, now, claimCount: item.ClaimCount));
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RedialItem?> GetAsync(string leadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        lock (_lock)
        {
            return new ValueTask<RedialItem?>(_items.TryGetValue(leadId, out var node) ? node.Item : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<RedialQueueCounts> GetCountsAsync(Instant now, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        long scheduled = 0, due = 0, claimed = 0, completed = 0, cancelled = 0;
        lock (_lock)
        {
            foreach (var node in _items.Values)
            {
                var item = node.Item;
                if (campaignId is not null && !string.Equals(item.Request.CampaignId, campaignId, StringComparison.Ordinal))
                {
                    continue;
                }

                switch (item.State)
                {
                    case RedialItemState.Pending when item.DueAt <= now:
                    case RedialItemState.Claimed when item.ClaimExpiresAt <= now:
                        due++;
                        break;
                    case RedialItemState.Pending:
                        scheduled++;
                        break;
                    case RedialItemState.Claimed:
                        claimed++;
                        break;
                    case RedialItemState.Completed:
                        completed++;
                        break;
                    default:
                        cancelled++;
                        break;
                }
            }
        }

        return new ValueTask<RedialQueueCounts>(new RedialQueueCounts(scheduled, due, claimed, completed, cancelled));
    }

    /// <inheritdoc/>
    public ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        long removed = 0;
        lock (_lock)
        {
            List<string>? doomed = null;
            foreach (var (leadId, node) in _items)
            {
                if (!node.IsLive && node.Item.UpdatedAt < olderThan)
                {
                    (doomed ??= []).Add(leadId);
                }
            }

            if (doomed is not null)
            {
                foreach (var leadId in doomed)
                {
                    _items.Remove(leadId);
                    removed++;
                }
            }
        }

        return new ValueTask<long>(removed);
    }

    private bool TryGetClaimed(string leadId, string claimToken, out Node node)
    {
        if (_items.TryGetValue(leadId, out node!) && node.Item.State == RedialItemState.Claimed &&
            string.Equals(node.Item.ClaimToken, claimToken, StringComparison.Ordinal))
        {
            return true;
        }

        return false;
    }

    private void SetItem(Node node, RedialItem item)
    {
        var wasLive = node.IsLive;
        node.Item = item;
        node.Version++;
        var isLive = node.IsLive;
        if (wasLive != isLive)
        {
            _live += isLive ? 1 : -1;
        }

        if (item.State == RedialItemState.Pending)
        {
            PushDue(node);
        }
        else if (item.State == RedialItemState.Claimed)
        {
            PushExpiry(node);
        }

        CompactIfNeeded();
    }

    private void PushDue(Node node)
    {
        var entry = new HeapRef(node, node.Version);
        var dueAt = node.Item.DueAt;
        _due.Enqueue(entry, dueAt);
        _heapEntries++;
        if (_dueByCampaign.Count != 0 && _dueByCampaign.TryGetValue(node.Item.Request.CampaignId, out var heap))
        {
            heap.Enqueue(entry, dueAt);
            _heapEntries++;
        }
    }

    private void PushExpiry(Node node)
    {
        _expiries.Enqueue(new HeapRef(node, node.Version), node.Item.ClaimExpiresAt!.Value);
        _heapEntries++;
    }

    private void DrainLapsedClaims(Instant now)
    {
        while (_expiries.TryPeek(out var entry, out var expiresAt))
        {
            var node = entry.Node;
            if (entry.Version != node.Version || node.Item.State != RedialItemState.Claimed)
            {
                _expiries.Dequeue();
                _heapEntries--;
                continue;
            }

            if (expiresAt > now)
            {
                break;
            }

            _expiries.Dequeue();
            _heapEntries--;
            PushDue(node);
        }
    }

    private PriorityQueue<HeapRef, Instant> GetCampaignHeap(string campaignId)
    {
        if (_dueByCampaign.TryGetValue(campaignId, out var heap))
        {
            return heap;
        }

        heap = new PriorityQueue<HeapRef, Instant>();
        foreach (var node in _items.Values)
        {
            var item = node.Item;
            // Claimed items too: one whose claim lapsed may already have left the expiry heap for the global due heap.
            if (node.IsLive && string.Equals(item.Request.CampaignId, campaignId, StringComparison.Ordinal))
            {
                heap.Enqueue(new HeapRef(node, node.Version), item.DueAt);
                _heapEntries++;
            }
        }

        _dueByCampaign.Add(campaignId, heap);
        return heap;
    }

    private void CompactIfNeeded()
    {
        if (_heapEntries <= (2 * _live) + _compactionSlack)
        {
            return;
        }

        // Rebuild every heap from the authoritative items: pending items by due time, claimed ones by expiry
        // (a lapsed claim is moved back to the due heaps by the next claim).
        var due = new List<(HeapRef, Instant)>((int)Math.Min(_live, int.MaxValue));
        var expiries = new List<(HeapRef, Instant)>();
        foreach (var node in _items.Values)
        {
            var item = node.Item;
            if (item.State == RedialItemState.Pending)
            {
                due.Add((new HeapRef(node, node.Version), item.DueAt));
            }
            else if (item.State == RedialItemState.Claimed)
            {
                expiries.Add((new HeapRef(node, node.Version), item.ClaimExpiresAt!.Value));
            }
        }

        _due.Clear();
        _due.EnqueueRange(due);
        _expiries.Clear();
        _expiries.EnqueueRange(expiries);
        _heapEntries = due.Count + expiries.Count;
        foreach (var (campaignId, heap) in _dueByCampaign)
        {
            heap.Clear();
            foreach (var (entry, dueAt) in due)
            {
                if (string.Equals(entry.Node.Item.Request.CampaignId, campaignId, StringComparison.Ordinal))
                {
                    heap.Enqueue(entry, dueAt);
                    _heapEntries++;
                }
            }
        }
    }

    private string NewToken() =>
        string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid():N}.{++_tokens}");

    private sealed class Node(RedialItem item)
    {
        public RedialItem Item { get; set; } = item;

        public int Version { get; set; }

        public bool IsLive => Item.State is RedialItemState.Pending or RedialItemState.Claimed;
    }

    private readonly record struct HeapRef(Node Node, int Version);
}
