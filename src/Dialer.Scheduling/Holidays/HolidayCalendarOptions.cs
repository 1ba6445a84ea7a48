namespace Dialer.Scheduling;

/// <summary>A host-defined holiday calendar (see <see cref="SchedulingOptions.HolidayCalendars"/>).</summary>
public sealed class HolidayCalendarOptions
{
    /// <summary>The holidays.</summary>
    /// <value>Empty by default.</value>
    public List<HolidayRuleOptions> Holidays { get; set; } = [];
}
