using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The attempts and blocks stored under one key (a number, a lead or a subject) by <see cref="InMemoryAttemptLedger"/>.
/// Attempts are kept sorted by recorded instant in one contiguous window of an array of compact
/// <see cref="LoggedAttempt"/>s, so counting reads them as a span and trimming the oldest is O(1) per entry. Not
/// thread-safe: the ledger guards it with its stripe lock.
/// </summary>
/// <remarks>
/// A mutable struct stored inline in the stripe's dictionaries (so finding a number's attempts is one dictionary probe,
/// not a probe and a pointer chase) and always used through a <c>ref</c> to the dictionary's value; a copy may be read
/// but changing one changes nothing stored. <c>default</c> is an empty log (its arrays are created on first use).
/// </remarks>
internal struct KeyLog
{
    private LoggedAttempt[]? _items;
    private int _start;
    private int _count;
    private ProtectionBlock[]? _blocks;
    private int _blockCount;

    // A one-word filter of the call-id hashes in the log: bit (hash & 63) is set for every logged attempt (and possibly
    // for attempts trimmed or removed since it was last rebuilt from the live entries, when the array is compacted or
    // grown, or emptied). A clear bit proves the id is not logged without reading the entries.
    private ulong _idFilter;

    /// <summary>The attempts, oldest first.</summary>
    public readonly ReadOnlySpan<LoggedAttempt> Attempts => new(_items, _start, _count);

    public readonly ReadOnlySpan<ProtectionBlock> Blocks => new(_blocks, 0, _blockCount);

    public readonly int Count => _count;

    public readonly int BlockCount => _blockCount;

    public readonly bool IsEmpty => _count == 0 && _blockCount == 0;

    /// <summary>The length of the attempts array (for the memory tests).</summary>
    public readonly int Capacity => _items?.Length ?? 0;

    /// <summary>The public entry of the attempt at <paramref name="position"/> (in <see cref="Attempts"/>).</summary>
    public readonly AttemptEntry EntryAt(int position) => Attempts[position].ToEntry();

    /// <summary>
    /// Removes attempts recorded before <paramref name="cutoff"/>. Their slots are not cleared here (that would write a
    /// cache line the allow path otherwise only reads): they are cleared when the array is compacted, overwritten by
    /// later attempts, or dropped with the number by a purge, so a trimmed attempt's request stays reachable at most
    /// that long, within the array's fixed capacity.
    /// </summary>
    public int TrimBefore(Instant cutoff)
    {
        var removed = 0;
        while (_count > 0 && _items![_start].RecordedAt < cutoff)
        {
            _start++;
            _count--;
            removed++;
        }

        if (_count == 0)
        {
            _start = 0;
            _idFilter = 0;
        }

        return removed;
    }

    /// <summary>Records <paramref name="request"/> at <paramref name="recordedAt"/>, keeping the order by recorded instant.</summary>
    public void Add(DialRequest request, int idHash, Instant recordedAt)
    {
        var i = MakeSlot(recordedAt);
        _idFilter |= FilterBit(idHash);
        ref var slot = ref _items![i];
        slot.Request = request;
        slot.RecordedAt = recordedAt;
        slot.IdHash = idHash;
    }

    /// <summary>Inserts a copy of <paramref name="attempt"/>, keeping the order by recorded instant (after equal instants).</summary>
    public void Insert(in LoggedAttempt attempt)
    {
        // MakeSlot may replace the array: index it only afterwards.
        var i = MakeSlot(attempt.RecordedAt);
        _idFilter |= FilterBit(attempt.IdHash);
        _items![i] = attempt;
    }

    /// <summary>
    /// Opens a cleared slot where an attempt recorded at <paramref name="recordedAt"/> belongs (after every attempt with
    /// the same or an earlier instant) and returns its array index.
    /// </summary>
    private int MakeSlot(Instant recordedAt)
    {
        if (_items is null || _start + _count == _items.Length)
        {
            MakeRoom();
        }

        var items = _items!;
        var i = _start + _count;
        while (i > _start && items[i - 1].RecordedAt > recordedAt)
        {
            items[i] = items[i - 1];
            i--;
        }

        if (i != _start + _count)
        {
            items[i] = default;
        }

        _count++;
        return i;
    }

