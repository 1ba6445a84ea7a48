namespace Dialer.Scheduling;

/// <summary>Callee-local legal calling hours, applied every day in every callee zone candidate (US TCPA by default).</summary>
public sealed class LegalHoursOptions
{
    /// <summary>The default of <see cref="Enabled"/>.</summary>
    public const bool DefaultEnabled = true;

    /// <summary>The default of <see cref="StartTime"/>: 08:00 (47 CFR § 64.1200(c)(1)).</summary>
    public const string DefaultStartTime = "08:00";

    /// <summary>The default of <see cref="EndTime"/>: 21:00 (47 CFR § 64.1200(c)(1)).</summary>
    public const string DefaultEndTime = "21:00";

    /// <summary>The default of <see cref="Citation"/>.</summary>
    public const string DefaultCitation = "47 U.S.C. § 227; 47 CFR § 64.1200(c)(1)";

    /// <summary>Whether the legal-hours layer applies. Turn it off only where no such law applies.</summary>
    /// <value><see cref="DefaultEnabled"/> (<see langword="true"/>).</value>
    public bool Enabled { get; set; } = DefaultEnabled;

    /// <summary>The earliest local time a call may be placed.</summary>
    /// <value><see cref="DefaultStartTime"/>.</value>
    public string StartTime { get; set; } = DefaultStartTime;

    /// <summary>The local time from which calls are no longer placed (exclusive end).</summary>
    /// <value><see cref="DefaultEndTime"/>.</value>
    public string EndTime { get; set; } = DefaultEndTime;

    /// <summary>The law the hours come from, quoted in denial messages.</summary>
    /// <value><see cref="DefaultCitation"/>.</value>
    public string Citation { get; set; } = DefaultCitation;
}
