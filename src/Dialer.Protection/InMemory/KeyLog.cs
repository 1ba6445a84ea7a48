using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The attempts and blocks stored under one key (a number, a lead or a subject) by <see cref="InMemoryAttemptLedger"/>.
/// Attempts are kept sorted by recorded instant in one contiguous window of an array, so the decider reads them as a
/// span and trimming the oldest is O(1) per entry. Not thread-safe: the ledger guards it with its stripe lock.
/// </summary>
internal sealed class KeyLog
{
    private AttemptEntry[] _items = [];
    private int _start;
    private int _count;
    private ProtectionBlock[] _blocks = [];
    private int _blockCount;

    public ReadOnlySpan<AttemptEntry> Entries => new(_items, _start, _count);

    public ReadOnlySpan<ProtectionBlock> Blocks => new(_blocks, 0, _blockCount);

    public int Count => _count;

    public int BlockCount => _blockCount;

    public bool IsEmpty => _count == 0 && _blockCount == 0;

    /// <summary>Approximate bytes held by the arrays (for the memory benchmark).</summary>
    public int Capacity => _items.Length;

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

    /// <summary>Inserts keeping the order by recorded instant (after entries with the same instant).</summary>
    public void Insert(in AttemptEntry entry)
    {
        if (_start + _count == _items.Length)
        {
            MakeRoom();
        }

        var i = _start + _count;
        while (i > _start && _items[i - 1].RecordedAt > entry.RecordedAt)
        {
            _items[i] = _items[i - 1];
            i--;
        }

        _items[i] = entry;
        _count++;
    }

    /// <summary>The position (in <see cref="Entries"/>) of the attempt with this id, or -1.</summary>
    public int IndexOf(string attemptId) => IndexOf(attemptId, AttemptEntry.HashId(attemptId));

    /// <summary>The position (in <see cref="Entries"/>) of the attempt with this id and id hash, or -1.</summary>
    public int IndexOf(string attemptId, int idHash)
    {
        var items = _items;
        for (var i = _start + _count - 1; i >= _start; i--)
        {
            // The id hash sits in the entry: one cache line per entry, which the decider reads next anyway.
            if (items[i].IdHash == idHash && string.Equals(items[i].AttemptId, attemptId, StringComparison.Ordinal))
            {
                return i - _start;
            }
        }

        return -1;
    }

    public void SetAt(int position, in AttemptEntry entry) => _items[_start + position] = entry;

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
        var bigger = new AttemptEntry[length];
        Array.Copy(_items, _start, bigger, 0, _count);
        _items = bigger;
        _start = 0;
    }
}
