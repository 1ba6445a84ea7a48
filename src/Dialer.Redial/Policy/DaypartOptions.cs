namespace Dialer.Redial;

/// <summary>
/// The three dayparts in the callee's local time, used by daypart rotation: morning
/// [<see cref="MorningStart"/>, <see cref="AfternoonStart"/>), afternoon [<see cref="AfternoonStart"/>,
/// <see cref="EveningStart"/>) and evening [<see cref="EveningStart"/>, <see cref="EveningEnd"/>). Times are
/// <c>HH:mm</c> (24-hour), strictly increasing.
/// </summary>
public sealed class DaypartOptions
{
    /// <summary>The default of <see cref="MorningStart"/>.</summary>
    public const string DefaultMorningStart = "09:00";

    /// <summary>The default of <see cref="AfternoonStart"/>.</summary>
    public const string DefaultAfternoonStart = "12:00";

    /// <summary>The default of <see cref="EveningStart"/>.</summary>
    public const string DefaultEveningStart = "17:00";

    /// <summary>The default of <see cref="EveningEnd"/>.</summary>
    public const string DefaultEveningEnd = "20:00";

    /// <summary>When the morning starts.</summary>
    /// <value><see cref="DefaultMorningStart"/> (09:00).</value>
    public string MorningStart { get; set; } = DefaultMorningStart;

    /// <summary>When the afternoon starts (and the morning ends).</summary>
    /// <value><see cref="DefaultAfternoonStart"/> (12:00).</value>
    public string AfternoonStart { get; set; } = DefaultAfternoonStart;

    /// <summary>When the evening starts (and the afternoon ends).</summary>
    /// <value><see cref="DefaultEveningStart"/> (17:00).</value>
    public string EveningStart { get; set; } = DefaultEveningStart;

    /// <summary>When the evening ends.</summary>
    /// <value><see cref="DefaultEveningEnd"/> (20:00).</value>
    public string EveningEnd { get; set; } = DefaultEveningEnd;
}
