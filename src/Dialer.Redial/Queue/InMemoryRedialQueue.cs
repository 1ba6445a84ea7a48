using System.Globalization;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The in-memory <see cref="IRedialQueue"/>, registered by default. Items live in a dictionary keyed by lead and in
/// indexed binary heaps ordered by due time and by claim expiry, so a claim costs O(k log n) for k claimed items
/// and an enqueue O(log n), however many items the queue holds. Thread-safe (one lock); every operation completes
/// synchronously. Nothing survives the process: use a persistence package for a durable queue shared by hosts.
/// </summary>
/// <remarks>
/// Every live item is in exactly one heap: the due heap (pending items, and claimed items whose claim was seen to
/// lapse) or the expiry heap (claimed items). A per-campaign due heap is built the first time a campaign-filtered
/// claim asks for that campaign and is maintained from then on. Counts and purges scan every item.
/// </remarks>
public sealed class InMemoryRedialQueue : IRedialQueue
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Node> _items = new(StringComparer.Ordinal);
    private readonly NodeHeap _due = new(HeapSlot.Due);
    private readonly NodeHeap _expiries = new(HeapSlot.Expiry);
    private readonly Dictionary<string, NodeHeap> _dueByCampaign = new(StringComparer.Ordinal);
    private long _tokens;

    /// <summary>How many entries the heaps hold in total; for tests (never more than twice the live items).</summary>
    internal long HeapEntries
    {
        get
        {
            lock (_lock)
            {
                long count = _due.Count + _expiries.Count;
                foreach (var heap in _dueByCampaign.Values)
                {
                    count += heap.Count;
                }

                return count;
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
                PlaceInDue(node);
                return new ValueTask<bool>(true);
            }

            var current = node.Item;
            if (!string.Equals(current.CallId, entry.CallId, StringComparison.Ordinal))
            {
                Set(node, new RedialItem(entry, RedialItemState.Pending, now, now));
                return new ValueTask<bool>(true);
            }

            if (current.State == RedialItemState.Pending || (current.State == RedialItemState.Claimed && current.IsClaimableAt(now)))
            {
                Set(node, new RedialItem(entry, RedialItemState.Pending, current.EnqueuedAt, now, claimCount: current.ClaimCount));
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
            // Claims that have lapsed by now become candidates again, ordered by their due time.
            while (_expiries.TryPeek(out var lapsed, out var expiresAt) && expiresAt <= now)
            {
                _expiries.Remove(lapsed);
                PlaceInDue(lapsed);
            }

            var heap = campaignId is null ? _due : GetCampaignHeap(campaignId);
            List<RedialItem>? claimed = null;
            string? token = null;
            var expires = now + claimTtl;
            while (heap.TryPeek(out var node, out var dueAt))
            {
                var item = node.Item;
                if (item.State == RedialItemState.Claimed && !item.IsClaimableAt(now))
                {
                    // Moved here when its claim had lapsed at a later "now" than this one (clocks differ): not yet.
                    RemoveFromDue(node);
                    _expiries.Insert(node, item.ClaimExpiresAt!.Value);
                    continue;
                }

                if (dueAt > now)
                {
                    break;
                }

                token ??= NewToken();
                var next = new RedialItem(item.Entry, RedialItemState.Claimed, item.EnqueuedAt, now, token, expires, item.ClaimCount + 1);
                RemoveFromDue(node);
                node.Item = next;
                _expiries.Insert(node, expires);
                (claimed ??= new List<RedialItem>(Math.Min(maxItems, 1024))).Add(next);
                if (claimed.Count == maxItems)
                {
                    break;
                }
            }

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
            Set(node, new RedialItem(item.Entry, RedialItemState.Completed, item.EnqueuedAt, now, claimCount: item.ClaimCount));
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
            Set(node, new RedialItem(entry, RedialItemState.Pending, item.EnqueuedAt, now, claimCount: item.ClaimCount));
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
            Set(node, new RedialItem(entry, RedialItemState.Pending, item.EnqueuedAt, now, claimCount: item.ClaimCount));
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
            Set(node, new RedialItem(item.Entry, RedialItemState.Cancelled, item.EnqueuedAt, now, claimCount: item.ClaimCount));
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

    private bool TryGetClaimed(string leadId, string claimToken, out Node node) =>
        _items.TryGetValue(leadId, out node!) && node.Item.State == RedialItemState.Claimed &&
        string.Equals(node.Item.ClaimToken, claimToken, StringComparison.Ordinal);

    /// <summary>Replaces the node's item and moves the node to the heap its new state belongs in.</summary>
    private void Set(Node node, RedialItem item)
    {
        var previous = node.Item;
        node.Item = item;
        if (item.State == RedialItemState.Pending)
        {
            if (node.ExpiryIndex >= 0)
            {
                _expiries.Remove(node);
            }

            if (node.DueIndex >= 0 && string.Equals(previous.Request.CampaignId, item.Request.CampaignId, StringComparison.Ordinal))
            {
                _due.Update(node, item.DueAt);
                if (node.CampaignIndex >= 0)
                {
                    _dueByCampaign[item.Request.CampaignId].Update(node, item.DueAt);
                }
            }
            else
            {
                RemoveFromDue(node, previous.Request.CampaignId);
                PlaceInDue(node);
            }
        }
        else
        {
            // Completed or cancelled (a claim is only taken in ClaimDueAsync): in no heap.
            RemoveFromDue(node, previous.Request.CampaignId);
            if (node.ExpiryIndex >= 0)
            {
                _expiries.Remove(node);
            }
        }
    }

    private void PlaceInDue(Node node)
    {
        var dueAt = node.Item.DueAt;
        _due.Insert(node, dueAt);
        if (_dueByCampaign.Count != 0 && _dueByCampaign.TryGetValue(node.Item.Request.CampaignId, out var heap))
        {
            heap.Insert(node, dueAt);
        }
    }

    private void RemoveFromDue(Node node) => RemoveFromDue(node, node.Item.Request.CampaignId);

    private void RemoveFromDue(Node node, string campaignId)
    {
        if (node.DueIndex >= 0)
        {
            _due.Remove(node);
        }

        if (node.CampaignIndex >= 0)
        {
            _dueByCampaign[campaignId].Remove(node);
        }
    }

    private NodeHeap GetCampaignHeap(string campaignId)
    {
        if (_dueByCampaign.TryGetValue(campaignId, out var heap))
        {
            return heap;
        }

        heap = new NodeHeap(HeapSlot.Campaign);
        foreach (var node in _items.Values)
        {
            if (node.DueIndex >= 0 && string.Equals(node.Item.Request.CampaignId, campaignId, StringComparison.Ordinal))
            {
                heap.Insert(node, node.Item.DueAt);
            }
        }

        _dueByCampaign.Add(campaignId, heap);
        return heap;
    }

    private string NewToken() =>
        string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid():N}.{++_tokens}");

    private enum HeapSlot
    {
        Due,
        Campaign,
        Expiry,
    }

    private sealed class Node(RedialItem item)
    {
        public RedialItem Item { get; set; } = item;

        public int DueIndex { get; set; } = -1;

        public int CampaignIndex { get; set; } = -1;

        public int ExpiryIndex { get; set; } = -1;

        public bool IsLive => Item.State is RedialItemState.Pending or RedialItemState.Claimed;
    }

    /// <summary>A binary min-heap of nodes by an instant, each node knowing its position (so it can be removed or re-keyed in O(log n)).</summary>
    private sealed class NodeHeap(HeapSlot slot)
    {
        private Entry[] _entries = [];

        public int Count { get; private set; }

        public bool TryPeek(out Node node, out Instant key)
        {
            if (Count == 0)
            {
                node = null!;
                key = default;
                return false;
            }

            (key, node) = (_entries[0].Key, _entries[0].Node);
            return true;
        }

        public void Insert(Node node, Instant key)
        {
            if (Count == _entries.Length)
            {
                Array.Resize(ref _entries, Math.Max(16, _entries.Length * 2));
            }

            SiftUp(Count++, new Entry(key, node));
        }

        public void Remove(Node node)
        {
            var index = IndexOf(node);
            SetIndex(node, -1);
            var last = _entries[--Count];
            _entries[Count] = default;
            if (index == Count)
            {
                return;
            }

            if (index > 0 && last.Key < _entries[(index - 1) >> 1].Key)
            {
                SiftUp(index, last);
            }
            else
            {
                SiftDown(index, last);
            }
        }

        public void Update(Node node, Instant key)
        {
            var index = IndexOf(node);
            var entry = new Entry(key, node);
            if (index > 0 && key < _entries[(index - 1) >> 1].Key)
            {
                SiftUp(index, entry);
            }
            else
            {
                SiftDown(index, entry);
            }
        }

        private void SiftUp(int index, Entry entry)
        {
            while (index > 0)
            {
                var parent = (index - 1) >> 1;
                if (_entries[parent].Key <= entry.Key)
                {
                    break;
                }

                Place(index, _entries[parent]);
                index = parent;
            }

            Place(index, entry);
        }

        private void SiftDown(int index, Entry entry)
        {
            while (true)
            {
                var child = (2 * index) + 1;
                if (child >= Count)
                {
                    break;
                }

                if (child + 1 < Count && _entries[child + 1].Key < _entries[child].Key)
                {
                    child++;
                }

                if (entry.Key <= _entries[child].Key)
                {
                    break;
                }

                Place(index, _entries[child]);
                index = child;
            }

            Place(index, entry);
        }

        private void Place(int index, Entry entry)
        {
            _entries[index] = entry;
            SetIndex(entry.Node, index);
        }

        private int IndexOf(Node node) => slot switch
        {
            HeapSlot.Due => node.DueIndex,
            HeapSlot.Campaign => node.CampaignIndex,
            _ => node.ExpiryIndex,
        };

        private void SetIndex(Node node, int index)
        {
            switch (slot)
            {
                case HeapSlot.Due:
                    node.DueIndex = index;
                    break;
                case HeapSlot.Campaign:
                    node.CampaignIndex = index;
                    break;
                default:
                    node.ExpiryIndex = index;
                    break;
            }
        }

        private readonly record struct Entry(Instant Key, Node Node);
    }
}
