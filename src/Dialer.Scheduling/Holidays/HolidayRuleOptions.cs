using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// One holiday of a <see cref="HolidayCalendar"/>: either a fixed date (<see cref="Month"/> and <see cref="Day"/>) or
/// the nth weekday of a month (<see cref="Month"/>, <see cref="Weekday"/> and <see cref="Occurrence"/>), optionally
/// shifted to an observed weekday. Both the actual and the observed date count as holidays (the conservative reading
/// for calling bans).
/// </summary>
public sealed class HolidayRuleOptions
{
    /// <summary>A name for diagnostics, e.g. <c>Independence Day</c>.</summary>
    /// <value><see langword="null"/> by default (required).</value>
    public string? Name { get; set; }

    /// <summary>The month, 1–12.</summary>
    /// <value>0 by default (required).</value>
    public int Month { get; set; }

    /// <summary>For a fixed-date holiday, the day of the month (1–31). Leave null for an nth-weekday holiday.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Day { get; set; }

    /// <summary>For an nth-weekday holiday, the weekday (e.g. <c>Thursday</c>).</summary>
    /// <value><see langword="null"/> by default.</value>
    public IsoDayOfWeek? Weekday { get; set; }

    /// <summary>For an nth-weekday holiday, which one: 1–5, or -1 for the last.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? Occurrence { get; set; }

    /// <summary>How a weekend date is observed.</summary>
    /// <value><see cref="HolidayShift.None"/> by default.</value>
    public HolidayShift Shift { get; set; }

    /// <summary>The first year the holiday exists (inclusive), or null for always.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? FromYear { get; set; }

    /// <summary>The last year the holiday exists (inclusive), or null for always.</summary>
    /// <value><see langword="null"/> by default.</value>
    public int? ToYear { get; set; }
}
