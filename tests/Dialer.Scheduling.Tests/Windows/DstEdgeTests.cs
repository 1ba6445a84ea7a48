using NodaTime;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Windows;

/// <summary>
/// Window edges on DST transition days, with expected instants worked out by hand from each zone's published rules
/// (not from the code under test).
/// </summary>
public sealed class DstEdgeTests
{
    public static TheoryData<string, string, string, string> LegalHoursOnTransitionDays => new()
    {
        // zone, local date, 08:00 local as UTC, 21:00 local as UTC
        { "America/New_York", "2026-03-08", "2026-03-08T12:00:00Z", "2026-03-09T01:00:00Z" },
        { "America/New_York", "2026-11-01", "2026-11-01T13:00:00Z", "2026-11-02T02:00:00Z" },
        { "America/Chicago", "2026-03-08", "2026-03-08T13:00:00Z", "2026-03-09T02:00:00Z" },
        { "America/Chicago", "2026-11-01", "2026-11-01T14:00:00Z", "2026-11-02T03:00:00Z" },
        { "America/Denver", "2026-03-08", "2026-03-08T14:00:00Z", "2026-03-09T03:00:00Z" },
        { "America/Denver", "2026-11-01", "2026-11-01T15:00:00Z", "2026-11-02T04:00:00Z" },
        { "America/Phoenix", "2026-03-08", "2026-03-08T15:00:00Z", "2026-03-09T04:00:00Z" },
        { "America/Phoenix", "2026-11-01", "2026-11-01T15:00:00Z", "2026-11-02T04:00:00Z" },
        { "America/Los_Angeles", "2026-03-08", "2026-03-08T15:00:00Z", "2026-03-09T04:00:00Z" },
        { "America/Los_Angeles", "2026-11-01", "2026-11-01T16:00:00Z", "2026-11-02T05:00:00Z" },
        { "America/Anchorage", "2026-03-08", "2026-03-08T16:00:00Z", "2026-03-09T05:00:00Z" },
        { "America/Anchorage", "2026-11-01", "2026-11-01T17:00:00Z", "2026-11-02T06:00:00Z" },
        { "Pacific/Honolulu", "2026-03-08", "2026-03-08T18:00:00Z", "2026-03-09T07:00:00Z" },
        { "Pacific/Honolulu", "2026-11-01", "2026-11-01T18:00:00Z", "2026-11-02T07:00:00Z" },
        { "America/Indiana/Indianapolis", "2026-03-08", "2026-03-08T12:00:00Z", "2026-03-09T01:00:00Z" },
        { "America/Indiana/Indianapolis", "2026-11-01", "2026-11-01T13:00:00Z", "2026-11-02T02:00:00Z" },
        { "Australia/Lord_Howe", "2026-10-04", "2026-10-03T21:00:00Z", "2026-10-04T10:00:00Z" },
        { "Australia/Lord_Howe", "2026-04-05", "2026-04-04T21:30:00Z", "2026-04-05T10:30:00Z" },
    };

    [Theory]
    [MemberData(nameof(LegalHoursOnTransitionDays))]
    public void LegalHours_OnTransitionDay_OpenAndCloseAtLocalEightAndNine(string zone, string date, string opens, string closes)
    {
        var service = Service(Options(legal: true));
        var request = Request(zone: zone);
        var open = At(opens);
        var close = At(closes);
        var oneMinute = Duration.FromMinutes(1);

        Assert.False(service.IsOpen(request, open - oneMinute), $"{zone} {date}: open a minute before 08:00");
        Assert.True(service.IsOpen(request, open), $"{zone} {date}: closed at 08:00");
        Assert.True(service.IsOpen(request, close - oneMinute), $"{zone} {date}: closed at 20:59");
        Assert.False(service.IsOpen(request, close), $"{zone} {date}: open at 21:00");
        Assert.Equal(open, service.NextOpen(request, open - Duration.FromHours(5)));
        var interval = Assert.Single(service.OpenIntervals(request, open - Duration.FromHours(2), close + Duration.FromHours(2)));
        Assert.Equal(new Interval(open, close), interval);
    }