    /// <summary>The position (in <see cref="Attempts"/>) of the attempt with this id, or -1.</summary>
    public readonly int IndexOf(string attemptId) => IndexOf(attemptId, LoggedAttempt.HashId(attemptId));

    /// <summary>The position (in <see cref="Attempts"/>) of the attempt with this id and id hash, or -1.</summary>
    public readonly int IndexOf(string attemptId, int idHash)
    {
        if ((_idFilter & FilterBit(idHash)) == 0)
        {
            return -1;
        }

        var items = _items!;
        for (var i = _start + _count - 1; i >= _start; i--)
        {
            if (items[i].IdHash == idHash && string.Equals(items[i].Request.CallId, attemptId, StringComparison.Ordinal))
            {
                return i - _start;
            }
        }

        return -1;
    }

    /// <summary>Sets the outcome of the attempt at <paramref name="position"/> (in <see cref="Attempts"/>).</summary>
    public void SetOutcome(int position, Disposition disposition, Instant occurredAt) =>
        _items![_start + position].SetOutcome(disposition, occurredAt);

    public void RemoveAt(int position)
    {
        var items = _items!;
        var i = _start + position;
        var end = _start + _count - 1;
        Array.Copy(items, i + 1, items, i, end - i);
        items[end] = default;
        _count--;
        if (_count == 0)
        {
            _start = 0;
            _idFilter = 0;
        }
    }

    /// <summary>Stores the block, replacing one with the same id. Returns whether it replaced one.</summary>
    public bool UpsertBlock(in ProtectionBlock block)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks![i].Id, block.Id, StringComparison.Ordinal))
            {
                _blocks[i] = block;
                return true;
            }
        }

        if (_blocks is null || _blockCount == _blocks.Length)
        {
            Array.Resize(ref _blocks, Math.Max(2, (_blocks?.Length ?? 0) * 2));
        }

        _blocks[_blockCount++] = block;
        return false;
    }

    public bool RemoveBlock(string blockId, out ProtectionBlock removed)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks![i].Id, blockId, StringComparison.Ordinal))
            {
                removed = _blocks[i];
                RemoveBlockAt(i);
                return true;
            }
        }

        removed = default;
        return false;
    }

    public readonly bool TryGetBlock(string blockId, out ProtectionBlock block)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks![i].Id, blockId, StringComparison.Ordinal))
            {
                block = _blocks[i];
                return true;
            }
        }

        block = default;
        return false;
    }

    /// <summary>Removes blocks that cleared before <paramref name="olderThan"/>, calling <paramref name="onRemoved"/> for each.</summary>
    public int PurgeBlocks(Instant olderThan, Action<ProtectionBlock> onRemoved)
    {
        var removed = 0;
        for (var i = _blockCount - 1; i >= 0; i--)
        {
            if (_blocks![i].Until is { } until && until < olderThan)
            {
                onRemoved(_blocks[i]);
                RemoveBlockAt(i);
                removed++;
            }
        }

        return removed;
    }

    private void RemoveBlockAt(int i)
    {
        var blocks = _blocks!;
        Array.Copy(blocks, i + 1, blocks, i, _blockCount - i - 1);
        blocks[--_blockCount] = default;
    }

    private void MakeRoom()
    {
        var items = _items ?? [];
        if (_start > 0 && _count <= items.Length / 2)
        {
            Array.Copy(items, _start, items, 0, _count);
            Array.Clear(items, _count, _start);
            _start = 0;
            RebuildFilter();
            return;
        }

        // Start with room for one attempt (most numbers hold one or two inside the horizon) and double from there.
        var length = Math.Max(1, items.Length * 2);
        var bigger = new LoggedAttempt[length];
        Array.Copy(items, _start, bigger, 0, _count);
        _items = bigger;
        _start = 0;
        RebuildFilter();
    }

    private static ulong FilterBit(int idHash) => 1UL << (idHash & 63);

    private void RebuildFilter()
    {
        var filter = 0UL;
        foreach (ref readonly var attempt in Attempts)
        {
            filter |= FilterBit(attempt.IdHash);
        }

        _idFilter = filter;
    }
}
