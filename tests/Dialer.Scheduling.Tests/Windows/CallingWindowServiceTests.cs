using Dialer.Core;
using NodaTime;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Windows;

public sealed class CallingWindowServiceTests
{
    private static SchedulingOptions BusinessNineToFive(Action<BusinessScheduleOptions>? configure = null) => Options(legal: true, configure: o =>
    {
        var s = Schedule("America/New_York", Weekdays, "09:00", "17:00");
        configure?.Invoke(s);
        o.Schedules["default"] = s;
    });

    [Fact]
    public void Evaluate_InsideEveryLayer_IsOpenWithNoReasons()
    {
        var service = Service(BusinessNineToFive());
        var at = At("2026-07-15T15:00:00Z"); // Wed 11:00 EDT, 08:00 PDT callee
        var e = service.Evaluate(Request(zone: "America/Los_Angeles"), at);
        Assert.True(e.IsOpen);
        Assert.Empty(e.Reasons);
        Assert.Equal(at, e.NextOpen);
    }

    [Fact]
    public void Evaluate_ClosedInTwoLayers_ListsBothReasonsWithTheNextOpenInstant()
    {
        var service = Service(BusinessNineToFive());
        var e = service.Evaluate(Request(zone: "America/Los_Angeles"), At("2026-07-15T12:00:00Z")); // 08:00 EDT, 05:00 PDT
        Assert.False(e.IsOpen);
        Assert.Equal(2, e.Reasons.Count);
        Assert.True(e.Reasons.Contains(CallingWindowReasonCodes.BusinessHours));
        Assert.True(e.Reasons.Contains(CallingWindowReasonCodes.LegalHours));
        Assert.True(e.Reasons.AllOf(DenialCategory.CallingWindow));
        Assert.Equal(At("2026-07-15T15:00:00Z"), e.NextOpen); // 08:00 PDT
        Assert.Equal(e.NextOpen, e.Reasons.AllClearAt);
    }

    [Fact]
    public void Evaluate_BlackoutDate_IsClosedAllDay()
    {
        var service = Service(BusinessNineToFive(s => s.BlackoutDates.AddRange(["2026-12-24/2026-12-25", "2026-12-31"])));
        var e = service.Evaluate(Request(zone: "America/New_York"), At("2026-12-24T16:00:00Z"));
        Assert.Equal(CallingWindowReasonCodes.Blackout, Assert.Single(e.Reasons).Code);
        Assert.Equal(At("2026-12-28T14:00:00Z"), e.NextOpen); // Sat/Sun closed; Monday 09:00 EST
        Assert.False(service.IsOpen(Request(zone: "America/New_York"), At("2026-12-31T16:00:00Z")));
    }

    [Fact]
    public void Evaluate_BlackoutCalendar_ClosesOnObservedHoliday()
    {
        var service = Service(BusinessNineToFive(s => s.BlackoutCalendars.Add("us-federal")));
        Assert.False(service.IsOpen(Request(zone: "America/New_York"), At("2026-07-03T16:00:00Z")));
        Assert.True(service.IsOpen(Request(zone: "America/New_York"), At("2026-07-02T16:00:00Z")));
    }

    [Fact]
    public void Evaluate_DisabledSchedule_IsPermanentlyClosed()
    {
        var service = Service(BusinessNineToFive(s => s.Enabled = false));
        var e = service.Evaluate(Request(zone: "America/New_York"), At("2026-07-15T15:00:00Z"));
        var reason = Assert.Single(e.Reasons);
        Assert.Equal(CallingWindowReasonCodes.ScheduleDisabled, reason.Code);
        Assert.True(reason.IsPermanent);
        Assert.Null(e.NextOpen);
    }

    [Fact]
    public void Evaluate_EndBuffer_StopsAdmittingBeforeClose()
    {
        var service = Service(BusinessNineToFive(s => s.EndBuffer = TimeSpan.FromMinutes(15)));
        var request = Request(zone: "America/New_York");
        Assert.True(service.IsOpen(request, At("2026-07-15T20:44:00Z")));  // 16:44 EDT
        Assert.False(service.IsOpen(request, At("2026-07-15T20:45:00Z"))); // 16:45 EDT
    }

    [Fact]
    public void Evaluate_Callback_WaivesBusinessHoursButNotLegalHoursOrBlackouts()
    {
        var service = Service(BusinessNineToFive(s =>
        {
            s.CallbacksEnabled = true;
            s.BlackoutDates.Add("2026-07-16");
        }));
        Assert.True(service.IsOpen(Request(zone: "America/New_York", callback: true), At("2026-07-15T23:00:00Z")));  // 19:00 EDT
        Assert.False(service.IsOpen(Request(zone: "America/New_York", callback: false), At("2026-07-15T23:00:00Z")));
        Assert.False(service.IsOpen(Request(zone: "America/New_York", callback: true), At("2026-07-16T02:00:00Z"))); // 22:00 EDT
        Assert.False(service.IsOpen(Request(zone: "America/New_York", callback: true), At("2026-07-16T15:00:00Z"))); // blackout
    }

    [Fact]
    public void Evaluate_Callback_WhenScheduleDisallowsCallbacks_KeepsBusinessHours() =>
        Assert.False(Service(BusinessNineToFive()).IsOpen(Request(zone: "America/New_York", callback: true), At("2026-07-15T23:00:00Z")));

