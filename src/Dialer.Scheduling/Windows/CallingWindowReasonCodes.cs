namespace Dialer.Scheduling;

/// <summary>The denial reason codes of the calling-window gate (category <see cref="Core.DenialCategory.CallingWindow"/>).</summary>
public static class CallingWindowReasonCodes
{
    /// <summary>Outside the business hours of the schedule that applies.</summary>
    public const string BusinessHours = "window.business_hours";

    /// <summary>A blackout date of the schedule that applies.</summary>
    public const string Blackout = "window.blackout";

    /// <summary>The schedule that applies is disabled (never clears by itself).</summary>
    public const string ScheduleDisabled = "window.schedule_disabled";

    /// <summary>Outside the callee-local legal hours (TCPA 08:00–21:00 by default).</summary>
    public const string LegalHours = "window.legal_hours";

    /// <summary>Outside the hours or days a jurisdiction rule allows (e.g. a state's 08:00–20:00, a Sunday ban).</summary>
    public const string Jurisdiction = "window.jurisdiction";

    /// <summary>A holiday on which a jurisdiction rule bans calls.</summary>
    public const string JurisdictionHoliday = "window.jurisdiction_holiday";
}
