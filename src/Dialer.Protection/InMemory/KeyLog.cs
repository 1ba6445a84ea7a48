using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The attempts and blocks stored under one key (a number, a lead or a subject) by <see cref="InMemoryAttemptLedger"/>.
/// Attempts are kept sorted by recorded instant in one contiguous window of an array of compact
/// <see cref="LoggedAttempt"/>s, so counting reads them as a span and trimming the oldest is O(1) per entry. Not
/// thread-safe: the ledger guards it with its stripe lock.
/// </summary>
internal sealed class KeyLog
{
    private LoggedAttempt[] _items = [];
    private int _start;
    private int _count;
    private ProtectionBlock[] _blocks = [];
    private int _blockCount;

    /// <summary>The attempts, oldest first.</summary>
    public ReadOnlySpan<LoggedAttempt> Attempts => new(_items, _start, _count);

    public ReadOnlySpan<ProtectionBlock> Blocks => new(_blocks, 0, _blockCount);

    public int Count => _count;

    public int BlockCount => _blockCount;

    public bool IsEmpty => _count == 0 && _blockCount == 0;

    /// <summary>The length of the attempts array (for the memory tests).</summary>
    public int Capacity => _items.Length;

    /// <summary>The public entry of the attempt at <paramref name="position"/> (in <see cref="Attempts"/>).</summary>
    public AttemptEntry EntryAt(int position) => _items[_start + position].ToEntry();

    /// <summary>Removes attempts recorded before <paramref name="cutoff"/>.</summary>
    public int TrimBefore(Instant cutoff)
    {
        var removed = 0;
        while (_count > 0 && _items[_start].RecordedAt < cutoff)
        {
            _items[_start] = default;
            _start++;
            _count--;
            removed++;
        }

        if (_count == 0)
        {
            _start = 0;
        }

        return removed;
    }

    /// <summary>Records <paramref name="request"/> at <paramref name="recordedAt"/>, keeping the order by recorded instant.</summary>
    public void Add(DialRequest request, int idHash, Instant recordedAt)
    {
        var i = MakeSlot(recordedAt);
        ref var slot = ref _items[i];
        slot.Request = request;
        slot.RecordedAt = recordedAt;
        slot.IdHash = idHash;
    }

    /// <summary>Inserts a copy of <paramref name="attempt"/>, keeping the order by recorded instant (after equal instants).</summary>
    public void Insert(in LoggedAttempt attempt)
    {
        // MakeSlot may replace the array: index it only afterwards.
        var i = MakeSlot(attempt.RecordedAt);
        _items[i] = attempt;
    }

    /// <summary>
    /// Opens a cleared slot where an attempt recorded at <paramref name="recordedAt"/> belongs (after every attempt with
    /// the same or an earlier instant) and returns its array index.
    /// </summary>
    private int MakeSlot(Instant recordedAt)
    {
        if (_start + _count == _items.Length)
        {
            MakeRoom();
        }

        var i = _start + _count;
        while (i > _start && _items[i - 1].RecordedAt > recordedAt)
        {
            _items[i] = _items[i - 1];
            i--;
        }

        if (i != _start + _count)
        {
            _items[i] = default;
        }

        _count++;
        return i;
    }

    /// <summary>The position (in <see cref="Attempts"/>) of the attempt with this id, or -1.</summary>
    public int IndexOf(string attemptId) => IndexOf(attemptId, LoggedAttempt.HashId(attemptId));

    /// <summary>The position (in <see cref="Attempts"/>) of the attempt with this id and id hash, or -1.</summary>
    public int IndexOf(string attemptId, int idHash)
    {
        var items = _items;
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
        _items[_start + position].SetOutcome(disposition, occurredAt);

    public void RemoveAt(int position)
    {
        var i = _start + position;
        var end = _start + _count - 1;
        Array.Copy(_items, i + 1, _items, i, end - i);
        _items[end] = default;
        _count--;
        if (_count == 0)
        {
            _start = 0;
        }
    }

    /// <summary>Stores the block, replacing one with the same id. Returns whether it replaced one.</summary>
    public bool UpsertBlock(in ProtectionBlock block)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks[i].Id, block.Id, StringComparison.Ordinal))
            {
                _blocks[i] = block;
                return true;
            }
        }

        if (_blockCount == _blocks.Length)
        {
            Array.Resize(ref _blocks, Math.Max(2, _blocks.Length * 2));
        }

        _blocks[_blockCount++] = block;
        return false;
    }

    public bool RemoveBlock(string blockId, out ProtectionBlock removed)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks[i].Id, blockId, StringComparison.Ordinal))
            {
                removed = _blocks[i];
                RemoveBlockAt(i);
                return true;
            }
        }

        removed = default;
        return false;
    }

    public bool TryGetBlock(string blockId, out ProtectionBlock block)
    {
        for (var i = 0; i < _blockCount; i++)
        {
            if (string.Equals(_blocks[i].Id, blockId, StringComparison.Ordinal))
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
            if (_blocks[i].Until is { } until && until < olderThan)
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
        Array.Copy(_blocks, i + 1, _blocks, i, _blockCount - i - 1);
        _blocks[--_blockCount] = default;
    }

    private void MakeRoom()
    {
        if (_start > 0 && _count <= _items.Length / 2)
        {
            Array.Copy(_items, _start, _items, 0, _count);
            Array.Clear(_items, _count, _start);
            _start = 0;
            return;
        }

        // Start with room for one attempt (most numbers hold one or two inside the horizon) and double from there.
        var length = Math.Max(1, _items.Length * 2);
        var bigger = new LoggedAttempt[length];
        Array.Copy(_items, _start, bigger, 0, _count);
        _items = bigger;
        _start = 0;
    }
}