    [Fact]
    public void Schedule_ChosenByCampaignThenClientThenDefault()
    {
        var service = Service(Options(configure: o =>
        {
            o.Schedules["default"] = Schedule("America/New_York", AllDays, "09:00", "10:00");
            o.Schedules["client"] = Schedule("America/New_York", AllDays, "10:00", "11:00");
            o.Schedules["campaign"] = Schedule("America/New_York", AllDays, "11:00", "12:00");
            o.ClientSchedules["acme"] = "client";
            o.CampaignSchedules["spring"] = "campaign";
        }));
        var nine = At("2026-07-15T13:30:00Z");
        var ten = At("2026-07-15T14:30:00Z");
        var eleven = At("2026-07-15T15:30:00Z");
        Assert.True(service.IsOpen(Request(zone: "UTC"), nine));
        Assert.True(service.IsOpen(Request(zone: "UTC", client: "acme"), ten));
        Assert.False(service.IsOpen(Request(zone: "UTC", client: "acme"), nine));
        Assert.True(service.IsOpen(Request(zone: "UTC", client: "acme", campaign: "spring"), eleven));
        Assert.False(service.IsOpen(Request(zone: "UTC", client: "acme", campaign: "spring"), ten));
    }

    [Fact]
    public void NoSchedule_OnlyLegalHoursApply()
    {
        var service = Service(Options(legal: true));
        Assert.True(service.IsOpen(Request(zone: "America/New_York"), At("2026-07-19T13:00:00Z"))); // Sunday 09:00 EDT
    }

    [Fact]
    public void NextOpen_NothingWithinHorizon_IsNull()
    {
        var service = Service(Options(configure: o =>
        {
            o.Horizon = TimeSpan.FromDays(3);
            o.Schedules["default"] = Schedule("America/New_York", ["monday"], "09:00", "10:00");
        }));
        var request = Request(zone: "America/New_York");
        Assert.Null(service.NextOpen(request, At("2026-07-14T15:00:00Z"))); // Tuesday; next Monday is 6 days away
        Assert.Equal(At("2026-07-20T13:00:00Z"), service.NextOpen(request, At("2026-07-18T15:00:00Z")));
        Assert.Equal(Duration.FromDays(3), service.Horizon);
    }

    [Fact]
    public void OpenIntervals_SeveralRangesPerDay_AreListedInOrder()
    {
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("UTC", ("monday", "13:00-17:00"), ("monday", "09:00-12:00"), ("tuesday", "00:00-01:00"), ("monday", "23:00-24:00"))));
        var intervals = service.OpenIntervals(Request(zone: "UTC"), At("2026-07-13T00:00:00Z"), At("2026-07-15T00:00:00Z"));
        Assert.Equal(
            [
                new Interval(At("2026-07-13T09:00:00Z"), At("2026-07-13T12:00:00Z")),
                new Interval(At("2026-07-13T13:00:00Z"), At("2026-07-13T17:00:00Z")),
                new Interval(At("2026-07-13T23:00:00Z"), At("2026-07-14T01:00:00Z")), // merged across midnight
            ],
            intervals);
    }

    [Fact]
    public void Query_WithExplicitZoneAndRegion_EvaluatesLikeARequest()
    {
        var service = Service(Options(legal: true, rules: true));
        var query = new CallingWindowQuery { ZoneId = "America/Chicago", RegionCode = "MS" };
        Assert.False(service.IsOpen(query, At("2026-07-15T13:30:00Z")));
        Assert.Equal(At("2026-07-15T14:00:00Z"), service.NextOpen(query, At("2026-07-15T13:30:00Z")));
        Assert.Equal(service.Evaluate(Request(zone: "America/Chicago", region: "MS"), At("2026-07-15T13:30:00Z")).Reasons[0], service.Evaluate(query, At("2026-07-15T13:30:00Z")).Reasons[0]);
        Assert.Equal(
            new Interval(At("2026-07-15T14:00:00Z"), At("2026-07-16T02:00:00Z")),
            Assert.Single(service.OpenIntervals(query, At("2026-07-15T05:00:00Z"), At("2026-07-16T05:00:00Z"))));
    }

    [Fact]
    public void Evaluate_ClockFromTimeProvider_UsesInjectedTime()
    {
        var service = new CallingWindowService(Options(legal: true), DateTimeZoneProviders.Tzdb, Dialer.Testing.TestClock.At("2026-07-15T06:00:00Z"));
        var e = service.Evaluate(Request(zone: "America/New_York"));
        Assert.Equal(At("2026-07-15T06:00:00Z"), e.At);
        Assert.False(e.IsOpen);
    }

    [Fact]
    public void Misuse_ThrowsNamingTheArgument()
    {
        var service = Service(Options(legal: true));
        Assert.Throws<ArgumentNullException>(() => service.Evaluate((DialRequest)null!, At("2026-07-15T06:00:00Z")));
        var range = Assert.Throws<ArgumentException>(() => service.OpenIntervals(Request(zone: "UTC"), At("2026-07-15T06:00:00Z"), At("2026-07-14T06:00:00Z")));
        Assert.Equal("to", range.ParamName);
        var early = Assert.Throws<ArgumentOutOfRangeException>(() => service.IsOpen(Request(zone: "UTC"), Instant.FromUtc(1800, 1, 1, 0, 0)));
        Assert.Equal("at", early.ParamName);
    }
}
