using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Dialer.Protection;

/// <summary>
/// The number logs of one stripe of <see cref="InMemoryAttemptLedger"/>: an open-addressing hash table (linear probing,
/// at most half full) keyed by <see cref="Dialer.Core.PhoneNumber.Value"/> with each <see cref="KeyLog"/> stored inline
/// next to its key, so finding a number's attempts reads one array slot (a <see cref="Dictionary{TKey, TValue}"/> reads
/// its bucket array, then its entry array). Not thread-safe: used under the stripe's lock.
/// </summary>
/// <remarks>
/// <para>
/// Key 0 marks an empty slot (no phone number has the value 0). Removal shifts later entries of the probe run back
/// (no tombstones), so lookups stay short however many numbers come and go. References returned by
/// <see cref="Find"/> and <see cref="GetOrAdd"/> are valid until the next <see cref="GetOrAdd"/> or
/// <see cref="Remove"/>.
/// </para>
/// <para>
/// A mutable struct held in a field of its stripe, so that the stripe's object holds the table's array reference and
/// mask next to the stripe's lock word (the stripe is one small object, so fetching the lock's line usually brings them
/// along); always used in place (never copied), and created with <c>new()</c>.
/// </para>
/// </remarks>
internal struct NumberTable
{
    private const int InitialCapacity = 8;

    private Entry[] _entries;
    private int _shift;
    private int _mask;
    private int _count;

    /// <summary>An empty table.</summary>
    public NumberTable()
    {
        _entries = new Entry[InitialCapacity];
        _shift = 64 - 3;
        _mask = InitialCapacity - 1;
    }

    /// <summary>How many numbers are stored.</summary>
    public readonly int Count => _count;

    /// <summary>The log stored for <paramref name="key"/>, or a null reference (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public readonly ref KeyLog Find(ulong key)
    {
        // Under the lock the mask and shift match the array, so every index is in range: no bounds checks, and the
        // array's header (its length) is not read.
        ref var first = ref MemoryMarshal.GetArrayDataReference(_entries);
        var mask = _mask;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            ref var entry = ref Unsafe.Add(ref first, i);
            if (entry.Key == key)
            {
                return ref entry.Log;
            }

            if (entry.Key == 0)
            {
                return ref Unsafe.NullRef<KeyLog>();
            }
        }
    }

    /// <summary>
    /// Asks the processor to fetch the slot where the search for <paramref name="key"/> starts, before the caller takes
    /// the stripe's lock: loads issued after the lock's atomic instruction cannot overlap it, and a real load issued
    /// before it would make the atomic wait for it, but a prefetch does neither. Called without the lock, so the array
    /// and shift may be mid-change; the address is then merely useless (a prefetch never faults) and is computed as a
    /// raw pointer, never as a managed reference outside the array.
    /// </summary>
    public readonly unsafe void Prefetch(ulong key)
    {
        if (Sse.IsSupported)
        {
            // The array's address is read from the reference itself, not through it: dereferencing the array (even for
            // a null check) would load its header's cache line, a miss of its own. An array's elements start two
            // pointer sizes after the address the reference holds (method table, then length and padding).
            var entries = Volatile.Read(ref Unsafe.AsRef(in _entries));
            var address = Unsafe.As<Entry[], nint>(ref entries) + (2 * IntPtr.Size) + ((nint)Home(key) * Unsafe.SizeOf<Entry>());
            Sse.Prefetch0((void*)address);
        }
    }

    /// <summary>The log stored for <paramref name="key"/>, added empty when missing.</summary>
    public ref KeyLog GetOrAdd(ulong key)
    {
        if (key == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, "key = 0 is not a phone number.");
        }

        if ((_count + 1) * 2 > _entries.Length)
        {
            Grow();
        }

        var entries = _entries;
        var mask = entries.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            ref var entry = ref entries[i];
            if (entry.Key == key)
            {
                return ref entry.Log;
            }

            if (entry.Key == 0)
            {
                entry.Key = key;
                _count++;
                return ref entry.Log;
            }
        }
    }

    /// <summary>Removes <paramref name="key"/> and its log; returns whether it was stored.</summary>
    public bool Remove(ulong key)
    {
        var entries = _entries;
        var mask = entries.Length - 1;
        var hole = Home(key);
        while (entries[hole].Key != key)
        {
            if (entries[hole].Key == 0)
            {
                return false;
            }

            hole = (hole + 1) & mask;
        }

        // Backward-shift deletion: move each later entry of the run into the hole when its home lies at or before the
        // hole (cyclically), so every entry stays reachable from its home without crossing an empty slot.
        var next = (hole + 1) & mask;
        while (entries[next].Key != 0)
        {
            var home = Home(entries[next].Key);
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                entries[hole] = entries[next];
                hole = next;
            }

            next = (next + 1) & mask;
        }

        entries[hole] = default;
        _count--;
        return true;
    }

    /// <summary>Every stored log with its key, in slot order; the table must not change during the walk.</summary>
    public readonly Enumerator GetEnumerator() => new(_entries);

    // Fibonacci hashing on the low bits' mix: the stripe is chosen from the top bits of another multiplicative hash, so
    // this one uses a different multiplier to spread numbers of one stripe over the whole table.
    private readonly int Home(ulong key) => (int)((key * 0xC2B2AE3D27D4EB4FUL) >> _shift);

    private void Grow()
    {
        var old = _entries;
        _entries = new Entry[old.Length * 2];
        _shift--;
        _mask = _entries.Length - 1;
        var mask = _entries.Length - 1;
        foreach (ref readonly var entry in old.AsSpan())
        {
            if (entry.Key == 0)
            {
                continue;
            }

            var i = Home(entry.Key);
            while (_entries[i].Key != 0)
            {
                i = (i + 1) & mask;
            }

            _entries[i] = entry;
        }
    }

    internal struct Entry
    {
        public ulong Key;
        public KeyLog Log;
    }

    /// <summary>Walks the stored logs (by reference).</summary>
    public ref struct Enumerator
    {
        private readonly Entry[] _entries;
        private int _index;

        internal Enumerator(Entry[] entries)
        {
            _entries = entries;
            _index = -1;
        }

        /// <summary>The current key.</summary>
        public readonly ulong Key => _entries[_index].Key;

        /// <summary>The current log.</summary>
        public readonly ref KeyLog Current => ref _entries[_index].Log;

        /// <summary>Moves to the next stored log.</summary>
        public bool MoveNext()
        {
            while (++_index < _entries.Length)
            {
                if (_entries[_index].Key != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
