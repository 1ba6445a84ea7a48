using Dialer.Core;
using Dialer.Scheduling.Internal;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// A named set of holiday rules (fixed dates and nth weekdays, with observed-day shifting), usable for blackout dates
/// of a business schedule and for holiday bans of a jurisdiction rule. Both a holiday's actual date and its observed
/// date are holidays. Immutable and thread-safe; lookups between 1900 and 2200 are a bit test.
/// </summary>
public sealed class HolidayCalendar
{
    /// <summary>The name of the built-in US federal calendar (<see cref="UsFederal"/>).</summary>
    public const string UsFederalName = "us-federal";

    private static readonly long s_firstDay = TimeMath.DayNumber(new LocalDate(ZoneTable.MinYear, 1, 1));
    private static readonly long s_lastDay = TimeMath.DayNumber(new LocalDate(ZoneTable.MaxYear, 12, 31));
    private static readonly Lazy<HolidayCalendar> s_usFederal = new(() => new HolidayCalendar(UsFederalName, UsFederalRules()));

    private readonly HolidayRuleOptions[] _rules;
    private readonly ulong[] _bits;

    /// <summary>Creates a calendar, validating every rule.</summary>
    /// <exception cref="ArgumentException">The name is empty, or a rule is invalid (the message lists every problem).</exception>
    public HolidayCalendar(string name, IEnumerable<HolidayRuleOptions> rules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rules);
        _rules = [.. rules.Select(Copy)];
        var errors = new OptionsErrorList();
        Validate(_rules, "Holidays", errors);
        if (errors.HasErrors)
        {
            throw new ArgumentException($"Holiday calendar '{name}' is invalid: {string.Join("; ", errors.Errors)}", nameof(rules));
        }

