using System.Globalization;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The in-memory <see cref="IRedialQueue"/>, registered by default. Items live in a dictionary keyed by lead and in
/// indexed 4-ary heaps ordered by due time and by claim expiry, so a claim costs O(k log n) for k claimed items
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
                node = new Node(entry, now);
                _items.Add(entry.LeadId, node);
                PlaceInDue(node);
                return new ValueTask<bool>(true);
            }

            var sameCall = string.Equals(node.Entry.CallId, entry.CallId, StringComparison.Ordinal);
            if (sameCall && !node.IsPendingOrLapsed(now))
            {
                return new ValueTask<bool>(false);
            }

            MakePending(node, entry, now, newEntry: !sameCall);
            return new ValueTask<bool>(true);
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
                if (!node.IsPendingOrLapsed(now))
                {
                    // Moved here when its claim had lapsed at a later "now" than this one (clocks differ): not yet.
                    RemoveFromDue(node, node.CampaignId);
                    _expiries.Insert(node, node.ClaimExpiresAt);
                    continue;
                }

                if (dueAt > now)
                {
                    break;
                }

                token ??= NewToken();
                RemoveFromDue(node, node.CampaignId);
                node.SetClaimed(token, expires, now);
                _expiries.Insert(node, expires);
                (claimed ??= new List<RedialItem>(Math.Min(maxItems, 1024))).Add(node.Item);
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

            MakeDone(node, RedialItemState.Completed, now);
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

            var entry = dueAt is { } at && at != node.Entry.DueAt ? node.Entry.WithDueAt(at) : node.Entry;
            MakePending(node, entry, now, newEntry: false);
            return new ValueTask<bool>(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> RescheduleAsync(string leadId, Instant dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        lock (_lock)
        {
            if (!_items.TryGetValue(leadId, out var node) || !node.IsPendingOrLapsed(now))
            {
                return new ValueTask<bool>(false);
            }

            var entry = dueAt != node.Entry.DueAt ? node.Entry.WithDueAt(dueAt) : node.Entry;
            MakePending(node, entry, now, newEntry: false);
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

            MakeDone(node, RedialItemState.Cancelled, now);
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
                if (campaignId is not null && !string.Equals(node.CampaignId, campaignId, StringComparison.Ordinal))
                {
                    continue;
                }

                switch (node.State)
                {
                    case RedialItemState.Pending when node.Entry.DueAt <= now:
                    case RedialItemState.Claimed when node.ClaimExpiresAt <= now:
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
                if (!node.IsLive && node.UpdatedAt < olderThan)
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
        _items.TryGetValue(leadId, out node!) && node.State == RedialItemState.Claimed &&
        string.Equals(node.ClaimToken, claimToken, StringComparison.Ordinal);

    /// <summary>Makes the node pending with <paramref name="entry"/> and puts it in the due heaps at its due time.</summary>
    private void MakePending(Node node, RedialEntry entry, Instant now, bool newEntry)
    {
        var previousCampaign = node.CampaignId;
        if (node.ExpiryIndex >= 0)
        {
            _expiries.Remove(node);
        }

        node.SetPending(entry, now, newEntry);
        var dueAt = entry.DueAt;
        if (node.DueIndex >= 0 && string.Equals(previousCampaign, node.CampaignId, StringComparison.Ordinal))
        {
            _due.Update(node, dueAt);
            if (node.CampaignIndex >= 0)
            {
                _dueByCampaign[previousCampaign].Update(node, dueAt);
            }
        }
        else
        {
            RemoveFromDue(node, previousCampaign);
            PlaceInDue(node);
        }
    }

    /// <summary>Marks the node completed or cancelled and takes it out of every heap.</summary>
    private void MakeDone(Node node, RedialItemState state, Instant now)
    {
        RemoveFromDue(node, node.CampaignId);
        if (node.ExpiryIndex >= 0)
        {
            _expiries.Remove(node);
        }

        node.SetDone(state, now);
    }

    private void PlaceInDue(Node node)
    {
        var dueAt = node.Entry.DueAt;
        _due.Insert(node, dueAt);
        if (_dueByCampaign.Count != 0 && _dueByCampaign.TryGetValue(node.CampaignId, out var heap))
        {
            heap.Insert(node, dueAt);
        }
    }

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
            if (node.DueIndex >= 0 && string.Equals(node.CampaignId, campaignId, StringComparison.Ordinal))
            {
                heap.Insert(node, node.Entry.DueAt);
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

    /// <summary>
    /// A lead's item as mutable fields (so a state change allocates nothing); the immutable <see cref="RedialItem"/>
    /// handed out is built on demand and cached until the next change.
    /// </summary>
    private sealed class Node
    {
        private RedialItem? _item;

        public Node(RedialEntry entry, Instant now)
        {
            Entry = entry;
            State = RedialItemState.Pending;
            EnqueuedAt = now;
            UpdatedAt = now;
        }

        public RedialEntry Entry { get; private set; }

        public RedialItemState State { get; private set; }

        public Instant EnqueuedAt { get; private set; }

        public Instant UpdatedAt { get; private set; }

        public string? ClaimToken { get; private set; }

        public Instant ClaimExpiresAt { get; private set; }

        public int ClaimCount { get; private set; }

        public int DueIndex { get; set; } = -1;

        public int CampaignIndex { get; set; } = -1;

        public int ExpiryIndex { get; set; } = -1;

        public string CampaignId => Entry.Request.CampaignId;

        public bool IsLive => State is RedialItemState.Pending or RedialItemState.Claimed;

        public RedialItem Item => _item ??= State == RedialItemState.Claimed
            ? new RedialItem(Entry, State, EnqueuedAt, UpdatedAt, ClaimToken, ClaimExpiresAt, ClaimCount)
            : new RedialItem(Entry, State, EnqueuedAt, UpdatedAt, claimCount: ClaimCount);

        /// <summary>Whether the item is pending, or claimed with a claim lapsed at <paramref name="now"/>.</summary>
        public bool IsPendingOrLapsed(Instant now) =>
            State == RedialItemState.Pending || (State == RedialItemState.Claimed && ClaimExpiresAt <= now);

        /// <summary>Makes the item pending with <paramref name="entry"/> (a new entry resets the enqueue time and claim count).</summary>
        public void SetPending(RedialEntry entry, Instant now, bool newEntry)
        {
            if (newEntry)
            {
                EnqueuedAt = now;
                ClaimCount = 0;
            }

            Entry = entry;
            Change(RedialItemState.Pending, now);
        }

        public void SetClaimed(string token, Instant expiresAt, Instant now)
        {
            Change(RedialItemState.Claimed, now);
            ClaimToken = token;
            ClaimExpiresAt = expiresAt;
            ClaimCount++;
        }

        public void SetDone(RedialItemState state, Instant now) => Change(state, now);

        private void Change(RedialItemState state, Instant now)
        {
            State = state;
            UpdatedAt = now;
            ClaimToken = null;
            ClaimExpiresAt = default;
            _item = null;
        }
    }

    /// <summary>A 4-ary min-heap of nodes by an instant (shallower than a binary heap: fewer cache misses on a large queue), each node knowing its position (so it can be removed or re-keyed in O(log n)).</summary>
    private sealed class NodeHeap(HeapSlot slot)
    {
        private const int Arity = 4;

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

            if (index > 0 && last.Key < _entries[(index - 1) / Arity].Key)
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
            if (index > 0 && key < _entries[(index - 1) / Arity].Key)
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
                var parent = (index - 1) / Arity;
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
                var first = (Arity * index) + 1;
                if (first >= Count)
                {
                    break;
                }

                var child = first;
                var last = Math.Min(first + Arity, Count);
                for (var c = first + 1; c < last; c++)
                {
                    if (_entries[c].Key < _entries[child].Key)
                    {
                        child = c;
                    }
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
