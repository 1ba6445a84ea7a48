using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NodaTime;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Configuration;

public sealed class SchedulingOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedConstants()
    {
        var o = new SchedulingOptions();
        Assert.Empty(o.Schedules);
        Assert.Empty(o.CampaignSchedules);
        Assert.Empty(o.ClientSchedules);
        Assert.Equal("default", o.DefaultSchedule);
        Assert.Equal(TimeSpan.FromDays(14), o.Horizon);
        Assert.Empty(o.HolidayCalendars);

        Assert.True(o.LegalHours.Enabled);
        Assert.Equal("08:00", o.LegalHours.StartTime);
        Assert.Equal("21:00", o.LegalHours.EndTime);
        Assert.Equal("47 U.S.C. § 227; 47 CFR § 64.1200(c)(1)", o.LegalHours.Citation);

        Assert.True(o.Jurisdictions.UseBuiltInUsRules);
        Assert.Empty(o.Jurisdictions.Rules);

        Assert.True(o.CalleeZones.UsePhonePrefix);
        Assert.True(o.CalleeZones.ApplyAreaCodePresumption);
        Assert.True(o.CalleeZones.UseBuiltInUsRegionZones);
        Assert.Equal(4, o.CalleeZones.MaxPrefixZones);
        Assert.Empty(o.CalleeZones.FallbackZones);
        Assert.Empty(o.CalleeZones.RegionZones);
        Assert.Empty(o.CalleeZones.PostalCodeRegions);
        Assert.Equal(
            ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu"],
            CalleeZoneOptions.DefaultFallbackZones);

        var s = new BusinessScheduleOptions();
        Assert.True(s.Enabled);
        Assert.False(s.CallbacksEnabled);
        Assert.Null(s.TimeZone);
        Assert.Empty(s.Schedule.Days);
        Assert.Null(s.Schedule.StartTime);
        Assert.Null(s.Schedule.EndTime);
        Assert.Empty(s.Schedule.Ranges);
        Assert.Empty(s.BlackoutDates);
        Assert.Empty(s.BlackoutCalendars);
        Assert.Equal(TimeSpan.Zero, s.EndBuffer);

        var r = new JurisdictionRuleOptions();
        Assert.Null(r.Region);
        Assert.Null(r.Citation);
        Assert.Null(r.ReferenceZone);
        Assert.Null(r.EffectiveFrom);
        Assert.Null(r.EffectiveTo);
        Assert.Empty(r.HolidayBans);

        var h = new HolidayRuleOptions();
        Assert.Equal((null, 0, null, null, null, HolidayShift.None, null, null), (h.Name, h.Month, h.Day, h.Weekday, h.Occurrence, h.Shift, h.FromYear, h.ToYear));

        Assert.Equal(ValidateOptionsResult.Success, new SchedulingOptionsValidator().Validate(null, o));
    }

    [Fact]
    public void Validate_InvalidValues_ReportsEveryProblemWithPathAndValue()
    {
        var o = new SchedulingOptions { Horizon = TimeSpan.Zero, DefaultSchedule = "" };
        var bad = new BusinessScheduleOptions { TimeZone = "America/Nowhere", EndBuffer = TimeSpan.FromMinutes(-1) };
        bad.Schedule.Days.AddRange(["monday", "funday"]);
        bad.Schedule.StartTime = "17:00";
        bad.Schedule.EndTime = "09:00";
        bad.Schedule.Ranges["tuesday"] = ["12:00-11:00"];
        bad.BlackoutDates.AddRange(["2026-02-30", "2026-12-26/2026-12-24"]);
        bad.BlackoutCalendars.Add("us-nope");
        o.Schedules["bad"] = bad;
        o.CampaignSchedules["spring"] = "missing";
        o.LegalHours.StartTime = "8am";
        o.CalleeZones.FallbackZones.Add("Nowhere/City");
        o.CalleeZones.PostalCodeRegions["99999"] = "QQ";
        o.CalleeZones.MaxPrefixZones = 0;
        var rule = new JurisdictionRuleOptions { Region = "XX", EffectiveFrom = "2026-01-01", EffectiveTo = "2025-01-01", ReferenceZone = "Etc/Nope" };
        rule.Hours.Days.Add("monday");
        rule.Hours.StartTime = "08:00";
        rule.Hours.EndTime = "20:00";
        o.Jurisdictions.Rules.Add(rule);

        var result = new SchedulingOptionsValidator(DateTimeZoneProviders.Tzdb).Validate(null, o);

        Assert.True(result.Failed);
        var tzdb = DateTimeZoneProviders.Tzdb.VersionId;
        Assert.Equal(
            [
                "Horizon = 00:00:00: must be positive and at most 366 days.",
                $"Schedules:bad:TimeZone = 'America/Nowhere': is not a zone id known to the time zone provider ({tzdb}).",
                "Schedules:bad:EndBuffer = -00:01:00: must be zero or positive and less than a day.",
                "Schedules:bad:Schedule:EndTime = '09:00': must be after StartTime (17:00); ranges are half-open [start, end) within one day.",
                "Schedules:bad:Schedule:Days:1 = 'funday': is not a weekday (monday … sunday).",
                "Schedules:bad:Schedule:Ranges:tuesday:0 = '12:00-11:00': starts at or after its end; ranges are half-open [start, end) within one day.",
                "Schedules:bad:BlackoutDates:0 = '2026-02-30': is not a date (yyyy-MM-dd) or date range (yyyy-MM-dd/yyyy-MM-dd).",
                "Schedules:bad:BlackoutDates:1 = '2026-12-26/2026-12-24': ends before it starts.",
                "Schedules:bad:BlackoutCalendars:0 = 'us-nope': is not a holiday calendar (us-federal, or a name in HolidayCalendars).",
                "CampaignSchedules:spring = 'missing': names no schedule in Schedules.",
                "DefaultSchedule = '': must not be empty (name a schedule, or keep 'default').",
                "LegalHours:StartTime = '8am': is not a time of day (HH:mm or HH:mm:ss).",
                "CalleeZones:MaxPrefixZones = 0: must be at least 1.",
                "CalleeZones:PostalCodeRegions:99999 = 'QQ': is not a region with zones (RegionZones or the built-in US map).",
                $"CalleeZones:FallbackZones:0 = 'Nowhere/City': is not a zone id known to the time zone provider ({tzdb}).",
                "Jurisdictions:Rules:0:Region = 'XX': is not a known region code (a US state code, or a region in CalleeZones:RegionZones).",
                "Jurisdictions:Rules:0:Citation = null: is required (the statute or regulation the rule comes from).",
                $"Jurisdictions:Rules:0:ReferenceZone = 'Etc/Nope': is not a zone id known to the time zone provider ({tzdb}).",
                "Jurisdictions:Rules:0:EffectiveTo = '2025-01-01': precedes EffectiveFrom (2026-01-01).",
            ],
            result.Failures);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var o = Options(configure: x => x.Schedules["s"] = new BusinessScheduleOptions());
        var ex = Assert.Throws<OptionsValidationException>(() => new CallingWindowService(o));
        Assert.Equal(
            [
                "Schedules:s:TimeZone = null: is required (an IANA zone id such as America/New_York).",
                "Schedules:s:Schedule = 's': an enabled schedule has no calling hours (set days/startTime/endTime or ranges; with EndBuffer every range must stay non-empty).",
            ],
            ex.Failures);
    }

    [Fact]
    public void Constructor_CopiesOptions_LaterChangesDoNotApply()
    {
        var o = Options(configure: x => x.Schedules["default"] = Schedule("UTC", AllDays, "09:00", "10:00"));
        var service = Service(o);
        o.Schedules["default"].Schedule.EndTime = "23:00";
        Assert.False(service.IsOpen(Request(zone: "UTC"), At("2026-07-15T12:00:00Z")));
    }

    [Fact]
    public void Bind_SeedsSchedulerConfigShape_BindsDirectly()
    {
        const string json = """
        {"Scheduling":{"Schedules":{"default":
          {"enabled":true,"callbacksEnabled":true,"timezone":"America/New_York",
           "schedule":{"days":["monday","tuesday","wednesday","thursday","friday"],"startTime":"09:00","endTime":"17:00"},
           "blackoutDates":["2026-12-25"]}}}}
        """;
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var o = config.GetSection("Scheduling").Get<SchedulingOptions>()!;
        var s = o.Schedules["default"];
        Assert.Equal((true, true, "America/New_York"), (s.Enabled, s.CallbacksEnabled, s.TimeZone));
        Assert.Equal(Weekdays, s.Schedule.Days);
        Assert.Equal(("09:00", "17:00"), (s.Schedule.StartTime, s.Schedule.EndTime));
        Assert.Equal(["2026-12-25"], s.BlackoutDates);

        o.LegalHours.Enabled = false;
        var service = Service(o);
        Assert.True(service.IsOpen(Request(zone: "UTC"), At("2026-12-24T14:00:00Z")));  // Thu 09:00 EST
        Assert.False(service.IsOpen(Request(zone: "UTC"), At("2026-12-25T15:00:00Z"))); // blackout
        Assert.False(service.IsOpen(Request(zone: "UTC"), At("2026-12-24T22:00:00Z"))); // 17:00 EST
    }

    [Fact]
    public void Bind_RichShape_BindsRangesBlackoutRangesBufferRulesAndCalendars()
    {
        const string json = """
        {"Scheduling":{
          "Horizon":"7.00:00:00",
          "Schedules":{"acme":{"timezone":"America/Chicago","endBuffer":"00:10:00",
            "schedule":{"ranges":{"monday":["09:00-12:00","13:00-17:00"],"saturday":["10:00-14:00"]}},
            "blackoutDates":["2026-12-24/2026-12-26"],"blackoutCalendars":["company"]}},
          "ClientSchedules":{"acme":"acme"},
          "HolidayCalendars":{"company":{"holidays":[{"name":"Founders Day","month":3,"weekday":"Monday","occurrence":-1}]}},
          "Jurisdictions":{"Rules":[{"region":"FL","citation":"host memo","hours":{"days":["monday"],"startTime":"10:00","endTime":"18:00"},"effectiveFrom":"2026-01-01"}]},
          "CalleeZones":{"RegionZones":{"FL":["America/New_York"]},"FallbackZones":["America/Chicago"]}}}
        """;
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var o = config.GetSection("Scheduling").Get<SchedulingOptions>()!;
        Assert.Equal(TimeSpan.FromDays(7), o.Horizon);
        Assert.Equal(["09:00-12:00", "13:00-17:00"], o.Schedules["acme"].Schedule.Ranges["monday"]);
        Assert.Equal(TimeSpan.FromMinutes(10), o.Schedules["acme"].EndBuffer);
        Assert.Equal(IsoDayOfWeek.Monday, o.HolidayCalendars["company"].Holidays[0].Weekday);
        Assert.Equal(ValidateOptionsResult.Success, new SchedulingOptionsValidator().Validate(null, o));

        var service = Service(o);
        var request = Request(zone: "America/Chicago", client: "acme");
        Assert.True(service.IsOpen(request, At("2026-07-13T14:30:00Z")));   // Mon 09:30 CDT
        Assert.False(service.IsOpen(request, At("2026-07-13T17:30:00Z")));  // Mon 12:30 CDT, lunch gap
        Assert.False(service.IsOpen(request, At("2026-07-13T21:55:00Z")));  // Mon 16:55 CDT, inside the 10 min buffer
        Assert.False(service.IsOpen(request, At("2026-03-30T14:30:00Z")));  // last Monday of March: company holiday
        Assert.True(service.IsOpen(request, At("2026-03-23T14:30:00Z")));
    }
}