    [Fact]
    public void StartInSkippedHour_NewYork_MovesForwardToEndOfGap()
    {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z. A range starting 02:30 opens at 03:00 EDT.
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("America/New_York", ("sunday", "02:30-05:00"))));
        var request = Request(zone: "America/New_York");
        Assert.False(service.IsOpen(request, At("2026-03-08T06:59:00Z")));
        Assert.True(service.IsOpen(request, At("2026-03-08T07:00:00Z")));
        Assert.Equal(At("2026-03-08T07:00:00Z"), service.NextOpen(request, At("2026-03-08T00:00:00Z")));
        Assert.True(service.IsOpen(request, At("2026-03-08T08:59:00Z")));
        Assert.False(service.IsOpen(request, At("2026-03-08T09:00:00Z")));
    }

    [Fact]
    public void EndInRepeatedHour_NewYork_TakesEarlierOccurrence()
    {
        // 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00Z; 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("America/New_York", ("sunday", "00:00-01:30"))));
        var request = Request(zone: "America/New_York");
        Assert.True(service.IsOpen(request, At("2026-11-01T05:29:00Z")));
        Assert.False(service.IsOpen(request, At("2026-11-01T05:30:00Z")));
        Assert.False(service.IsOpen(request, At("2026-11-01T06:15:00Z"))); // 01:15 EST, the repeated hour
        var interval = Assert.Single(service.OpenIntervals(request, At("2026-11-01T00:00:00Z"), At("2026-11-02T00:00:00Z")));
        Assert.Equal(new Interval(At("2026-11-01T04:00:00Z"), At("2026-11-01T05:30:00Z")), interval);
    }

    [Fact]
    public void StartInRepeatedHour_NewYork_OpensAtEarlierOccurrenceAndStaysOpen()
    {
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("America/New_York", ("sunday", "01:30-04:00"))));
        var request = Request(zone: "America/New_York");
        Assert.False(service.IsOpen(request, At("2026-11-01T05:29:00Z")));
        Assert.True(service.IsOpen(request, At("2026-11-01T05:30:00Z")));
        Assert.True(service.IsOpen(request, At("2026-11-01T06:15:00Z"))); // 01:15 EST, after the start's earlier occurrence
        Assert.False(service.IsOpen(request, At("2026-11-01T09:00:00Z"))); // 04:00 EST
    }

    [Fact]
    public void StartInSkippedHalfHour_LordHowe_MovesForwardToEndOfGap()
    {
        // 2026-10-04: 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11) at 2026-10-03T15:30Z.
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("Australia/Lord_Howe", ("sunday", "02:15-03:00"))));
        var request = Request(zone: "Australia/Lord_Howe");
        Assert.False(service.IsOpen(request, At("2026-10-03T15:29:00Z")));
        Assert.True(service.IsOpen(request, At("2026-10-03T15:30:00Z")));
        Assert.Equal(At("2026-10-03T15:30:00Z"), service.NextOpen(request, At("2026-10-03T12:00:00Z")));
        Assert.False(service.IsOpen(request, At("2026-10-03T16:00:00Z"))); // 03:00 LHDT
    }

    [Fact]
    public void EndInRepeatedHalfHour_LordHowe_TakesEarlierOccurrence()
    {
        // 2026-04-05: 02:00 LHDT (+11) falls back to 01:30 LHST (+10:30) at 2026-04-04T15:00Z; 01:45 happens at 14:45Z and 15:15Z.
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("Australia/Lord_Howe", ("sunday", "01:00-01:45"))));
        var request = Request(zone: "Australia/Lord_Howe");
        Assert.True(service.IsOpen(request, At("2026-04-04T14:44:00Z")));
        Assert.False(service.IsOpen(request, At("2026-04-04T14:45:00Z")));
        Assert.False(service.IsOpen(request, At("2026-04-04T15:10:00Z"))); // 01:40 LHST, repeated
    }

    [Fact]
    public void EndInSkippedHour_Chicago_ClosesAtTheGap()
    {
        // 2026-03-08: 02:00 CST jumps to 03:00 CDT at 08:00Z; a range ending 02:30 ends at the gap.
        var service = Service(Options(configure: o => o.Schedules["default"] = Ranges("America/Chicago", ("sunday", "01:00-02:30"))));
        var request = Request(zone: "America/Chicago");
        Assert.True(service.IsOpen(request, At("2026-03-08T07:59:00Z")));
        Assert.False(service.IsOpen(request, At("2026-03-08T08:00:00Z")));
    }
}
