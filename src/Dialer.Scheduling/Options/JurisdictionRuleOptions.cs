namespace Dialer.Scheduling;

/// <summary>
/// One jurisdiction rule: the calling hours a region (US state code) allows per weekday, optional holiday bans, an
/// optional fixed reference zone, effective dates and a citation. A weekday with no range is banned (e.g. a Sunday ban).
/// </summary>
public sealed class JurisdictionRuleOptions
{
    /// <summary>The region the rule applies to, e.g. <c>FL</c>. Required.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Region { get; set; }

    /// <summary>The allowed hours per weekday, in the callee's zone or <see cref="ReferenceZone"/>.</summary>
    /// <value>An empty <see cref="WeeklyHoursOptions"/> by default.</value>
    public WeeklyHoursOptions Hours { get; set; } = new();

    /// <summary>Holiday calendars whose dates are banned (e.g. <c>us-federal</c>).</summary>
    /// <value>Empty by default.</value>
    public List<string> HolidayBans { get; set; } = [];

    /// <summary>
    /// A zone the law names (e.g. <c>Etc/GMT+6</c> for "Central Standard Time" all year); null means the callee's
    /// local time (every candidate zone).
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public string? ReferenceZone { get; set; }

    /// <summary>The first date the rule is in effect (<c>yyyy-MM-dd</c>, inclusive), or null for always.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? EffectiveFrom { get; set; }

    /// <summary>The last date the rule is in effect (<c>yyyy-MM-dd</c>, inclusive), or null for open-ended.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? EffectiveTo { get; set; }

    /// <summary>Where the rule comes from (statute or regulation), quoted in denial messages. Required.</summary>
    /// <value><see langword="null"/> by default.</value>
    public string? Citation { get; set; }
}
