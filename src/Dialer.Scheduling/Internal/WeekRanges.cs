namespace Dialer.Scheduling.Internal;

/// <summary>
/// Half-open time-of-day ranges per weekday (Monday = 0), as flat arrays of tick pairs
/// <c>[start0, end0, start1, end1, …]</c>, sorted and merged. An end may be <see cref="TimeMath.TicksPerDay"/> (24:00).
/// </summary>
internal sealed class WeekRanges
{
    public static readonly WeekRanges AllDay = new(Enumerable.Range(0, 7).Select(_ => new List<(long, long)> { (0, TimeMath.TicksPerDay) }).ToArray(), 0);

    private readonly long[][] _days;

    public WeekRanges(IReadOnlyList<List<(long Start, long End)>> perDay, long endBuffer)
    {
        _days = new long[7][];
        for (var d = 0; d < 7; d++)
        {
            var merged = new List<(long Start, long End)>();
            foreach (var r in perDay[d].OrderBy(r => r.Start))
            {
                if (merged.Count > 0 && r.Start <= merged[^1].End)
                {
                    merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, r.End));
                }
                else
                {
                    merged.Add(r);
                }
            }

            var flat = new List<long>();
            foreach (var (start, end) in merged)
            {
                var bufferedEnd = end - endBuffer;
                if (bufferedEnd > start)
                {
                    flat.Add(start);
                    flat.Add(bufferedEnd);
                }
            }

            _days[d] = [.. flat];
        }
    }

    public long[] Day(int weekday) => _days[weekday];

    public bool IsEmpty => _days.All(d => d.Length == 0);

    public bool Contains(int weekday, long timeOfDay)
    {
        var ranges = _days[weekday];
        for (var i = 0; i < ranges.Length; i += 2)
        {
            if (timeOfDay < ranges[i])
            {
                return false;
            }

            if (timeOfDay < ranges[i + 1])
            {
                return true;
            }
        }

        return false;
    }
}
