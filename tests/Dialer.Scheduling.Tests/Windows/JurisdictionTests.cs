using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Windows;

public sealed class JurisdictionTests
{
    private static readonly CallingWindowService s_service = Service(Options(legal: true, rules: true));

    [Fact]
    public void Mississippi_InJuly_UsesCentralStandardTimeAllYear()
    {
        // 2026-07-15 (Wednesday): Chicago is on CDT (UTC-5); the law's 08:00-20:00 CST (UTC-6) is 09:00-21:00 CDT.
        var request = Request(zone: "America/Chicago", region: "MS");

        var early = s_service.Evaluate(request, At("2026-07-15T13:30:00Z")); // 08:30 CDT = 07:30 CST
        Assert.False(early.IsOpen);
        var reason = Assert.Single(early.Reasons);
        Assert.Equal(CallingWindowReasonCodes.Jurisdiction, reason.Code);
        Assert.Contains("MS", reason.Message, StringComparison.Ordinal);
        Assert.Equal(At("2026-07-15T14:00:00Z"), reason.ClearsAt);
        Assert.Equal(At("2026-07-15T14:00:00Z"), early.NextOpen);

        Assert.True(s_service.IsOpen(request, At("2026-07-15T14:00:00Z")));  // 09:00 CDT = 08:00 CST
        Assert.True(s_service.IsOpen(request, At("2026-07-16T01:59:00Z")));  // 20:59 CDT = 19:59 CST

        var late = s_service.Evaluate(request, At("2026-07-16T02:00:00Z"));  // 21:00 CDT = 20:00 CST
        Assert.False(late.IsOpen);
        Assert.True(late.Reasons.Contains(CallingWindowReasonCodes.Jurisdiction));
        Assert.True(late.Reasons.Contains(CallingWindowReasonCodes.LegalHours));
        Assert.Equal(2, late.Reasons.Count);
    }

    [Fact]
    public void Mississippi_OnSunday_IsBannedUntilMonday()
    {
        var request = Request(zone: "America/Chicago", region: "MS");
        var sunday = s_service.Evaluate(request, At("2026-07-19T15:00:00Z")); // Sunday 10:00 CDT
        Assert.False(sunday.IsOpen);
        Assert.Equal(CallingWindowReasonCodes.Jurisdiction, Assert.Single(sunday.Reasons).Code);
        Assert.Equal(At("2026-07-20T14:00:00Z"), sunday.NextOpen);
    }

    [Fact]
    public void Utah_OnObservedIndependenceDay_IsBannedAsAHoliday()
    {
        // 2026-07-04 is a Saturday, observed Friday 2026-07-03; Saturday itself is a holiday too and Sunday is banned.
        var request = Request(zone: "America/Denver", region: "UT");
        var friday = s_service.Evaluate(request, At("2026-07-03T18:00:00Z")); // 12:00 MDT
        Assert.False(friday.IsOpen);
        Assert.Equal(CallingWindowReasonCodes.JurisdictionHoliday, Assert.Single(friday.Reasons).Code);
        Assert.Equal(At("2026-07-06T14:00:00Z"), friday.NextOpen); // Monday 08:00 MDT
        Assert.True(s_service.IsOpen(request, At("2026-07-02T18:00:00Z")));
    }

    [Fact]
    public void FloridaAreaCode_WithHostRegionTexas_AppliesBothRuleSets()
    {
        // +1 305 presumes Florida (08:00-20:00); the host says TX (09:00-21:00 Mon-Sat): 09:00-20:00 is what remains.
        var request = Request(zone: "America/New_York", region: "TX", phone: "+13055550100");
        Assert.Equal(["TX", "FL"], s_service.ZoneResolver.ResolveRegions(request));
        var morning = s_service.Evaluate(request, At("2026-07-15T12:30:00Z")); // 08:30 EDT: FL open, TX closed
        Assert.Equal(CallingWindowReasonCodes.Jurisdiction, Assert.Single(morning.Reasons).Code);
        Assert.Contains("TX", morning.Reasons[0].Message, StringComparison.Ordinal);
        var evening = s_service.Evaluate(request, At("2026-07-16T00:30:00Z")); // 20:30 EDT: TX open, FL closed
        Assert.Contains("FL", Assert.Single(evening.Reasons).Message, StringComparison.Ordinal);
        Assert.True(s_service.IsOpen(request, At("2026-07-15T13:00:00Z")));
    }

    [Fact]
    public void Florida_BeforeItsEffectiveDate_AppliesOnlyFederalHours()
    {
        var request = Request(zone: "America/New_York", region: "FL");
        Assert.True(s_service.IsOpen(request, At("2021-06-30T00:30:00Z")));  // 2021-06-29 20:30 EDT, before 2021-07-01
        Assert.False(s_service.IsOpen(request, At("2021-07-02T00:30:00Z"))); // 2021-07-01 20:30 EDT
    }

    [Fact]
    public void HostRule_ForARegion_ReplacesTheBuiltInRules()
    {
        var service = Service(Options(legal: true, rules: true, configure: o =>
        {
            var rule = new JurisdictionRuleOptions { Region = "FL", Citation = "host counsel memo 2026-01" };
            rule.Hours.Days.AddRange(AllDays);
            rule.Hours.StartTime = "10:00";
            rule.Hours.EndTime = "21:00";
            o.Jurisdictions.Rules.Add(rule);
        }));
        var request = Request(zone: "America/New_York", region: "FL");
        Assert.False(service.IsOpen(request, At("2026-07-15T13:30:00Z"))); // 09:30 EDT
        Assert.True(service.IsOpen(request, At("2026-07-16T00:30:00Z")));  // 20:30 EDT: the built-in 20:00 end is gone
        Assert.Contains("host counsel memo", service.Evaluate(request, At("2026-07-15T13:30:00Z")).Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RulePack_HasAsOfDateAndACitationForEveryRule()
    {
        Assert.Equal(new NodaTime.LocalDate(2025, 11, 1), UsJurisdictionRules.AsOf);
        var rules = UsJurisdictionRules.CreateRules();
        Assert.Contains(rules, r => r.Region == "FL");
        Assert.Contains(rules, r => r.Region == "MS" && r.ReferenceZone == "Etc/GMT+6" && !r.Hours.Days.Contains("sunday"));
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Citation)));
        rules.Clear();
        Assert.NotEmpty(UsJurisdictionRules.CreateRules()); // a fresh copy each time
    }
}
