using Dialer.Core;
using NodaTime;

namespace Dialer.Protection.Tests.Rules;

public sealed class ProtectionDeciderTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");

    [Theory]
    [InlineData("America/Chicago")]
    [InlineData("America/Santiago")]
    [InlineData("America/Havana")]
    [InlineData("Asia/Beirut")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("Pacific/Apia")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("Asia/Tokyo")]
    [InlineData("Europe/London")]
    public void LocalDayBounds_EveryFiveHoursFor22Years_MatchesNodaTimesStartOfDay(string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var end = Instant.FromUtc(2030, 1, 1, 0, 0);
        for (var at = Instant.FromUtc(2008, 1, 1, 0, 0); at < end; at += Duration.FromHours(5))
        {
            var date = at.InZone(zone).Date;
            var (start, next) = ProtectionDecider.LocalDayBounds(zone, at);
            Assert.Equal(FirstInstantOf(zone, date), start);
            Assert.Equal(FirstInstantOf(zone, date.PlusDays(1)), next);
            Assert.InRange(at, start, next - Duration.Epsilon);
        }
    }

    [Fact]
    public void Decide_NoHistory_IsAllowed()
    {
        var result = ProtectionDecider.Decide(Ctx(Req(), T0), Rules(CountLimit.DuplicateWindow(Duration.FromMinutes(10))), [], []);

        Assert.Equal(LedgerStatus.Allowed, result.Status);
        Assert.Equal(T0, result.NextEligibleAt);
    }

    [Fact]
    public void Decide_HistoryHoldsTheAttemptId_IsAlreadyRecorded()
    {
        var request = Req();
        var history = new[] { AttemptEntry.FromRequest(request, T0) };

        var result = ProtectionDecider.Decide(Ctx(request, T0 + Duration.FromMinutes(1)), Rules(CountLimit.DuplicateWindow(Duration.FromMinutes(10))), history, []);

        Assert.Equal(LedgerStatus.AlreadyRecorded, result.Status);
        Assert.Equal(T0, result.RecordedAt);
    }

    [Fact]
    public void Decide_RollingCapWithUnsortedHistory_ClearsAtTheMthMostRecentPlusWindow()
    {
        var hours = new[] { 5, 1, 9, 3, 7 };
        var history = hours.Select(h => AttemptEntry.FromRequest(Req(), T0 + Duration.FromHours(h))).ToArray();

        var result = ProtectionDecider.Decide(Ctx(Req(), T0 + Duration.FromHours(10)), Rules(CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 3)), history, []);

        // Most recent: 9, 7, 5 -> the third most recent (5 h) leaves the window at 29 h.
        Assert.Equal(T0 + Duration.FromHours(29), Assert.Single(result.Reasons).ClearsAt);
    }

    [Fact]
    public void Decide_LargeCap_UsesPooledBufferAndStillFindsTheClearInstant()
    {
        var history = Enumerable.Range(0, 200).Select(i => AttemptEntry.FromRequest(Req(), T0 + Duration.FromMinutes(i))).Reverse().ToArray();

        var result = ProtectionDecider.Decide(Ctx(Req(), T0 + Duration.FromMinutes(200)), Rules(CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromDays(1), 150)), history, []);

        // The 150th most recent is at minute 50.
        Assert.Equal(T0 + Duration.FromMinutes(50) + Duration.FromDays(1), Assert.Single(result.Reasons).ClearsAt);
    }

    [Fact]
    public void Decide_AttemptRecordedLaterThanNow_StillCountsInTheRollingWindow()
    {
        var history = new[] { AttemptEntry.FromRequest(Req(), T0 + Duration.FromMinutes(5)) };

        var result = ProtectionDecider.Decide(Ctx(Req(), T0), Rules(CountLimit.DuplicateWindow(Duration.FromMinutes(10))), history, []);

        Assert.Equal(T0 + Duration.FromMinutes(15), Assert.Single(result.Reasons).ClearsAt);
    }

    [Fact]
    public void Decide_OtherKeysInHistory_AreIgnoredPerLimit()
    {
        var other = PhoneNumber.Parse("+14155550999");
        var history = new[]
        {
            AttemptEntry.FromRequest(new DialRequest("x1", "lead-1", other), T0),
            AttemptEntry.FromRequest(new DialRequest("x2", "lead-2", other) { SubjectKey = "s" }, T0),
        };

        var request = new DialRequest("y", "lead-1", Phone) { SubjectKey = "s" };
        var result = ProtectionDecider.Decide(
            Ctx(request, T0 + Duration.FromMinutes(1)),
            Rules(
                CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
                CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Duration.FromHours(1), 1),
                CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(1), 1)),
            history,
            []);

        Assert.Equal([ProtectionReasons.RollingCapCode, ProtectionReasons.RollingCapCode], result.Reasons.Select(r => r.Code).ToArray());
        Assert.All(result.Reasons, r => Assert.Equal(T0 + Duration.FromHours(1), r.ClearsAt));
    }

    [Fact]
    public void Decide_PermanentAndTimedReasons_NextEligibleIsNull()
    {
        var blocks = new[]
        {
            new ProtectionBlock("a", BlockKind.Cooldown, BlockTarget.Number, Phone, null, LimitScope.Global, null, T0, T0 + Duration.FromHours(1), null, null),
            new ProtectionBlock("b", BlockKind.FinalDisposition, BlockTarget.Number, Phone, null, LimitScope.Global, null, T0, null, "sold", null),
            new ProtectionBlock("c", BlockKind.FinalDisposition, BlockTarget.Number, Phone, null, LimitScope.Global, null, T0, T0, "expired", null),
        };

        var result = ProtectionDecider.Decide(Ctx(Req(), T0 + Duration.FromMinutes(1)), ProtectionRules.None, [], blocks);

        Assert.Equal(2, result.Reasons.Count);
        Assert.Null(result.NextEligibleAt);
    }

    [Fact]
    public void Decide_Default_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => ProtectionDecider.Decide(default, ProtectionRules.None, ReadOnlySpan<AttemptEntry>.Empty, ReadOnlySpan<ProtectionBlock>.Empty));

        Assert.Equal("attempt", ex.ParamName);
    }

    [Fact]
    public void CountLimit_Messages_NameTheLimit()
    {
        Assert.Equal("The number was called within the last 10 min.", CountLimit.DuplicateWindow(Duration.FromMinutes(10)).Message);
        Assert.Equal("The number was called for this lead within the last 2 h.", CountLimit.DuplicateWindow(Duration.FromHours(2), perLead: true).Message);
        Assert.Equal("At most 7 attempt(s) per subject per 7 days in this client reached.", CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Client, Duration.FromDays(7), 7).Message);
        Assert.Equal("At most 3 attempt(s) per number per calendar day (callee's zone) reached.", CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 3).Message);
        Assert.Equal("At most 2 attempt(s) per lead per calendar day (Europe/London) in this campaign reached.", CountLimit.CalendarDay(AttemptKeyKind.Lead, LimitScope.Campaign, 2, DateTimeZoneProviders.Tzdb["Europe/London"]).Message);
    }

    [Fact]
    public void CountLimit_InvalidArguments_ThrowNamingThem()
    {
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => CountLimit.DuplicateWindow(Duration.Zero)).ParamName);
        Assert.Equal("maxCount", Assert.Throws<ArgumentOutOfRangeException>(() => CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(1), 0)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentOutOfRangeException>(() => CountLimit.CalendarDay((AttemptKeyKind)9, LimitScope.Global, 1)).ParamName);
    }

    [Fact]
    public void ProtectionRules_Horizon_IsTheLongestLookBack()
    {
        var rules = Rules(CountLimit.DuplicateWindow(Duration.FromMinutes(10)), CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 3), CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Duration.FromHours(30), 2));

        Assert.Equal(Duration.FromDays(2), rules.Horizon);
        Assert.True(rules.NeedsLead);
        Assert.False(rules.NeedsSubject);
        Assert.True(rules.NeedsCalleeZone);
    }

    // NodaTime's AtStartOfDay, extended to a wholly skipped day (whose "start" is the end of the gap).
    private static Instant FirstInstantOf(DateTimeZone zone, LocalDate date)
    {
        var mapping = zone.MapLocal(date.AtMidnight());
        return mapping.Count > 0 ? zone.AtStartOfDay(date).ToInstant() : mapping.LateInterval.Start;
    }

    [Fact]
    public void LocalDayBounds_DayBeforeASkippedDay_EndsWhereTheGapEnds()
    {
        var apia = DateTimeZoneProviders.Tzdb["Pacific/Apia"];
        var at = apia.AtStrictly(new LocalDateTime(2011, 12, 29, 12, 0)).ToInstant();

        var (_, end) = ProtectionDecider.LocalDayBounds(apia, at);

        Assert.Equal(new LocalDate(2011, 12, 31), end.InZone(apia).Date);
        Assert.Equal(new LocalTime(0, 0), end.InZone(apia).TimeOfDay);
    }

    private static DialRequest Req() => new("call-" + Guid.NewGuid().ToString("N"), "lead-1", Phone);

    private static AttemptContext Ctx(DialRequest request, Instant at) => new(request, at, DateTimeZone.Utc);

    private static ProtectionRules Rules(params CountLimit[] limits) => new(limits);
}
