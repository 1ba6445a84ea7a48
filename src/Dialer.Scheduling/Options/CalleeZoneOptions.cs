namespace Dialer.Scheduling;

/// <summary>
/// How the callee's zone candidates and regions are resolved: explicit zone on the request &gt; region or postal code
/// mapped here &gt; phone prefix (libphonenumber) &gt; <see cref="FallbackZones"/>. Never the server's local time.
/// </summary>
public sealed class CalleeZoneOptions
{
    /// <summary>The default of <see cref="UsePhonePrefix"/>.</summary>
    public const bool DefaultUsePhonePrefix = true;

    /// <summary>The default of <see cref="ApplyAreaCodePresumption"/>.</summary>
    public const bool DefaultApplyAreaCodePresumption = true;

    /// <summary>The default of <see cref="UseBuiltInUsRegionZones"/>.</summary>
    public const bool DefaultUseBuiltInUsRegionZones = true;

    /// <summary>The default of <see cref="MaxPrefixZones"/>.</summary>
    public const int DefaultMaxPrefixZones = 4;

    /// <summary>
    /// The zones used when <see cref="FallbackZones"/> is empty: the main US zones, so that a number whose location is
    /// unknown is called only when it is open in all of them.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultFallbackZones =
    [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
        "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
    ];

    /// <summary>Region code (e.g. <c>FL</c>) → the IANA zones of that region. Entries override the built-in US map.</summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, List<string>> RegionZones { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the built-in US state → zones map applies to regions not in <see cref="RegionZones"/>.</summary>
    /// <value><see cref="DefaultUseBuiltInUsRegionZones"/> (<see langword="true"/>).</value>
    public bool UseBuiltInUsRegionZones { get; set; } = DefaultUseBuiltInUsRegionZones;

    /// <summary>
    /// Postal code → region code, e.g. <c>"39201": "MS"</c>. A request's postal code is looked up whole, then by its
    /// first three characters (a US ZIP3 prefix).
    /// </summary>
    /// <value>Empty by default.</value>
    public Dictionary<string, string> PostalCodeRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the phone number's prefix is used (libphonenumber's zone mapper, cached per prefix).</summary>
    /// <value><see cref="DefaultUsePhonePrefix"/> (<see langword="true"/>).</value>
    public bool UsePhonePrefix { get; set; } = DefaultUsePhonePrefix;

    /// <summary>
    /// Whether a US area code's state (e.g. a Florida area code) also applies that state's jurisdiction rules, in
    /// addition to the region the host gives; the most restrictive wins.
    /// </summary>
    /// <value><see cref="DefaultApplyAreaCodePresumption"/> (<see langword="true"/>).</value>
    public bool ApplyAreaCodePresumption { get; set; } = DefaultApplyAreaCodePresumption;

    /// <summary>A prefix mapped to more zones than this is treated as unknown (the fallback applies).</summary>
    /// <value><see cref="DefaultMaxPrefixZones"/>.</value>
    public int MaxPrefixZones { get; set; } = DefaultMaxPrefixZones;

    /// <summary>The zones used when nothing else is known; empty means <see cref="DefaultFallbackZones"/>.</summary>
    /// <value>Empty by default (meaning <see cref="DefaultFallbackZones"/>).</value>
    public List<string> FallbackZones { get; set; } = [];
}
