using System.Collections.Concurrent;
using NodaTime;

namespace Dialer.Scheduling.Internal;

/// <summary>
/// A zone's offsets precomputed as sorted arrays of Unix ticks, so that finding the offset at an instant and mapping
/// a local time back to an instant are a binary search and a few comparisons, with no allocation. Covers
/// <see cref="MinYear"/>–<see cref="MaxYear"/>; the first and last intervals extend beyond.
/// </summary>
internal sealed class ZoneTable
{
    public const int MinYear = 1900;
    public const int MaxYear = 2200;

    // A local day is on the fast path when it lies this far inside one zone interval: then every local time of the
    // day and of its neighbours maps to exactly one instant with the interval's offset.
    private const long FastMargin = 2 * TimeMath.TicksPerDay;
    private const long Unbounded = long.MaxValue / 4;

    private static readonly ConcurrentDictionary<DateTimeZone, ZoneTable> s_cache = new();

    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[] _offsets;
    private readonly long[] _fastLo;
    private readonly long[] _fastHi;

    // Bucket b (2^BucketShift ticks, about 325 days, from s_origin) starts inside interval _buckets[b].
    private const int BucketShift = 48;
    private static readonly long s_origin = Instant.FromUtc(MinYear, 1, 1, 0, 0).ToUnixTimeTicks();
    private readonly int[] _buckets;

    private ZoneTable(DateTimeZone zone)
    {
        Zone = zone;
        var from = Instant.FromUtc(MinYear, 1, 1, 0, 0);
        var to = Instant.FromUtc(MaxYear, 1, 1, 0, 0);
        var intervals = zone.GetZoneIntervals(from, to).ToArray();
        var n = intervals.Length;
        _starts = new long[n];
        _ends = new long[n];
        _offsets = new long[n];
        _fastLo = new long[n];
        _fastHi = new long[n];
        for (var i = 0; i < n; i++)
        {
            var zi = intervals[i];
            _starts[i] = i == 0 || !zi.HasStart ? -Unbounded : zi.Start.ToUnixTimeTicks();
            _ends[i] = i == n - 1 || !zi.HasEnd ? Unbounded : zi.End.ToUnixTimeTicks();
            _offsets[i] = zi.WallOffset.Ticks;
            _fastLo[i] = _starts[i] + FastMargin;
            _fastHi[i] = _ends[i] - FastMargin;
        }

        var bucketCount = (int)((to.ToUnixTimeTicks() - s_origin) >> BucketShift) + 1;
        _buckets = new int[bucketCount];
        for (var b = 0; b < bucketCount; b++)
        {
            _buckets[b] = Search(s_origin + ((long)b << BucketShift));
        }
    }

    public DateTimeZone Zone { get; }

    public string Id => Zone.Id;

    public static ZoneTable For(DateTimeZone zone) => s_cache.GetOrAdd(zone, static z => new ZoneTable(z));

    /// <summary>The index of the interval holding <paramref name="ticks"/>.</summary>
    public int Find(long ticks)
    {
        var b = (ticks - s_origin) >> BucketShift;
        if ((ulong)b < (ulong)_buckets.Length)
        {
            var i = _buckets[b];
            var ends = _ends;
            while (ticks >= ends[i])
            {
                i++;
            }

            return i;
        }

        return Search(ticks);
    }

    private int Search(long ticks)
    {
        var starts = _starts;
        int lo = 0, hi = starts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (starts[mid] <= ticks)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    public long OffsetAt(int index) => _offsets[index];

    /// <summary>
    /// Whether the local day starting at <paramref name="localMidnight"/> (and the days next to it) lies well inside
    /// interval <paramref name="index"/>, so that local times map to instants by subtracting its offset.
    /// </summary>
    public bool IsSimpleDay(int index, long localMidnight)
    {
        var utcMidnight = localMidnight - _offsets[index];
        return utcMidnight >= _fastLo[index] && utcMidnight + TimeMath.TicksPerDay <= _fastHi[index];
    }

    /// <summary>The Unix ticks of the UTC offset at <paramref name="ticks"/>.</summary>
    public long Offset(long ticks) => _offsets[Find(ticks)];

    /// <summary>
    /// Maps a local time (Unix ticks of the local date-time) to an instant: a local time that occurs twice takes the
    /// earlier occurrence; a local time skipped by a forward transition moves forward to the first instant after the gap.
    /// </summary>
    public long Resolve(long local)
    {
        // Offsets are within ±18 h, so the instant is at least local - 18 h; start from the interval holding that.
        var j = Find(local - (19 * NodaConstants.TicksPerHour));
        var n = _starts.Length;
        for (; j < n; j++)
        {
            var candidate = local - _offsets[j];
            if (candidate < _starts[j])
            {
                return _starts[j];
            }

            if (candidate < _ends[j])
            {
                return candidate;
            }
        }

        return local - _offsets[n - 1];
    }
}
