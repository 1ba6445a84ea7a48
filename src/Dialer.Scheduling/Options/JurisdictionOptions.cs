namespace Dialer.Scheduling;

/// <summary>Jurisdiction rules: the built-in US pack (<see cref="UsJurisdictionRules"/>) plus the host's own.</summary>
public sealed class JurisdictionOptions
{
    /// <summary>The default of <see cref="UseBuiltInUsRules"/>.</summary>
    public const bool DefaultUseBuiltInUsRules = true;

    /// <summary>Whether the built-in US rule pack applies (for every region the host does not give rules for).</summary>
    /// <value><see cref="DefaultUseBuiltInUsRules"/> (<see langword="true"/>).</value>
    public bool UseBuiltInUsRules { get; set; } = DefaultUseBuiltInUsRules;

    /// <summary>
    /// The host's rules. Rules for a region replace every built-in rule of that region (override); rules for other
    /// regions extend the pack.
    /// </summary>
    /// <value>Empty by default.</value>
    public List<JurisdictionRuleOptions> Rules { get; set; } = [];
}
