namespace Dialer.Scheduling;

/// <summary>
/// A business calling schedule (one per client or campaign, see <see cref="SchedulingOptions.Schedules"/>). Binds
/// directly from the seeds' <c>scheduler-config.json</c> shape:
/// <c>{"enabled":true,"callbacksEnabled":true,"timezone":"America/New_York","schedule":{"days":["monday"],"startTime":"09:00","endTime":"17:00"},"blackoutDates":["2026-12-25"]}</c>.
/// </summary>
public sealed class BusinessScheduleOptions
{
    /// <summary>The default of <see cref="Enabled"/>.</summary>
    public const bool DefaultEnabled = true;

    /// <summary>The default of <see cref="CallbacksEnabled"/>.</summary>
    public const bool DefaultCallbacksEnabled = false;

    /// <summary>Whether the schedule allows calls at all; a disabled schedule denies every call (<c>window.schedule_disabled</c>).</summary>
    /// <value><see cref="DefaultEnabled"/> (<see langword="true"/>).</value>
    public bool Enabled { get; set; } = DefaultEnabled;

    /// <summary>
    /// Whether a callee-requested callback (<c>DialRequest.IsCallback</c>) may be placed outside these hours. Blackout
    /// dates still apply, and legal and jurisdiction hours are never waived.
    /// </summary>
    /// <value><see cref="DefaultCallbacksEnabled"/> (<see langword="false"/>).</value>
    public bool CallbacksEnabled { get; set; } = DefaultCallbacksEnabled;

    /// <summary>The IANA zone the hours and blackout dates are in (configuration key <c>timezone</c>). Required.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? TimeZone { get; set; }

    /// <summary>The weekly hours (configuration key <c>schedule</c>).</summary>
    /// <value>An empty <see cref="WeeklyHoursOptions"/> by default.</value>
    public WeeklyHoursOptions Schedule { get; set; } = new();

    /// <summary>
    /// Dates on which the schedule is closed all day, in <see cref="TimeZone"/>: <c>yyyy-MM-dd</c>, or a range
    /// <c>yyyy-MM-dd/yyyy-MM-dd</c> (both ends inclusive).
    /// </summary>
    /// <value>Empty by default.</value>
    public List<string> BlackoutDates { get; set; } = [];

    /// <summary>Holiday calendars (e.g. <c>us-federal</c>, or a name from <see cref="SchedulingOptions.HolidayCalendars"/>) whose dates are blackout dates.</summary>
    /// <value>Empty by default.</value>
    public List<string> BlackoutCalendars { get; set; } = [];

    /// <summary>Stop admitting this long before each range ends (e.g. <c>00:15:00</c>); zero for none.</summary>
    /// <value><see cref="TimeSpan.Zero"/> by default.</value>
    public TimeSpan EndBuffer { get; set; }
}
