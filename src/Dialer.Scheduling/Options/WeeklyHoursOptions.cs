namespace Dialer.Scheduling;

/// <summary>
/// Weekly local calling hours: half-open ranges <c>[start, end)</c> per weekday. Two forms combine (their union is
/// taken): the simple form of the seeds' <c>scheduler-config.json</c> (<see cref="Days"/>, <see cref="StartTime"/>,
/// <see cref="EndTime"/>: the same range on every listed day) and the rich form (<see cref="Ranges"/>: several ranges
/// per weekday). Times are <c>HH:mm</c> or <c>HH:mm:ss</c>; an end may be <c>24:00</c>. A weekday with no range is
/// closed.
/// </summary>
public sealed class WeeklyHoursOptions
{
    /// <summary>The weekdays the simple range applies to: <c>monday</c> … <c>sunday</c> (or <c>mon</c> … <c>sun</c>), case-insensitive.</summary>
    /// <value>Empty by default.</value>
    public List<string> Days { get; set; } = [];

    /// <summary>The start of the simple range, e.g. <c>09:00</c>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? StartTime { get; set; }

    /// <summary>The end of the simple range (exclusive), e.g. <c>17:00</c>.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? EndTime { get; set; }

    /// <summary>
    /// The rich form: weekday name → ranges written <c>HH:mm-HH:mm</c>, e.g.
    /// <c>"monday": ["09:00-12:00", "13:00-17:00"]</c>.
    /// </summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, List<string>> Ranges { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
