namespace Dialer.Scheduling;

/// <summary>US states, DC and territories: codes, names (as libphonenumber's geocoder writes them) and zones.</summary>
internal static class UsRegions
{
    private static readonly (string Code, string Name, string[] Zones)[] s_regions =
    [
        ("AL", "Alabama", ["America/Chicago"]),
        ("AK", "Alaska", ["America/Anchorage", "America/Adak"]),
        ("AZ", "Arizona", ["America/Phoenix", "America/Denver"]),
        ("AR", "Arkansas", ["America/Chicago"]),
        ("CA", "California", ["America/Los_Angeles"]),
        ("CO", "Colorado", ["America/Denver"]),
        ("CT", "Connecticut", ["America/New_York"]),
        ("DE", "Delaware", ["America/New_York"]),
        ("DC", "Washington D.C.", ["America/New_York"]),
        ("FL", "Florida", ["America/New_York", "America/Chicago"]),
        ("GA", "Georgia", ["America/New_York"]),
        ("HI", "Hawaii", ["Pacific/Honolulu"]),
        ("ID", "Idaho", ["America/Boise", "America/Los_Angeles"]),
        ("IL", "Illinois", ["America/Chicago"]),
        ("IN", "Indiana", ["America/Indiana/Indianapolis", "America/Chicago"]),
        ("IA", "Iowa", ["America/Chicago"]),
        ("KS", "Kansas", ["America/Chicago", "America/Denver"]),
        ("KY", "Kentucky", ["America/New_York", "America/Chicago"]),
        ("LA", "Louisiana", ["America/Chicago"]),
        ("ME", "Maine", ["America/New_York"]),
        ("MD", "Maryland", ["America/New_York"]),
        ("MA", "Massachusetts", ["America/New_York"]),
        ("MI", "Michigan", ["America/Detroit", "America/Chicago"]),
        ("MN", "Minnesota", ["America/Chicago"]),
        ("MS", "Mississippi", ["America/Chicago"]),
        ("MO", "Missouri", ["America/Chicago"]),
        ("MT", "Montana", ["America/Denver"]),
        ("NE", "Nebraska", ["America/Chicago", "America/Denver"]),
        ("NV", "Nevada", ["America/Los_Angeles", "America/Denver"]),
        ("NH", "New Hampshire", ["America/New_York"]),
        ("NJ", "New Jersey", ["America/New_York"]),
        ("NM", "New Mexico", ["America/Denver"]),
        ("NY", "New York", ["America/New_York"]),
        ("NC", "North Carolina", ["America/New_York"]),
        ("ND", "North Dakota", ["America/Chicago", "America/Denver"]),
        ("OH", "Ohio", ["America/New_York"]),
        ("OK", "Oklahoma", ["America/Chicago"]),
        ("OR", "Oregon", ["America/Los_Angeles", "America/Boise"]),
        ("PA", "Pennsylvania", ["America/New_York"]),
        ("RI", "Rhode Island", ["America/New_York"]),
        ("SC", "South Carolina", ["America/New_York"]),
        ("SD", "South Dakota", ["America/Chicago", "America/Denver"]),
        ("TN", "Tennessee", ["America/Chicago", "America/New_York"]),
        ("TX", "Texas", ["America/Chicago", "America/Denver"]),
        ("UT", "Utah", ["America/Denver"]),
        ("VT", "Vermont", ["America/New_York"]),
        ("VA", "Virginia", ["America/New_York"]),
        ("WA", "Washington", ["America/Los_Angeles"]),
        ("WV", "West Virginia", ["America/New_York"]),
        ("WI", "Wisconsin", ["America/Chicago"]),
        ("WY", "Wyoming", ["America/Denver"]),
        ("PR", "Puerto Rico", ["America/Puerto_Rico"]),
        ("GU", "Guam", ["Pacific/Guam"]),
        ("VI", "U.S. Virgin Islands", ["America/St_Thomas"]),
        ("AS", "American Samoa", ["Pacific/Pago_Pago"]),
        ("MP", "Northern Mariana Islands", ["Pacific/Saipan"]),
    ];

    private static readonly Dictionary<string, string> s_byName =
        s_regions.ToDictionary(r => r.Name, r => r.Code, StringComparer.OrdinalIgnoreCase);

    public static readonly IReadOnlyCollection<string> Codes = s_regions.Select(r => r.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static readonly IReadOnlyDictionary<string, string[]> Zones =
        s_regions.ToDictionary(r => r.Code, r => r.Zones, StringComparer.OrdinalIgnoreCase);

    public static bool IsKnown(string code) => ((HashSet<string>)Codes).Contains(code);

    /// <summary>
    /// The state code in a geocoder description such as <c>Florida</c>, <c>Jackson, MS</c> or
    /// <c>San Francisco, CA</c>; null when it names none.
    /// </summary>
    public static string? FromGeocoderDescription(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }

        var comma = description.LastIndexOf(',');
        if (comma >= 0)
        {
            var tail = description[(comma + 1)..].Trim();
            if (tail.Length == 2 && IsKnown(tail))
            {
                return tail.ToUpperInvariant();
            }
        }

        return s_byName.TryGetValue(description.Trim(), out var code) ? code : null;
    }
}
