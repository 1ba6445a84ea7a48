namespace Dialer.Scheduling;

/// <summary>
/// Options of Dialer.Scheduling: business schedules by name and which one applies (campaign, else client, else
/// <see cref="DefaultSchedule"/>), callee-local legal hours, jurisdiction rules, holiday calendars, callee zone
/// resolution and the <see cref="Horizon"/> of next-open searches.
/// </summary>
public sealed class SchedulingOptions
{
    /// <summary>The default of <see cref="DefaultSchedule"/>.</summary>
    public const string DefaultScheduleName = "default";

    /// <summary>The default of <see cref="Horizon"/>, in days.</summary>
    public const int DefaultHorizonDays = 14;

    /// <summary>The largest <see cref="Horizon"/> accepted, in days.</summary>
    public const int MaxHorizonDays = 366;

    /// <summary>Business schedules by name.</summary>
    /// <value>Empty by default: then only legal and jurisdiction hours apply.</value>
    public Dictionary<string, BusinessScheduleOptions> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Campaign id → schedule name; checked first.</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, string> CampaignSchedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Client id → schedule name; checked when the campaign has none.</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, string> ClientSchedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The schedule used when neither the campaign nor the client has one. When no schedule has this name, no business
    /// hours apply (legal and jurisdiction hours still do).
    /// </summary>
    /// <value><see cref="DefaultScheduleName"/>.</value>
    public string DefaultSchedule { get; set; } = DefaultScheduleName;

    /// <summary>Callee-local legal hours.</summary>
    /// <value>08:00–21:00 (TCPA) by default.</value>
    public LegalHoursOptions LegalHours { get; set; } = new();

    /// <summary>Jurisdiction rules.</summary>
    /// <value>The built-in US pack and no host rules by default.</value>
    public JurisdictionOptions Jurisdictions { get; set; } = new();

    /// <summary>Host-defined holiday calendars by name (<c>us-federal</c> is built in and cannot be redefined).</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, HolidayCalendarOptions> HolidayCalendars { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Callee zone resolution.</summary>
    /// <value>See <see cref="CalleeZoneOptions"/>.</value>
    public CalleeZoneOptions CalleeZones { get; set; } = new();

    /// <summary>How far ahead a next-open search looks; beyond it the answer is "none" (<see langword="null"/>).</summary>
    /// <value><see cref="DefaultHorizonDays"/> days.</value>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(DefaultHorizonDays);
}
