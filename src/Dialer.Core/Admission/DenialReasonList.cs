using System.Collections;
using NodaTime;

namespace Dialer.Core;

/// <summary>
/// The reasons of a denial: zero, one (held inline, so a single-reason denial allocates nothing) or several.
/// A read-only value; enumerate it with <c>foreach</c> (no allocation) or index it.
/// </summary>
public readonly struct DenialReasonList : IReadOnlyList<DenialReason>, IEquatable<DenialReasonList>
{
    private readonly DenialReason _single;
    private readonly DenialReason[]? _many;

    /// <summary>A list holding one reason.</summary>
    public DenialReasonList(DenialReason reason)
    {
        _single = reason;
        _many = null;
        Count = 1;
    }

    /// <summary>A list holding the given reasons (the array is owned by the list from now on).</summary>
    public DenialReasonList(DenialReason[] reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        if (reasons.Length == 1)
        {
            _single = reasons[0];
            _many = null;
        }
        else
        {
            _single = default;
            _many = reasons.Length == 0 ? null : reasons;
        }

        Count = reasons.Length;
    }

    /// <summary>An empty list.</summary>
    public static DenialReasonList Empty => default;

    /// <summary>The number of reasons.</summary>
    public int Count { get; }

    /// <summary>The reason at <paramref name="index"/>.</summary>
    public DenialReason this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in [0, {Count}).");
            }

            return _many is null ? _single : _many[index];
        }
    }

    /// <summary>
    /// The instant at which every reason has cleared: the latest <see cref="DenialReason.ClearsAt"/>, or
    /// <see langword="null"/> if any reason is permanent or the list is empty.
    /// </summary>
    public Instant? AllClearAt
    {
        get
        {
            if (Count == 0)
            {
                return null;
            }

            Instant latest = Instant.MinValue;
            foreach (var r in this)
            {
                if (r.ClearsAt is not { } at)
                {
                    return null;
                }

                if (at > latest)
                {
                    latest = at;
                }
            }

            return latest;
        }
    }

    /// <summary>Whether any reason has the given code.</summary>
    public bool Contains(string code)
    {
        foreach (var r in this)
        {
            if (string.Equals(r.Code, code, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether every reason is of the given category (false for an empty list).</summary>
    public bool AllOf(DenialCategory category)
    {
        if (Count == 0)
        {
            return false;
        }

        foreach (var r in this)
        {
            if (r.Category != category)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Concatenates two lists; allocates only when the result holds more than one reason.</summary>
    public DenialReasonList Concat(DenialReasonList other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        var all = new DenialReason[Count + other.Count];
        var i = 0;
        foreach (var r in this)
        {
            all[i++] = r;
        }

        foreach (var r in other)
        {
            all[i++] = r;
        }

        return new DenialReasonList(all);
    }

    /// <summary>Returns an enumerator that does not allocate.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<DenialReason> IEnumerable<DenialReason>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Two lists are equal when they hold equal reasons in the same order.</summary>
    public bool Equals(DenialReasonList other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (this[i] != other[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DenialReasonList other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in this)
        {
            hash.Add(r);
        }

        return hash.ToHashCode();
    }

#pragma warning disable CS1591
    public static bool operator ==(DenialReasonList left, DenialReasonList right) => left.Equals(right);

    public static bool operator !=(DenialReasonList left, DenialReasonList right) => !left.Equals(right);
#pragma warning restore CS1591

    /// <inheritdoc/>
    public override string ToString() => Count == 0 ? "(none)" : string.Join("; ", this.Select(r => r.ToString()));

    /// <summary>Enumerates a <see cref="DenialReasonList"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<DenialReason>
    {
        private readonly DenialReasonList _list;
        private int _index;

        internal Enumerator(DenialReasonList list)
        {
            _list = list;
            _index = -1;
        }

        /// <inheritdoc/>
        public readonly DenialReason Current => _list[_index];

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext() => ++_index < _list.Count;

        /// <inheritdoc/>
        public void Reset() => _index = -1;

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
