namespace Dialer.Scheduling.Internal;

/// <summary>A set of dates (day numbers): explicit date ranges plus holiday calendars. Lookups allocate nothing.</summary>
internal sealed class DaySet
{
    private readonly long[] _rangeStarts;
    private readonly long[] _rangeEnds;
    private readonly HolidayCalendar[] _calendars;

    public DaySet(IEnumerable<(long From, long To)> ranges, IEnumerable<HolidayCalendar> calendars)
    {
        var sorted = ranges.OrderBy(r => r.From).ToList();
        var merged = new List<(long From, long To)>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.From <= merged[^1].To + 1)
            {
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, r.To));
            }
            else
            {
                merged.Add(r);
            }
        }

        _rangeStarts = [.. merged.Select(m => m.From)];
        _rangeEnds = [.. merged.Select(m => m.To)];
        _calendars = [.. calendars.Distinct()];
    }

    public bool IsEmpty => _rangeStarts.Length == 0 && _calendars.Length == 0;

    public bool Contains(long day)
    {
        var starts = _rangeStarts;
        if (starts.Length > 0)
        {
            int lo = 0, hi = starts.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >> 1;
                if (starts[mid] > day)
                {
                    hi = mid - 1;
                }
                else if (_rangeEnds[mid] < day)
                {
                    lo = mid + 1;
                }
                else
                {
                    return true;
                }
            }
        }

        foreach (var calendar in _calendars)
        {
            if (calendar.ContainsDay(day))
            {
                return true;
            }
        }

        return false;
    }
}
