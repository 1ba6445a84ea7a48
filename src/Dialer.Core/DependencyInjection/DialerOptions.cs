namespace Dialer.Core;

/// <summary>Suite-wide options bound to the <c>Dialer</c> configuration section.</summary>
public sealed class DialerOptions
{
    /// <summary>The default of <see cref="ReportAllReasons"/>.</summary>
    public const bool DefaultReportAllReasons = true;

    /// <summary>
    /// Host-defined disposition codes and their categories, e.g. <c>"appointment_set": "Final"</c>. Codes are lower-case
    /// letters, digits and '_' and must not redefine a well-known code.
    /// </summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, DispositionCategory> CustomDispositions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether a denial also asks the gates after the denying one (without taking anything) so that the decision lists
    /// every reason that applies. Turning it off makes denials cheaper and reports only the first gate's reasons.
    /// </summary>
    /// <value><see cref="DefaultReportAllReasons"/> (<see langword="true"/>).</value>
    public bool ReportAllReasons { get; set; } = DefaultReportAllReasons;
}