        Name = name;
        _bits = new ulong[((s_lastDay - s_firstDay) >> 6) + 1];
        for (var year = ZoneTable.MinYear - 1; year <= ZoneTable.MaxYear + 1; year++)
        {
            foreach (var date in DatesOf(year))
            {
                var day = TimeMath.DayNumber(date);
                if (day >= s_firstDay && day <= s_lastDay)
                {
                    var bit = day - s_firstDay;
                    _bits[bit >> 6] |= 1UL << (int)(bit & 63);
                }
            }
        }
    }

    /// <summary>
    /// US federal holidays (5 U.S.C. § 6103): New Year's Day, Martin Luther King Jr. Day, Washington's Birthday,
    /// Memorial Day, Juneteenth (from 2021), Independence Day, Labor Day, Columbus Day, Veterans Day, Thanksgiving and
    /// Christmas, fixed-date ones observed on the nearest weekday.
    /// </summary>
    public static HolidayCalendar UsFederal => s_usFederal.Value;

    /// <summary>The calendar's name.</summary>
    public string Name { get; }

    /// <summary>Whether <paramref name="date"/> is a holiday (actual or observed).</summary>
    public bool IsHoliday(LocalDate date) => ContainsDay(TimeMath.DayNumber(date));

    /// <summary>The holiday dates (actual and observed) that fall in <paramref name="year"/>, sorted.</summary>
    public IReadOnlyList<LocalDate> GetDates(int year) =>
        [.. Enumerable.Range(year - 1, 3).SelectMany(DatesOf).Where(d => d.Year == year).Distinct().Order()];

    internal bool ContainsDay(long day)
    {
        if (day >= s_firstDay && day <= s_lastDay)
        {
            var bit = day - s_firstDay;
            return (_bits[bit >> 6] & (1UL << (int)(bit & 63))) != 0;
        }

        var date = TimeMath.DateOf(day);
        return Enumerable.Range(date.Year - 1, 3).SelectMany(DatesOf).Contains(date);
    }

    internal static void Validate(IReadOnlyList<HolidayRuleOptions> rules, string path, OptionsErrorList errors)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var p = $"{path}:{i}";
            if (r is null)
            {
                errors.Add(p, null, "must not be null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(r.Name))
            {
                errors.Add($"{p}:{nameof(r.Name)}", r.Name, "is required.");
            }

            if (r.Month is < 1 or > 12)
            {
                errors.Add($"{p}:{nameof(r.Month)}", r.Month, "must be 1-12.");
            }

            if (r.Day is not null)
            {
                if (r.Weekday is not null || r.Occurrence is not null)
                {
                    errors.Add($"{p}:{nameof(r.Day)}", r.Day, "a fixed-date holiday must not also set Weekday or Occurrence.");
                }
                else if (r.Day < 1 || (r.Month is >= 1 and <= 12 && r.Day > DaysIn(r.Month)))
                {
                    errors.Add($"{p}:{nameof(r.Day)}", r.Day, "is not a day of the month.");
                }
            }
            else if (r.Weekday is null || r.Occurrence is null)
            {
                errors.Add($"{p}", r.Name, "needs either Day (fixed date) or Weekday and Occurrence (nth weekday).");
            }
            else
            {
                if (r.Weekday is < IsoDayOfWeek.Monday or > IsoDayOfWeek.Sunday)
                {
                    errors.Add($"{p}:{nameof(r.Weekday)}", (int)r.Weekday, "is not a weekday.");
                }

                if (r.Occurrence is not (-1 or (>= 1 and <= 5)))
                {
                    errors.Add($"{p}:{nameof(r.Occurrence)}", r.Occurrence, "must be 1-5, or -1 for the last.");
                }
            }

            if (!Enum.IsDefined(r.Shift))
            {
                errors.Add($"{p}:{nameof(r.Shift)}", (int)r.Shift, "is not a defined HolidayShift (None, NearestWeekday, SundayToMonday).");
            }

            if (r.FromYear is { } from && r.ToYear is { } to && to < from)
            {
                errors.Add($"{p}:{nameof(r.ToYear)}", to, $"precedes FromYear ({from}).");
            }
        }
    }

    private static int DaysIn(int month) => month == 2 ? 29 : month is 4 or 6 or 9 or 11 ? 30 : 31;

    private IEnumerable<LocalDate> DatesOf(int year)
    {
        if (year < 2 || year > 9998)
        {
            yield break;
        }

        foreach (var r in _rules)
        {
            if ((r.FromYear is { } from && year < from) || (r.ToYear is { } to && year > to))
            {
                continue;
            }

            LocalDate actual;
            if (r.Day is { } day)
            {
                if (day > CalendarSystem.Iso.GetDaysInMonth(year, r.Month))
                {
                    continue;
                }

                actual = new LocalDate(year, r.Month, day);
            }
            else
            {
                var weekday = r.Weekday!.Value;
                var occurrence = r.Occurrence!.Value;
                if (occurrence > 0)
                {
                    var first = new LocalDate(year, r.Month, 1);
                    var offset = ((int)weekday - (int)first.DayOfWeek + 7) % 7;
                    actual = first.PlusDays(offset + (7 * (occurrence - 1)));
                    if (actual.Month != r.Month)
                    {
                        continue;
                    }
                }
                else
                {
                    var last = new LocalDate(year, r.Month, CalendarSystem.Iso.GetDaysInMonth(year, r.Month));
                    actual = last.PlusDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7));
                }
            }

            yield return actual;
            var observed = (r.Shift, actual.DayOfWeek) switch
            {
                (HolidayShift.NearestWeekday, IsoDayOfWeek.Saturday) => actual.PlusDays(-1),
                (HolidayShift.NearestWeekday, IsoDayOfWeek.Sunday) => actual.PlusDays(1),
                (HolidayShift.SundayToMonday, IsoDayOfWeek.Sunday) => actual.PlusDays(1),
                _ => actual,
            };
            if (observed != actual)
            {
                yield return observed;
            }
        }
    }

    private static HolidayRuleOptions Copy(HolidayRuleOptions r) => r is null
        ? null!
        : new HolidayRuleOptions
        {
            Name = r.Name,
            Month = r.Month,
            Day = r.Day,
            Weekday = r.Weekday,
            Occurrence = r.Occurrence,
            Shift = r.Shift,
            FromYear = r.FromYear,
            ToYear = r.ToYear,
        };

    private static HolidayRuleOptions[] UsFederalRules() =>
    [
        Fixed("New Year's Day", 1, 1),
        Nth("Birthday of Martin Luther King, Jr.", 1, IsoDayOfWeek.Monday, 3, 1986),
        Nth("Washington's Birthday", 2, IsoDayOfWeek.Monday, 3),
        Nth("Memorial Day", 5, IsoDayOfWeek.Monday, -1),
        Fixed("Juneteenth National Independence Day", 6, 19, 2021),
        Fixed("Independence Day", 7, 4),
        Nth("Labor Day", 9, IsoDayOfWeek.Monday, 1),
        Nth("Columbus Day", 10, IsoDayOfWeek.Monday, 2),
        Fixed("Veterans Day", 11, 11),
        Nth("Thanksgiving Day", 11, IsoDayOfWeek.Thursday, 4),
        Fixed("Christmas Day", 12, 25),
    ];

    private static HolidayRuleOptions Fixed(string name, int month, int day, int? fromYear = null) =>
        new() { Name = name, Month = month, Day = day, Shift = HolidayShift.NearestWeekday, FromYear = fromYear };

    private static HolidayRuleOptions Nth(string name, int month, IsoDayOfWeek weekday, int occurrence, int? fromYear = null) =>
        new() { Name = name, Month = month, Weekday = weekday, Occurrence = occurrence, FromYear = fromYear };
}
