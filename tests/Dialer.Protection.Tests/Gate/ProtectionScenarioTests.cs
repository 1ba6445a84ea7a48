using Dialer.Core;
using Dialer.Testing;
using NodaTime;
using static Dialer.Protection.Tests.ProtectionHarness;

namespace Dialer.Protection.Tests.Gate;

/// <summary>The rules end to end: admission through the gate, outcomes through the handler (issue 4, "Must show").</summary>
public sealed class ProtectionScenarioTests
{
    private const string Phone = "+14155550123";

    [Fact]
    public async Task Admit_VoicemailInsideDuplicateWindow_IsDeniedUntilTheWindowClears()
    {
        var h = new ProtectionHarness();
        await h.CallAsync(Phone, T0, Disposition.AnsweringMachine, T0 + Duration.FromSeconds(40));

        var inside = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(6));
        var atClear = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(10));

        Assert.False(inside.IsAllowed);
        var reason = Assert.Single(inside.Reasons);
        Assert.Equal(ProtectionReasons.DuplicateWindowCode, reason.Code);
        Assert.Equal(DenialCategory.Protection, reason.Category);
        Assert.Equal(T0 + Duration.FromMinutes(10), inside.NextEligibleAt);
        Assert.True(atClear.IsAllowed);
    }

    [Fact]
    public async Task Admit_SoldNumber_IsNeverEligibleAgain()
    {
        var h = new ProtectionHarness();
        await h.CallAsync(Phone, T0, Disposition.Sold);

        var nextYear = await h.AdmitAsync(Phone, T0 + Duration.FromDays(365), lead: "another-lead");

        Assert.False(nextYear.IsAllowed);
        Assert.Equal(ProtectionReasons.FinalDispositionCode, Assert.Single(nextYear.Reasons).Code);
        Assert.Null(nextYear.NextEligibleAt);
    }

    [Fact]
    public async Task Admit_DailyCap_ResetsAtTheCalleesMidnightNotUtc()
    {
        // Callee in Los Angeles (UTC-8 in March before DST): local midnight is 08:00 UTC.
        var h = new ProtectionHarness(o => o.DuplicateWindow = TimeSpan.Zero);
        var zone = "America/Los_Angeles";
        foreach (var hour in new[] { 9, 12, 15 })
        {
            Assert.True((await h.AdmitAsync(Phone, TestClock.Local(zone, 2026, 3, 2, hour), zone: zone)).IsAllowed);
        }

        // 17:00 local on 03-02 is 01:00 UTC on 03-03: a new UTC day, but the same callee day.
        var afterUtcMidnight = await h.AdmitAsync(Phone, TestClock.Local(zone, 2026, 3, 2, 17), zone: zone);
        var afterLocalMidnight = await h.AdmitAsync(Phone, TestClock.Local(zone, 2026, 3, 3, 0, 1), zone: zone);

        Assert.False(afterUtcMidnight.IsAllowed);
        var reason = Assert.Single(afterUtcMidnight.Reasons);
        Assert.Equal(ProtectionReasons.DailyCapCode, reason.Code);
        Assert.Equal(TestClock.Local(zone, 2026, 3, 3, 0), reason.ClearsAt);
        Assert.True(afterLocalMidnight.IsAllowed);
    }

    [Fact]
    public async Task Admit_DailyCap_UsesTheResolversFirstZoneOverTheRequestsZone()
    {
        var resolver = new FixedZoneResolver("Asia/Tokyo");
        var h = new ProtectionHarness(o => { o.DuplicateWindow = TimeSpan.Zero; o.MaxDailyAttemptsPerNumber = 1; }, resolver);
        await h.AdmitAsync(Phone, TestClock.Local("Asia/Tokyo", 2026, 3, 2, 23), zone: "America/Chicago");

        var nextTokyoDay = await h.AdmitAsync(Phone, TestClock.Local("Asia/Tokyo", 2026, 3, 3, 0, 30), zone: "America/Chicago");

        Assert.True(nextTokyoDay.IsAllowed);
        Assert.True(resolver.Calls >= 2);
    }

    [Fact]
    public async Task Admit_DailyCapWithNamedZone_IgnoresTheCalleeZone()
    {
        var h = new ProtectionHarness(o => { o.DuplicateWindow = TimeSpan.Zero; o.MaxDailyAttemptsPerNumber = 1; o.DailyCapZoneId = "Europe/London"; });
        await h.AdmitAsync(Phone, Instant.FromUtc(2026, 3, 2, 23, 0), zone: "Asia/Tokyo");

        var sameLondonDay = await h.AdmitAsync(Phone, Instant.FromUtc(2026, 3, 2, 23, 30), zone: "Asia/Tokyo");

        Assert.Equal(Instant.FromUtc(2026, 3, 3, 0, 0), Assert.Single(sameLondonDay.Reasons).ClearsAt);
    }

    [Fact]
    public async Task Admit_NoZoneKnown_UsesTheFallbackZone()
    {
        var h = new ProtectionHarness(o => { o.DuplicateWindow = TimeSpan.Zero; o.MaxDailyAttemptsPerNumber = 1; o.FallbackZoneId = "America/Denver"; });
        await h.AdmitAsync(Phone, T0);

        var denied = await h.AdmitAsync(Phone, T0 + Duration.FromHours(1));

        Assert.Equal(TestClock.Local("America/Denver", 2026, 3, 3, 0), Assert.Single(denied.Reasons).ClearsAt);
    }

    [Fact]
    public async Task Admit_ThreePer24HoursForOneSubject_CountsAcrossLeadsAndNumbers()
    {
        var h = new ProtectionHarness(o => o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Subject, Window = TimeSpan.FromHours(24), MaxAttempts = 3 }));
        Assert.True((await h.AdmitAsync("+14155550001", T0, lead: "lead-a", subject: "debt-7")).IsAllowed);
        Assert.True((await h.AdmitAsync("+14155550002", T0 + Duration.FromHours(2), lead: "lead-b", subject: "debt-7")).IsAllowed);
        Assert.True((await h.AdmitAsync("+14155550003", T0 + Duration.FromHours(4), lead: "lead-c", subject: "debt-7")).IsAllowed);

        var fourth = await h.AdmitAsync("+14155550004", T0 + Duration.FromHours(6), lead: "lead-d", subject: "debt-7");
        var otherSubject = await h.AdmitAsync("+14155550005", T0 + Duration.FromHours(6), lead: "lead-e", subject: "debt-8");
        var afterWindow = await h.AdmitAsync("+14155550004", T0 + Duration.FromHours(24), lead: "lead-d", subject: "debt-7");

        var reason = Assert.Single(fourth.Reasons);
        Assert.Equal(ProtectionReasons.RollingCapCode, reason.Code);
        Assert.Equal(T0 + Duration.FromHours(24), reason.ClearsAt);
        Assert.True(otherSubject.IsAllowed);
        Assert.True(afterWindow.IsAllowed);
    }

    [Fact]
    public async Task Admit_SevenPerSevenDaysPerLeadInOneCampaign_IsScopedToTheCampaign()
    {
        var h = new ProtectionHarness(o =>
        {
            o.MaxDailyAttemptsPerNumber = 0;
            o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Lead, Scope = LimitScope.Campaign, Window = TimeSpan.FromDays(7), MaxAttempts = 7 });
        });
        for (var i = 0; i < 7; i++)
        {
            Assert.True((await h.AdmitAsync(Phone, T0 + Duration.FromHours(12 * i), campaign: "spring")).IsAllowed);
        }

        var eighth = await h.AdmitAsync(Phone, T0 + Duration.FromHours(90), campaign: "spring");
        var otherCampaign = await h.AdmitAsync(Phone, T0 + Duration.FromHours(90), campaign: "summer");

        Assert.Equal(T0 + Duration.FromDays(7), Assert.Single(eighth.Reasons).ClearsAt);
        Assert.True(otherCampaign.IsAllowed);
    }

    [Fact]
    public async Task Admit_AfterTransfer_CoolsDownThirtyMinutesFromTheOutcome()
    {
        var h = new ProtectionHarness(o => o.DuplicateWindow = TimeSpan.Zero);
        var ended = T0 + Duration.FromMinutes(4);
        await h.CallAsync(Phone, T0, Disposition.Transferred, ended);

        var during = await h.AdmitAsync(Phone, ended + Duration.FromMinutes(29));
        var after = await h.AdmitAsync(Phone, ended + Duration.FromMinutes(30));

        var reason = Assert.Single(during.Reasons);
        Assert.Equal(ProtectionReasons.CooldownCode, reason.Code);
        Assert.Equal(ended + Duration.FromMinutes(30), reason.ClearsAt);
        Assert.True(after.IsAllowed);
    }

    [Fact]
    public async Task Admit_AfterTransferWithBlockOnTransferred_IsBlockedForGood()
    {
        var h = new ProtectionHarness(o => o.BlockOnTransferred = true);
        await h.CallAsync(Phone, T0, Disposition.Transferred);

        var later = await h.AdmitAsync(Phone, T0 + Duration.FromDays(30));

        Assert.Null(later.NextEligibleAt);
        Assert.Equal(ProtectionReasons.FinalDispositionCode, Assert.Single(later.Reasons).Code);
    }

    [Theory]
    [InlineData("conversation", 7 * 24 * 60)]
    [InlineData("abandoned", 72 * 60)]
    public async Task Admit_AfterConversationOrAbandonedCall_CoolsDownForTheConfiguredTime(string code, int minutes)
    {
        var h = new ProtectionHarness();
        Assert.True(Disposition.TryGetWellKnown(code, out var disposition));
        var ended = T0 + Duration.FromMinutes(2);
        await h.CallAsync(Phone, T0, disposition, ended);

        var during = await h.AdmitAsync(Phone, ended + Duration.FromMinutes(minutes - 1));
        var after = await h.AdmitAsync(Phone, ended + Duration.FromMinutes(minutes));

        Assert.Equal(ended + Duration.FromMinutes(minutes), Assert.Single(during.Reasons, r => r.Code == ProtectionReasons.CooldownCode).ClearsAt);
        Assert.True(after.IsAllowed);
    }

    [Fact]
    public async Task Admit_AfterCallbackRequest_IsNotCooledDown()
    {
        var h = new ProtectionHarness();
        await h.CallAsync(Phone, T0, Disposition.CallbackRequested);

        Assert.True((await h.AdmitAsync(Phone, T0 + Duration.FromHours(2))).IsAllowed);
    }

    [Theory]
    [InlineData("not_interested")]
    [InlineData("wrong_number")]
    public async Task Admit_AfterFinalDisposition_IsBlockedForGood(string code)
    {
        var h = new ProtectionHarness();
        Assert.True(Disposition.TryGetWellKnown(code, out var disposition));
        await h.CallAsync(Phone, T0, disposition);

        var later = await h.AdmitAsync(Phone, T0 + Duration.FromDays(100));

        Assert.Null(later.NextEligibleAt);
    }

    [Fact]
    public async Task Admit_NotInterestedWithBlockOff_IsOnlyLimitedByCaps()
    {
        var h = new ProtectionHarness(o => o.BlockOnNotInterested = false);
        await h.CallAsync(Phone, T0, Disposition.NotInterested);

        Assert.True((await h.AdmitAsync(Phone, T0 + Duration.FromHours(1))).IsAllowed);
    }

    [Fact]
    public async Task Admit_SoldWithBlockOff_IsOnlyLimitedByCaps()
    {
        var h = new ProtectionHarness(o => o.BlockOnSold = false);
        await h.CallAsync(Phone, T0, Disposition.Sold);

        Assert.True((await h.AdmitAsync(Phone, T0 + Duration.FromHours(1))).IsAllowed);
    }

    [Theory]
    [InlineData("answering_machine", true)]
    [InlineData("answering_machine", false)]
    [InlineData("no_answer", true)]
    [InlineData("no_answer", false)]
    public async Task Admit_AfterVoicemailOrNoAnswer_IsRetriedOnlyWhenAllowed(string code, bool allowRetry)
    {
        var h = new ProtectionHarness(o => { o.AllowVoicemailRetry = allowRetry; o.AllowNoAnswerRetry = allowRetry; });
        Assert.True(Disposition.TryGetWellKnown(code, out var disposition));
        await h.CallAsync(Phone, T0, disposition);

        var later = await h.AdmitAsync(Phone, T0 + Duration.FromHours(2));

        Assert.Equal(allowRetry, later.IsAllowed);
        if (!allowRetry)
        {
            Assert.Null(later.NextEligibleAt);
        }
    }

    [Fact]
    public async Task Report_DoNotCallRequest_PutsTheNumberOnTheDoNotCallList()
    {
        var h = new ProtectionHarness();
        var request = await h.CallAsync(Phone, T0, Disposition.DoNotCallRequest);

        var list = await new DoNotCallList(h.Ledger, TestClock.At(T0)).ListAsync();
        var later = await h.AdmitAsync(Phone, T0 + Duration.FromDays(10), lead: "other");

        var entry = Assert.Single(list, b => b.Phone == request.Phone);
        Assert.Equal(request.CallId, entry.SourceAttemptId);
        Assert.Null(entry.Until);
        Assert.Equal(ProtectionReasons.DoNotCallCode, Assert.Single(later.Reasons).Code);
        Assert.Null(later.NextEligibleAt);
    }

    [Fact]
    public async Task Report_UnknownOutcome_CountsAsAnAttemptAndIsNeverTreatedAsNotCalled()
    {
        var h = new ProtectionHarness(o => { o.DuplicateWindow = TimeSpan.Zero; o.MaxDailyAttemptsPerNumber = 2; });
        await h.CallAsync(Phone, T0, Disposition.UnknownOutcome);
        await h.CallAsync(Phone, T0 + Duration.FromHours(1), Disposition.UnknownOutcome);

        var third = await h.AdmitAsync(Phone, T0 + Duration.FromHours(2));

        Assert.Equal(ProtectionReasons.DailyCapCode, Assert.Single(third.Reasons).Code);
    }

    [Fact]
    public async Task Report_SameOutcomeTwice_IsIdempotent()
    {
        var h = new ProtectionHarness();
        var request = TestRequests.Create(Phone);
        await h.AdmitAsync(request, T0);

        await h.ReportAsync(request, Disposition.Transferred, T0 + Duration.FromMinutes(3));
        await h.ReportAsync(request, Disposition.Transferred, T0 + Duration.FromMinutes(3));

        Assert.Single(await h.Ledger.GetBlocksAsync(request.Phone));
        Assert.Single(await h.Ledger.GetHistoryAsync(request.Phone, T0 - Duration.FromDays(1)));
    }

    [Fact]
    public async Task Report_DispositionRuleOnLead_BlocksTheLeadOnOtherNumbersOnly()
    {
        var h = new ProtectionHarness(o => o.Dispositions["not_interested"] = new DispositionRuleOptions { Action = DispositionAction.Block, Target = BlockTarget.Lead, Duration = TimeSpan.FromDays(90) });
        await h.CallAsync(Phone, T0, Disposition.NotInterested, lead: "lead-9");

        var sameLeadOtherNumber = await h.AdmitAsync("+14155550999", T0 + Duration.FromDays(1), lead: "lead-9");
        var otherLeadSameNumber = await h.AdmitAsync(Phone, T0 + Duration.FromDays(1), lead: "lead-10");

        Assert.Equal(T0 + Duration.FromMinutes(1) + Duration.FromDays(90), Assert.Single(sameLeadOtherNumber.Reasons).ClearsAt);
        Assert.True(otherLeadSameNumber.IsAllowed);
    }

    [Fact]
    public async Task Report_CustomFinalCode_BlocksTheNumberByCategory()
    {
        var h = new ProtectionHarness();
        await h.CallAsync(Phone, T0, Disposition.Custom("appointment_set", DispositionCategory.Final));

        Assert.Null((await h.AdmitAsync(Phone, T0 + Duration.FromDays(3))).NextEligibleAt);
    }

    [Fact]
    public async Task Report_ClientScopedBlocks_DoNotBlockOtherClients()
    {
        var h = new ProtectionHarness(o => o.BlockScope = LimitScope.Client);
        var request = TestRequests.Create(Phone, clientId: "acme");
        await h.AdmitAsync(request, T0);
        await h.ReportAsync(request, Disposition.Sold, T0 + Duration.FromMinutes(2));

        var acme = await h.AdmitAsync(Phone, T0 + Duration.FromDays(1), client: "acme");
        var globex = await h.AdmitAsync(Phone, T0 + Duration.FromDays(1), client: "globex");

        Assert.False(acme.IsAllowed);
        Assert.True(globex.IsAllowed);
    }

    [Fact]
    public async Task Admit_DifferentLeadIdsAllowed_AppliesTheDuplicateWindowPerLead()
    {
        var h = new ProtectionHarness(o => o.AllowDifferentLeadIds = true);
        await h.AdmitAsync(Phone, T0, lead: "lead-a");

        var otherLead = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(1), lead: "lead-b");
        var sameLead = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(2), lead: "lead-a");

        Assert.True(otherLead.IsAllowed);
        Assert.Equal(ProtectionReasons.DuplicateWindowCode, Assert.Single(sameLead.Reasons).Code);
    }

    [Fact]
    public async Task Admit_DifferentLeadIdsNotAllowed_AppliesTheDuplicateWindowPerNumber()
    {
        var h = new ProtectionHarness();
        await h.AdmitAsync(Phone, T0, lead: "lead-a");

        var otherLead = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(1), lead: "lead-b");

        Assert.Equal(ProtectionReasons.DuplicateWindowCode, Assert.Single(otherLead.Reasons).Code);
    }

    [Fact]
    public async Task Admit_SeveralRulesAtOnce_ListsEveryReasonAndTheLatestClearIsNextEligible()
    {
        var h = new ProtectionHarness(o =>
        {
            o.MaxDailyAttemptsPerNumber = 1;
            o.RollingCaps.Add(new RollingCapOptions { Window = TimeSpan.FromHours(48), MaxAttempts = 1 });
        });
        await h.CallAsync(Phone, T0, Disposition.Transferred, T0 + Duration.FromMinutes(2));
        await new DoNotCallList(h.Ledger, TestClock.At(T0)).AddAsync(PhoneNumber.Parse(Phone), "complaint", T0 + Duration.FromDays(5));

        var denied = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(5));

        Assert.Equal(
            [ProtectionReasons.DuplicateWindowCode, ProtectionReasons.DailyCapCode, ProtectionReasons.RollingCapCode, ProtectionReasons.CooldownCode, ProtectionReasons.DoNotCallCode],
            denied.Reasons.Select(r => r.Code).ToArray());
        Assert.Equal(T0 + Duration.FromDays(5), denied.NextEligibleAt);
    }

    [Fact]
    public async Task Admit_Disabled_AllowsEverythingAndRecordsNothing()
    {
        var h = new ProtectionHarness(o => o.Enabled = false);
        await h.CallAsync(Phone, T0, Disposition.Sold);

        var again = await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(1));

        Assert.True(again.IsAllowed);
        Assert.Equal(AdmissionHolds.None, again.Holds);
        Assert.Empty(await h.Ledger.GetHistoryAsync(PhoneNumber.Parse(Phone), T0 - Duration.FromDays(1)));
    }

    [Fact]
    public async Task Admit_Allowed_HoldsTheRecordedAttempt()
    {
        var h = new ProtectionHarness();
        var request = TestRequests.Create(Phone);

        var decision = await h.AdmitAsync(request, T0);

        Assert.Equal(AdmissionHolds.Attempt, decision.Holds);
        Assert.Equal(T0, decision.AttemptRecordedAt);
        Assert.Equal(request.CallId, decision.AttemptId);
        Assert.Equal(T0, (await h.Ledger.GetAttemptAsync(request.CallId))!.Value.RecordedAt);
    }

    [Fact]
    public async Task Admit_SameCallIdAgain_IsAllowedWithTheOriginalAttempt()
    {
        var h = new ProtectionHarness();
        var request = TestRequests.Create(Phone);
        await h.AdmitAsync(request, T0);

        var replay = await h.AdmitAsync(request, T0 + Duration.FromMinutes(2));

        Assert.True(replay.IsAllowed);
        Assert.Equal(T0, replay.AttemptRecordedAt);
    }

    [Fact]
    public async Task Check_DoesNotRecord()
    {
        var h = new ProtectionHarness();
        var request = TestRequests.Create(Phone);

        var checkedDecision = await h.Admission.CheckAsync(request, T0);

        Assert.True(checkedDecision.IsAllowed);
        Assert.Null(await h.Ledger.GetAttemptAsync(request.CallId));
        Assert.True((await h.AdmitAsync(Phone, T0 + Duration.FromMinutes(1))).IsAllowed);
    }

    [Fact]
    public async Task Admit_LaterGateDenies_RollsBackTheAttemptSoItLeavesNoTrace()
    {
        var ledger = new InMemoryAttemptLedger();
        var gate = new ProtectionGate(ledger, new ProtectionOptions());
        var denying = new FakeGate("late", AdmissionGateOrder.Protection + 1, (_, at) => GateResult.Denied(new DenialReason(DenialCategory.Other, "host.closed", "closed", at + Duration.FromMinutes(1))));
        var admission = new DialAdmission([gate, denying], TestClock.At(T0));
        var request = TestRequests.Create(Phone);

        var denied = await admission.AdmitAsync(request, T0);
        var next = await new DialAdmission([gate], TestClock.At(T0)).AdmitAsync(TestRequests.Create(Phone), T0 + Duration.FromMinutes(1));

        Assert.False(denied.IsAllowed);
        Assert.Null(await ledger.GetAttemptAsync(request.CallId));
        Assert.True(next.IsAllowed);
    }
}
