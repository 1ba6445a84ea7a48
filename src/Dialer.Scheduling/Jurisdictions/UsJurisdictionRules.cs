using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// The built-in US state rule pack: calling hours, Sunday bans and holiday bans for states that are stricter than
/// the federal 08:00–21:00, compiled from public sources as of <see cref="AsOf"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>This pack is not legal advice. The host must verify every rule with counsel before relying on it</b>, override
/// what differs (a host rule for a region replaces every built-in rule of that region) and add what is missing. Laws
/// change; exemptions (prior consent, established business relationship, calls that are not solicitations) are not
/// modelled: the pack applies the restriction to every call.
/// </para>
/// <para>
/// Holiday bans use the US federal calendar (<see cref="HolidayCalendar.UsFederal"/>) as an approximation of each
/// state's legal holidays; a host that needs a state's exact list defines a calendar and overrides the rule.
/// </para>
/// </remarks>
public static class UsJurisdictionRules
{
    /// <summary>The date the pack was last compiled from public sources.</summary>
    public static LocalDate AsOf { get; } = new(2025, 11, 1);

    /// <summary>The US state, district and territory codes the pack and the built-in zone map know.</summary>
    public static IReadOnlyCollection<string> RegionCodes => UsRegions.Codes;

    /// <summary>A fresh copy of the pack's rules (the host may inspect or change the copy and pass it in options).</summary>
    public static List<JurisdictionRuleOptions> CreateRules() =>
    [
        Daily("AL", "08:00", "20:00", "Ala. Admin. Code r. 770-X-5-.16 (no Sunday or holiday calls)", sundayBan: true, holidayBan: true),
        Daily("CT", "09:00", "20:00", "Conn. Gen. Stat. § 42-288a (as amended by P.A. 23-98)", effectiveFrom: "2023-10-01"),
        Daily("FL", "08:00", "20:00", "Fla. Stat. § 501.059(8)(a) (Florida Telephone Solicitation Act, as amended by ch. 2021-174); area-code residence presumption § 501.059(8)(b)", effectiveFrom: "2021-07-01"),
        Daily("KY", "10:00", "21:00", "Ky. Rev. Stat. § 367.46955(15)"),
        Daily("LA", "08:00", "20:00", "La. R.S. 45:844.12; LPSC General Order (no Sunday or holiday calls)", sundayBan: true, holidayBan: true),
        Daily("MA", "08:00", "20:00", "Mass. Gen. Laws ch. 159C § 3; 201 CMR 12.02"),
        Daily("MD", "08:00", "20:00", "Md. Code, Com. Law § 14-4504 (Stop the Spam Calls Act of 2023)", effectiveFrom: "2024-01-01"),
        Daily("MI", "09:00", "21:00", "Mich. Comp. Laws § 445.111b"),
        Daily("MN", "09:00", "21:00", "Minn. Stat. § 325E.27"),
        Daily("MS", "08:00", "20:00", "Miss. Code Ann. § 77-3-711 (08:00–20:00 Central Standard Time, no Sunday calls)", sundayBan: true, referenceZone: "Etc/GMT+6"),
        Daily("NM", "09:00", "21:00", "N.M. Stat. Ann. § 57-12-22"),
        Daily("NV", "09:00", "20:00", "Nev. Rev. Stat. § 228.590"),
        Daily("OK", "08:00", "20:00", "Okla. Stat. tit. 15, § 775C.4 (Oklahoma Telephone Solicitation Act of 2022)", effectiveFrom: "2022-11-01"),
        RhodeIsland(),
        Texas(),
        Daily("UT", "08:00", "21:00", "Utah Code Ann. § 13-25a-103 (no Sunday or legal holiday calls)", sundayBan: true, holidayBan: true),
        Daily("WA", "08:00", "20:00", "Rev. Code Wash. § 80.36.390(2)"),
    ];

    private static readonly string[] s_allDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly string[] s_monSat = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static JurisdictionRuleOptions Daily(
        string region,
        string start,
        string end,
        string citation,
        bool sundayBan = false,
        bool holidayBan = false,
        string? referenceZone = null,
        string? effectiveFrom = null)
    {
        var rule = new JurisdictionRuleOptions
        {
            Region = region,
            Citation = citation,
            ReferenceZone = referenceZone,
            EffectiveFrom = effectiveFrom,
        };
        rule.Hours.Days.AddRange(sundayBan ? s_monSat : s_allDays);
        rule.Hours.StartTime = start;
        rule.Hours.EndTime = end;
        if (holidayBan)
        {
            rule.HolidayBans.Add(HolidayCalendar.UsFederalName);
        }

        return rule;
    }

    private static JurisdictionRuleOptions RhodeIsland()
    {
        var rule = new JurisdictionRuleOptions { Region = "RI", Citation = "R.I. Gen. Laws § 5-61-3.4 (weekdays 09:00–18:00, Saturday 10:00–17:00, no Sunday or holiday calls)" };
        rule.Hours.Days.AddRange(["monday", "tuesday", "wednesday", "thursday", "friday"]);
        rule.Hours.StartTime = "09:00";
        rule.Hours.EndTime = "18:00";
        rule.Hours.Ranges["saturday"] = ["10:00-17:00"];
        rule.HolidayBans.Add(HolidayCalendar.UsFederalName);
        return rule;
    }

    private static JurisdictionRuleOptions Texas()
    {
        var rule = new JurisdictionRuleOptions { Region = "TX", Citation = "Tex. Bus. & Com. Code § 301.051 (Monday–Saturday 09:00–21:00, Sunday 12:00–21:00)" };
        rule.Hours.Days.AddRange(s_monSat);
        rule.Hours.StartTime = "09:00";
        rule.Hours.EndTime = "21:00";
        rule.Hours.Ranges["sunday"] = ["12:00-21:00"];
        return rule;
    }
}
