using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Persistence.Contracts.Protection;

/// <summary>
/// The contract every <see cref="IAttemptLedger"/> passes (in-memory, SQLite, PostgreSQL). Derive, implement
/// <see cref="CreateLedgerAsync"/> (and <see cref="ReopenAsync"/> for a durable store), and every test runs.
/// </summary>
/// <remarks>
/// <para>
/// These tests travel in time: they pass explicit instants and expect the ledger to evaluate and record at
/// <see cref="AttemptContext.At"/>. A store that uses its own clock in production (PostgreSQL's database clock) must be
/// created here in a mode that honours the instant passed in; <see cref="AttemptLedgerStoreClockContractTests"/>
/// checks the production mode. Instants are whole seconds, so a store keeping microseconds compares exactly.
/// </para>
/// <para>
/// Tests do not assume an empty store: each uses fresh random numbers, lead ids, subject keys and call ids, and lists
/// are checked for what they contain, so a shared database is fine.
/// </para>
/// </remarks>
public abstract class AttemptLedgerContractTests : IAsyncLifetime
{
    /// <summary>A Monday afternoon in UTC, whole seconds.</summary>
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
    private static readonly DateTimeZone Tokyo = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];

    private readonly List<IAttemptLedger> _created = [];

    /// <summary>Creates a ledger for one test (a fresh store, or a shared one: tests use unique keys).</summary>
    protected abstract Task<IAttemptLedger> CreateLedgerAsync();

    /// <summary>
    /// Closes <paramref name="ledger"/> and opens the same store again (a new connection, file handle or process view),
    /// returning the reopened ledger. The default returns the same instance (an in-memory ledger is not durable).
    /// </summary>
    protected virtual Task<IAttemptLedger> ReopenAsync(IAttemptLedger ledger) => Task.FromResult(ledger);

    /// <summary>Whether <see cref="ReopenAsync"/> really closes and reopens a durable store.</summary>
    protected virtual bool IsDurable => false;

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var ledger in _created)
        {
            switch (ledger)
            {
                case IAsyncDisposable d:
                    await d.DisposeAsync();
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }
    }

    // ------------------------------------------------------------------ record and idempotency

    [Fact]
    public async Task TryRecord_FirstAttempt_IsRecordedAtTheInstant()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());

        var result = await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());

        Assert.Equal(LedgerStatus.Recorded, result.Status);
        Assert.True(result.IsAllowed);
        Assert.Equal(T0, result.RecordedAt);
        var stored = await ledger.GetAttemptAsync(request.CallId);
        Assert.NotNull(stored);
        Assert.Equal(request.Phone, stored.Value.Phone);
        Assert.Equal(request.LeadId, stored.Value.LeadId);
        Assert.Equal(request.ClientId, stored.Value.ClientId);
        Assert.Equal(request.CampaignId, stored.Value.CampaignId);
        Assert.Equal(request.SubjectKey, stored.Value.SubjectKey);
        Assert.Equal(T0, stored.Value.RecordedAt);
        Assert.False(stored.Value.HasOutcome);
    }

    [Fact]
    public async Task TryRecord_SameAttemptIdAgain_ReturnsOriginalInstantAndRecordsNothing()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        var first = await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());

        // A webhook or retry replays the same call id later, inside the duplicate window: it is the same attempt.
        var again = await ledger.TryRecordAttemptAsync(Ctx(request, T0 + Duration.FromMinutes(3)), DuplicateOnly());

        Assert.Equal(LedgerStatus.AlreadyRecorded, again.Status);
        Assert.True(again.IsAllowed);
        Assert.Equal(first.RecordedAt, again.RecordedAt);
        Assert.Single(await ledger.GetHistoryAsync(request.Phone, T0 - Duration.FromDays(1)));
    }

    [Fact]
    public async Task Evaluate_DoesNotRecord()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());

        var evaluated = await ledger.EvaluateAsync(Ctx(request, T0), DuplicateOnly());

        Assert.Equal(LedgerStatus.Allowed, evaluated.Status);
        Assert.Null(evaluated.RecordedAt);
        Assert.Null(await ledger.GetAttemptAsync(request.CallId));
        Assert.Empty(await ledger.GetHistoryAsync(request.Phone, T0 - Duration.FromDays(1)));
        var recorded = await ledger.TryRecordAttemptAsync(Ctx(request.WithCallId(NewCallId()), T0), DuplicateOnly());
        Assert.Equal(LedgerStatus.Recorded, recorded.Status);
    }

    [Fact]
    public async Task Evaluate_InsideDuplicateWindow_IsDeniedLikeTryRecord()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var first = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0), DuplicateOnly());
        var second = Req(phone);

        var evaluated = await ledger.EvaluateAsync(Ctx(second, T0 + Duration.FromMinutes(1)), DuplicateOnly());
        var alreadyRecorded = await ledger.EvaluateAsync(Ctx(Req(phone, callId: (await ledger.GetHistoryAsync(phone, T0))[0].AttemptId), T0 + Duration.FromMinutes(1)), DuplicateOnly());

        Assert.Equal(LedgerStatus.Denied, evaluated.Status);
        Assert.Equal(first.RecordedAt!.Value + Duration.FromMinutes(10), evaluated.NextEligibleAt);
        Assert.Equal(LedgerStatus.AlreadyRecorded, alreadyRecorded.Status);
    }

    // ------------------------------------------------------------------ duplicate window

    [Fact]
    public async Task TryRecord_InsideDuplicateWindow_IsDeniedUntilTheWindowClears()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = DuplicateOnly();
        var first = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0), rules);
        var clears = first.RecordedAt!.Value + Duration.FromMinutes(10);

        var inside = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, lead: "other-lead-" + Guid.NewGuid()), T0 + Duration.FromMinutes(4)), rules);
        var justBefore = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), clears - Duration.FromSeconds(1)), rules);
        var atClear = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), clears), rules);

        Assert.Equal(LedgerStatus.Denied, inside.Status);
        var reason = Assert.Single(inside.Reasons);
        Assert.Equal(ProtectionReasons.DuplicateWindowCode, reason.Code);
        Assert.Equal(DenialCategory.Protection, reason.Category);
        Assert.Equal(clears, reason.ClearsAt);
        Assert.Equal(clears, inside.NextEligibleAt);
        Assert.Equal(LedgerStatus.Denied, justBefore.Status);
        Assert.Equal(LedgerStatus.Recorded, atClear.Status);
        Assert.Equal(2, (await ledger.GetHistoryAsync(phone, T0 - Duration.FromDays(1))).Count);
    }

    [Fact]
    public async Task TryRecord_DuplicateWindowPerLead_AllowsAnotherLeadButNotTheSameLead()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10), perLead: true)]);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone, lead: "lead-a"), T0), rules);

        var otherLead = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, lead: "lead-b"), T0 + Duration.FromMinutes(1)), rules);
        var sameLead = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, lead: "lead-a"), T0 + Duration.FromMinutes(2)), rules);

        Assert.Equal(LedgerStatus.Recorded, otherLead.Status);
        Assert.Equal(LedgerStatus.Denied, sameLead.Status);
        Assert.Equal(T0 + Duration.FromMinutes(10), sameLead.NextEligibleAt);
    }

    // ------------------------------------------------------------------ rolling and calendar-day caps

    [Fact]
    public async Task TryRecord_RollingCap_ClearsWhenTheOldestCountedAttemptLeavesTheWindow()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 3)]);
        var times = new[] { T0, T0 + Duration.FromHours(1), T0 + Duration.FromHours(5) };
        foreach (var t in times)
        {
            Assert.Equal(LedgerStatus.Recorded, (await ledger.TryRecordAttemptAsync(Ctx(Req(phone), t), rules)).Status);
        }

        var fourth = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromHours(6)), rules);
        var atClear = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromHours(24)), rules);
        var fifth = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromHours(24) + Duration.FromMinutes(1)), rules);

        var reason = Assert.Single(fourth.Reasons);
        Assert.Equal(ProtectionReasons.RollingCapCode, reason.Code);
        Assert.Equal(T0 + Duration.FromHours(24), reason.ClearsAt);
        Assert.Equal(LedgerStatus.Recorded, atClear.Status);
        Assert.Equal(LedgerStatus.Denied, fifth.Status);
        Assert.Equal(T0 + Duration.FromHours(25), fifth.NextEligibleAt);
    }

    [Fact]
    public async Task TryRecord_DailyCapInNamedZone_ResetsAtThatZonesMidnightNotUtc()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 2, Chicago)]);

        // 2026-03-02 in Chicago (UTC-6): 20:00 and 23:00 local are 02:00 and 05:00 UTC on 03-03.
        var evening = Local(Chicago, 2026, 3, 2, 20);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Chicago, 2026, 3, 2, 9)), rules);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), evening), rules);
        var afterUtcMidnight = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Chicago, 2026, 3, 2, 23)), rules);
        var afterLocalMidnight = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Chicago, 2026, 3, 3, 0)), rules);

        var reason = Assert.Single(afterUtcMidnight.Reasons);
        Assert.Equal(ProtectionReasons.DailyCapCode, reason.Code);
        Assert.Equal(Local(Chicago, 2026, 3, 3, 0), reason.ClearsAt);
        Assert.Equal(LedgerStatus.Recorded, afterLocalMidnight.Status);
    }

    [Fact]
    public async Task TryRecord_DailyCapInCalleeZone_UsesTheAttemptsZone()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 1)]);

        // 23:30 in Tokyo on 03-02 is 14:30 UTC; 00:30 Tokyo on 03-03 is 15:30 UTC the same UTC day.
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Tokyo, 2026, 3, 2, 23, 30), Tokyo), rules);
        var nextTokyoDay = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Tokyo, 2026, 3, 3, 0, 30), Tokyo), rules);
        var sameTokyoDay = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Tokyo, 2026, 3, 3, 9), Tokyo), rules);

        Assert.Equal(LedgerStatus.Recorded, nextTokyoDay.Status);
        Assert.Equal(Local(Tokyo, 2026, 3, 4, 0), Assert.Single(sameTokyoDay.Reasons).ClearsAt);
    }

    [Fact]
    public async Task TryRecord_DailyCapAcrossDstChange_ClearsAtTheNextLocalMidnight()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 1, Chicago)]);

        // 2026-03-08 is the spring-forward day in Chicago (23 hours long).
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Chicago, 2026, 3, 8, 1)), rules);
        var denied = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Local(Chicago, 2026, 3, 8, 22)), rules);

        Assert.Equal(Local(Chicago, 2026, 3, 9, 0), Assert.Single(denied.Reasons).ClearsAt);
        Assert.Equal(Duration.FromHours(23), Local(Chicago, 2026, 3, 9, 0) - Local(Chicago, 2026, 3, 8, 0));
    }

    [Fact]
    public async Task TryRecord_LeadCap_CountsTheLeadAcrossNumbers()
    {
        var ledger = await NewLedgerAsync();
        var lead = "lead-" + Guid.NewGuid();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Duration.FromHours(24), 2)]);
        await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: lead), T0), rules);
        await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: lead), T0 + Duration.FromHours(1)), rules);

        var thirdNumber = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: lead), T0 + Duration.FromHours(2)), rules);
        var otherLead = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone()), T0 + Duration.FromHours(2)), rules);

        Assert.Equal(T0 + Duration.FromHours(24), Assert.Single(thirdNumber.Reasons).ClearsAt);
        Assert.Equal(LedgerStatus.Recorded, otherLead.Status);
    }

    [Fact]
    public async Task TryRecord_SubjectCap_CountsAcrossLeadsAndNumbersButNotRequestsWithoutSubject()
    {
        var ledger = await NewLedgerAsync();
        var subject = "debt-" + Guid.NewGuid();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(24), 3)]);
        for (var i = 0; i < 3; i++)
        {
            var r = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: "lead-" + Guid.NewGuid(), subject: subject), T0 + Duration.FromHours(i)), rules);
            Assert.Equal(LedgerStatus.Recorded, r.Status);
        }

        var fourth = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), subject: subject), T0 + Duration.FromHours(4)), rules);
        var noSubject = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone()), T0 + Duration.FromHours(4)), rules);

        Assert.Equal(T0 + Duration.FromHours(24), Assert.Single(fourth.Reasons).ClearsAt);
        Assert.Equal(LedgerStatus.Recorded, noSubject.Status);
    }

    [Fact]
    public async Task TryRecord_ClientScopedCap_CountsOnlyTheSameClient()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Client, Duration.FromHours(24), 1)]);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone, client: "acme"), T0), rules);

        var otherClient = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, client: "globex"), T0 + Duration.FromHours(1)), rules);
        var sameClient = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, client: "acme", campaign: "another"), T0 + Duration.FromHours(1)), rules);

        Assert.Equal(LedgerStatus.Recorded, otherClient.Status);
        Assert.Equal(LedgerStatus.Denied, sameClient.Status);
    }

    [Fact]
    public async Task TryRecord_CampaignScopedCap_CountsOnlyTheSameCampaign()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Campaign, Duration.FromHours(24), 1)]);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone, campaign: "spring"), T0), rules);

        var otherCampaign = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, campaign: "summer"), T0 + Duration.FromHours(1)), rules);
        var sameCampaign = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, campaign: "spring"), T0 + Duration.FromHours(1)), rules);

        Assert.Equal(LedgerStatus.Recorded, otherCampaign.Status);
        Assert.Equal(LedgerStatus.Denied, sameCampaign.Status);
    }

    [Fact]
    public async Task TryRecord_SeveralViolations_ListsEveryReasonLimitsFirstAndTheLatestClearIsNextEligible()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules(
        [
            CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
            CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(1), 1),
        ]);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0), rules);
        await ledger.UpsertBlockAsync(CooldownBlock(phone, T0, T0 + Duration.FromHours(2)));

        var denied = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromMinutes(5)), rules);

        Assert.Equal(
            [ProtectionReasons.DuplicateWindowCode, ProtectionReasons.RollingCapCode, ProtectionReasons.CooldownCode],
            denied.Reasons.Select(r => r.Code).ToArray());
        Assert.Equal(
            new Instant?[] { T0 + Duration.FromMinutes(10), T0 + Duration.FromHours(1), T0 + Duration.FromHours(2) },
            denied.Reasons.Select(r => r.ClearsAt).ToArray());
        Assert.Equal(T0 + Duration.FromHours(2), denied.NextEligibleAt);
    }

    [Fact]
    public async Task TryRecord_Denied_LeavesNoTrace()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = DuplicateOnly();
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0), rules);
        var denied = Req(phone);

        var result = await ledger.TryRecordAttemptAsync(Ctx(denied, T0 + Duration.FromMinutes(5)), rules);
        var atClear = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), result.NextEligibleAt!.Value), rules);

        Assert.Equal(LedgerStatus.Denied, result.Status);
        Assert.Null(await ledger.GetAttemptAsync(denied.CallId));
        Assert.Equal(LedgerStatus.Recorded, atClear.Status);
        Assert.Equal(2, (await ledger.GetHistoryAsync(phone, T0 - Duration.FromDays(1))).Count);
    }

    // ------------------------------------------------------------------ blocks and do-not-call

    [Fact]
    public async Task TryRecord_PermanentNumberBlock_IsDeniedWithNoNextEligible()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        await ledger.UpsertBlockAsync(new ProtectionBlock("final-" + Guid.NewGuid(), BlockKind.FinalDisposition, BlockTarget.Number, phone, null, LimitScope.Global, null, T0, null, "sold", null));

        var result = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromDays(400)), ProtectionRules.None);

        var reason = Assert.Single(result.Reasons);
        Assert.Equal(ProtectionReasons.FinalDispositionCode, reason.Code);
        Assert.Null(reason.ClearsAt);
        Assert.Null(result.NextEligibleAt);
    }

    [Fact]
    public async Task TryRecord_LeadBlock_BlocksTheLeadOnEveryNumberButNotOtherLeads()
    {
        var ledger = await NewLedgerAsync();
        var lead = "lead-" + Guid.NewGuid();
        await ledger.UpsertBlockAsync(new ProtectionBlock("final-" + Guid.NewGuid(), BlockKind.FinalDisposition, BlockTarget.Lead, NewPhone(), lead, LimitScope.Global, null, T0, T0 + Duration.FromDays(30), "not_interested", null));

        var sameLead = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: lead), T0 + Duration.FromDays(1)), ProtectionRules.None);
        var otherLead = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone()), T0 + Duration.FromDays(1)), ProtectionRules.None);
        var afterExpiry = await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone(), lead: lead), T0 + Duration.FromDays(30)), ProtectionRules.None);

        Assert.Equal(T0 + Duration.FromDays(30), Assert.Single(sameLead.Reasons).ClearsAt);
        Assert.Equal(LedgerStatus.Recorded, otherLead.Status);
        Assert.Equal(LedgerStatus.Recorded, afterExpiry.Status);
    }

    [Fact]
    public async Task TryRecord_ClientScopedBlock_AppliesOnlyToThatClient()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        await ledger.UpsertBlockAsync(ProtectionBlock.DoNotCall(phone, "asked acme", T0, null, LimitScope.Client, "acme"));

        var acme = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, client: "acme"), T0 + Duration.FromHours(1)), ProtectionRules.None);
        var globex = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, client: "globex"), T0 + Duration.FromHours(1)), ProtectionRules.None);

        Assert.Equal(ProtectionReasons.DoNotCallCode, Assert.Single(acme.Reasons).Code);
        Assert.Equal(LedgerStatus.Recorded, globex.Status);
    }

    [Fact]
    public async Task DoNotCall_AddListReplaceRemove_IsEnforcedUntilRemovedOrExpired()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var entry = ProtectionBlock.DoNotCall(phone, "complaint", T0);
        await ledger.UpsertBlockAsync(entry);

        var listed = await ledger.ListBlocksAsync(BlockKind.DoNotCall);
        var denied = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromDays(1)), ProtectionRules.None);

        Assert.Contains(entry, listed);
        Assert.DoesNotContain(listed, b => b.Kind != BlockKind.DoNotCall);
        var reason = Assert.Single(denied.Reasons);
        Assert.Equal(ProtectionReasons.DoNotCallCode, reason.Code);
        Assert.Null(reason.ClearsAt);

        // Adding the same number again replaces the entry (here: gives it an expiry).
        var expiring = ProtectionBlock.DoNotCall(phone, "complaint, 30 days", T0, T0 + Duration.FromDays(30));
        await ledger.UpsertBlockAsync(expiring);
        var replaced = (await ledger.ListBlocksAsync(BlockKind.DoNotCall)).Where(b => b.Id == entry.Id).ToList();
        Assert.Equal([expiring], replaced);
        var stillDenied = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromDays(2)), ProtectionRules.None);
        Assert.Equal(T0 + Duration.FromDays(30), Assert.Single(stillDenied.Reasons).ClearsAt);

        Assert.True(await ledger.RemoveBlockAsync(entry.Id));
        Assert.False(await ledger.RemoveBlockAsync(entry.Id));
        Assert.DoesNotContain(await ledger.ListBlocksAsync(BlockKind.DoNotCall), b => b.Id == entry.Id);
        var allowed = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromDays(3)), ProtectionRules.None);
        Assert.Equal(LedgerStatus.Recorded, allowed.Status);
    }

    [Fact]
    public async Task TryRecord_BlockAtItsUntil_HasCleared()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var until = T0 + Duration.FromMinutes(30);
        await ledger.UpsertBlockAsync(CooldownBlock(phone, T0, until));

        var before = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), until - Duration.FromSeconds(1)), ProtectionRules.None);
        var at = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), until), ProtectionRules.None);

        Assert.Equal(ProtectionReasons.CooldownCode, Assert.Single(before.Reasons).Code);
        Assert.Equal(LedgerStatus.Recorded, at.Status);
    }

    [Fact]
    public async Task GetBlocks_ReturnsTheNumbersAndTheLeadsBlocks()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var lead = "lead-" + Guid.NewGuid();
        var numberBlock = CooldownBlock(phone, T0, T0 + Duration.FromHours(1));
        var leadBlock = new ProtectionBlock("lead-block-" + Guid.NewGuid(), BlockKind.FinalDisposition, BlockTarget.Lead, NewPhone(), lead, LimitScope.Global, null, T0 + Duration.FromSeconds(1), null, "wrong_number", null);
        await ledger.UpsertBlockAsync(numberBlock);
        await ledger.UpsertBlockAsync(leadBlock);

        Assert.Equal([numberBlock], await ledger.GetBlocksAsync(phone));
        Assert.Equal([numberBlock, leadBlock], await ledger.GetBlocksAsync(phone, lead));
    }

    // ------------------------------------------------------------------ void (rollback)

    [Fact]
    public async Task VoidAttempt_RemovesItSoItNoLongerCountsAndTheIdCanBeRecordedAgain()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());

        Assert.True(await ledger.VoidAttemptAsync(request));
        Assert.False(await ledger.VoidAttemptAsync(request));
        Assert.Null(await ledger.GetAttemptAsync(request.CallId));
        var other = await ledger.TryRecordAttemptAsync(Ctx(Req(request.Phone), T0 + Duration.FromMinutes(1)), DuplicateOnly());
        Assert.Equal(LedgerStatus.Recorded, other.Status);
        var again = await ledger.TryRecordAttemptAsync(Ctx(request, T0 + Duration.FromMinutes(2)), DuplicateOnly());
        Assert.Equal(LedgerStatus.Denied, again.Status);
    }

    [Fact]
    public async Task VoidAttempt_UnknownOrWithOutcome_DoesNothing()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        Assert.False(await ledger.VoidAttemptAsync(request));
        await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());
        await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.NoAnswer, T0 + Duration.FromMinutes(1)), []);

        Assert.False(await ledger.VoidAttemptAsync(request));
        Assert.NotNull(await ledger.GetAttemptAsync(request.CallId));
    }

    // ------------------------------------------------------------------ outcomes

    [Fact]
    public async Task RecordOutcome_FirstThenRepeated_IsRecordedOnceAndStoresBlocksOnce()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());
        var block = SoldBlock(request, T0 + Duration.FromMinutes(2));
        var outcome = new CallOutcome(request, Disposition.Sold, T0 + Duration.FromMinutes(2));

        var first = await ledger.RecordOutcomeAsync(outcome, [block]);
        var second = await ledger.RecordOutcomeAsync(outcome, [block]);

        Assert.Equal(OutcomeRecordStatus.Recorded, first);
        Assert.Equal(OutcomeRecordStatus.Unchanged, second);
        var stored = (await ledger.GetAttemptAsync(request.CallId))!.Value;
        Assert.Equal("sold", stored.OutcomeCode);
        Assert.Equal(DispositionCategory.Final, stored.OutcomeCategory);
        Assert.Equal(T0 + Duration.FromMinutes(2), stored.OutcomeAt);
        Assert.Equal(T0, stored.RecordedAt);
        Assert.Equal([block], await ledger.GetBlocksAsync(request.Phone));
    }

    [Fact]
    public async Task RecordOutcome_KnownAfterUnknown_ReplacesIt_ButNotTheOtherWayRound()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());

        var unknown = await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.UnknownOutcome, T0 + Duration.FromMinutes(5)), []);
        var known = await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.Transferred, T0 + Duration.FromMinutes(3)), [CooldownBlock(request.Phone, T0 + Duration.FromMinutes(3), T0 + Duration.FromMinutes(33), request.CallId)]);
        var lateUnknown = await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.UnknownOutcome, T0 + Duration.FromMinutes(9)), []);
        var conflicting = await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.Sold, T0 + Duration.FromMinutes(9)), [SoldBlock(request, T0 + Duration.FromMinutes(9))]);

        Assert.Equal(OutcomeRecordStatus.Recorded, unknown);
        Assert.Equal(OutcomeRecordStatus.Updated, known);
        Assert.Equal(OutcomeRecordStatus.Unchanged, lateUnknown);
        Assert.Equal(OutcomeRecordStatus.Unchanged, conflicting);
        Assert.Equal("transferred", (await ledger.GetAttemptAsync(request.CallId))!.Value.OutcomeCode);
        Assert.Equal([BlockKind.Cooldown], (await ledger.GetBlocksAsync(request.Phone)).Select(b => b.Kind).ToArray());
    }

    [Fact]
    public async Task RecordOutcome_ForAnAttemptTheLedgerDoesNotHold_RecordsItAtTheOutcomeInstantSoItCounts()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        var occurred = T0 + Duration.FromMinutes(1);

        var status = await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.UnknownOutcome, occurred), []);
        var next = await ledger.TryRecordAttemptAsync(Ctx(Req(request.Phone), T0 + Duration.FromMinutes(5)), DuplicateOnly());

        Assert.Equal(OutcomeRecordStatus.RecordedAsNewAttempt, status);
        var stored = (await ledger.GetAttemptAsync(request.CallId))!.Value;
        Assert.Equal(occurred, stored.RecordedAt);
        Assert.Equal(DispositionCategory.Unknown, stored.OutcomeCategory);
        Assert.Equal(occurred + Duration.FromMinutes(10), Assert.Single(next.Reasons).ClearsAt);
    }

    [Fact]
    public async Task TryRecord_AttemptWithUnknownOrNoOutcome_StillCounts()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 2)]);
        var timedOut = Req(phone);
        await ledger.TryRecordAttemptAsync(Ctx(timedOut, T0), rules);
        await ledger.RecordOutcomeAsync(new CallOutcome(timedOut, Disposition.UnknownOutcome, T0 + Duration.FromMinutes(1)), []);
        await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromHours(1)), rules);

        var third = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), T0 + Duration.FromHours(2)), rules);

        Assert.Equal(LedgerStatus.Denied, third.Status);
        Assert.Equal(T0 + Duration.FromHours(24), third.NextEligibleAt);
    }

    // ------------------------------------------------------------------ history and purge

    [Fact]
    public async Task GetHistory_ReturnsTheNumbersAttemptsSinceAnInstantOldestFirst()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var ids = new List<string>();
        foreach (var minutes in new[] { 0, 30, 60, 90 })
        {
            var r = Req(phone);
            ids.Add(r.CallId);
            await ledger.TryRecordAttemptAsync(Ctx(r, T0 + Duration.FromMinutes(minutes)), DuplicateOnly());
        }

        await ledger.TryRecordAttemptAsync(Ctx(Req(NewPhone()), T0), DuplicateOnly());

        var history = await ledger.GetHistoryAsync(phone, T0 + Duration.FromMinutes(30));

        Assert.Equal(ids.Skip(1).ToArray(), history.Select(h => h.AttemptId).ToArray());
        Assert.All(history, h => Assert.Equal(phone, h.Phone));
    }

    [Fact]
    public async Task Purge_DeletesAttemptsAndClearedBlocksBeforeTheCutoffOnly()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var old = T0 - Duration.FromDays(400);
        var cutoff = T0 - Duration.FromDays(300);
        var oldAttempt = Req(phone);
        var keptAttempt = Req(phone);
        await ledger.TryRecordAttemptAsync(Ctx(oldAttempt, old), DuplicateOnly());
        await ledger.TryRecordAttemptAsync(Ctx(keptAttempt, cutoff + Duration.FromDays(1)), DuplicateOnly());
        var cleared = CooldownBlock(phone, old, old + Duration.FromDays(7));
        var running = CooldownBlock(phone, old, cutoff + Duration.FromDays(1));
        var permanent = ProtectionBlock.DoNotCall(phone, "forever", old);
        await ledger.UpsertBlockAsync(cleared);
        await ledger.UpsertBlockAsync(running);
        await ledger.UpsertBlockAsync(permanent);

        var removed = await ledger.PurgeAsync(cutoff);

        // At least the cleared block (a ledger may already have trimmed the old attempt on its own).
        Assert.True(removed >= 1, $"removed = {removed}");
        Assert.Null(await ledger.GetAttemptAsync(oldAttempt.CallId));
        Assert.NotNull(await ledger.GetAttemptAsync(keptAttempt.CallId));
        var blocks = await ledger.GetBlocksAsync(phone);
        Assert.DoesNotContain(cleared, blocks);
        Assert.Contains(running, blocks);
        Assert.Contains(permanent, blocks);
    }

    // ------------------------------------------------------------------ durability

    [Fact]
    public async Task Reopen_KeepsAttemptsOutcomesAndBlocks()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        var sold = Req(NewPhone());
        var dnc = ProtectionBlock.DoNotCall(NewPhone(), "complaint", T0);
        await ledger.TryRecordAttemptAsync(Ctx(request, T0), DuplicateOnly());
        await ledger.TryRecordAttemptAsync(Ctx(sold, T0), DuplicateOnly());
        await ledger.RecordOutcomeAsync(new CallOutcome(sold, Disposition.Sold, T0 + Duration.FromMinutes(1)), [SoldBlock(sold, T0 + Duration.FromMinutes(1))]);
        await ledger.UpsertBlockAsync(dnc);

        var reopened = await ReopenAsync(ledger);
        if (!ReferenceEquals(reopened, ledger))
        {
            _created.Add(reopened);
        }

        Assert.Equal(T0, (await reopened.GetAttemptAsync(request.CallId))!.Value.RecordedAt);
        Assert.Equal("sold", (await reopened.GetAttemptAsync(sold.CallId))!.Value.OutcomeCode);
        Assert.Equal(LedgerStatus.Denied, (await reopened.TryRecordAttemptAsync(Ctx(Req(request.Phone), T0 + Duration.FromMinutes(5)), DuplicateOnly())).Status);
        Assert.Equal(ProtectionReasons.FinalDispositionCode, Assert.Single((await reopened.TryRecordAttemptAsync(Ctx(Req(sold.Phone), T0 + Duration.FromDays(9)), DuplicateOnly())).Reasons).Code);
        Assert.Equal(ProtectionReasons.DoNotCallCode, Assert.Single((await reopened.TryRecordAttemptAsync(Ctx(Req(dnc.Phone), T0 + Duration.FromDays(9)), DuplicateOnly())).Reasons).Code);
        Assert.Equal(LedgerStatus.AlreadyRecorded, (await reopened.TryRecordAttemptAsync(Ctx(request, T0 + Duration.FromMinutes(1)), DuplicateOnly())).Status);
    }

    // ------------------------------------------------------------------ concurrency and the reference decider

    [Fact]
    public async Task TryRecord_ConcurrentCallersOnFewNumbers_NeverExceedAnyLimit()
    {
        var ledger = await NewLedgerAsync();
        var phones = Enumerable.Range(0, 4).Select(_ => NewPhone()).ToArray();
        var subject = "debt-" + Guid.NewGuid();
        var rules = new ProtectionRules(
        [
            CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
            CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(1), 3),
            CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(1), 5),
        ]);
        var admitted = new System.Collections.Concurrent.ConcurrentBag<(PhoneNumber Phone, Instant At)>();

        // 8 workers race over the same numbers and subject; each step is 4 minutes, so windows overlap constantly.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var step = 0; step < 24; step++)
            {
                var phone = phones[(worker + step) % phones.Length];
                var at = T0 + Duration.FromMinutes(4 * step);
                var result = await ledger.TryRecordAttemptAsync(Ctx(Req(phone, subject: subject), at), rules);
                if (result.Status == LedgerStatus.Recorded)
                {
                    admitted.Add((phone, result.RecordedAt!.Value));
                }
            }
        })));

        var all = admitted.ToList();
        Assert.NotEmpty(all);
        foreach (var (phone, at) in all)
        {
            var samePhone = all.Where(a => a.Phone == phone).ToList();
            Assert.Equal(1, samePhone.Count(a => a.At > at - Duration.FromMinutes(10) && a.At <= at));
            Assert.True(samePhone.Count(a => a.At > at - Duration.FromHours(1) && a.At <= at) <= 3);
            Assert.True(all.Count(a => a.At > at - Duration.FromHours(1) && a.At <= at) <= 5);
        }
    }

    [Fact]
    public async Task TryRecord_RandomOperations_MatchTheReferenceDecider()
    {
        var ledger = await NewLedgerAsync();
        var random = new Random(20260302);
        var phones = Enumerable.Range(0, 3).Select(_ => NewPhone()).ToArray();
        var leads = Enumerable.Range(0, 3).Select(i => $"lead-{i}-{Guid.NewGuid()}").ToArray();
        var subjects = new[] { "debt-" + Guid.NewGuid(), null };
        var clients = new[] { "acme", "globex" };
        var rules = new ProtectionRules(
        [
            CountLimit.DuplicateWindow(Duration.FromMinutes(10), perLead: true),
            CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(6), 3),
            CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Client, Duration.FromHours(12), 4),
            CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(24), 5),
            CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 4, Chicago),
            CountLimit.CalendarDay(AttemptKeyKind.Lead, LimitScope.Campaign, 3),
        ]);
        var history = new List<AttemptEntry>();
        var blocks = new List<ProtectionBlock>();
        var at = T0;
        int allowed = 0, denied = 0;
        for (var step = 0; step < 150; step++)
        {
            at += Duration.FromMinutes(random.Next(0, 50));
            var request = Req(phones[random.Next(phones.Length)], leads[random.Next(leads.Length)], clients[random.Next(2)], random.Next(2) == 0 ? "spring" : "summer", subjects[random.Next(2)]);
            var zone = random.Next(2) == 0 ? Chicago : Tokyo;
            var action = random.Next(10);
            if (action == 0)
            {
                var block = CooldownBlock(request.Phone, at, at + Duration.FromMinutes(random.Next(10, 120)));
                await ledger.UpsertBlockAsync(block);
                blocks.Add(block);
                continue;
            }

            if (action == 1 && history.Count > 0)
            {
                var victim = history[random.Next(history.Count)];
                var voided = await ledger.VoidAttemptAsync(Req(victim.Phone, victim.LeadId, victim.ClientId, victim.CampaignId, victim.SubjectKey, victim.AttemptId));
                Assert.True(voided);
                history.Remove(victim);
                continue;
            }

            var context = Ctx(request, at, zone);
            var expected = ProtectionDecider.Decide(context, rules, history, blocks);
            var actual = await ledger.TryRecordAttemptAsync(context, rules);

            Assert.Equal(expected.IsAllowed, actual.IsAllowed);
            Assert.Equal(
                expected.Reasons.Select(r => (r.Code, r.ClearsAt)).ToArray(),
                actual.Reasons.Select(r => (r.Code, r.ClearsAt)).ToArray());
            if (actual.Status == LedgerStatus.Recorded)
            {
                Assert.Equal(at, actual.RecordedAt);
                history.Add(AttemptEntry.FromRequest(request, at));
                allowed++;
            }
            else
            {
                denied++;
            }
        }

        // The sequence exercises both answers, so agreement means something.
        Assert.True(allowed > 10 && denied > 10, $"allowed = {allowed}, denied = {denied}");
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Creates a ledger and remembers it for disposal.</summary>
    protected async Task<IAttemptLedger> NewLedgerAsync()
    {
        var ledger = await CreateLedgerAsync();
        _created.Add(ledger);
        return ledger;
    }

    /// <summary>A random 15-digit number nobody else uses.</summary>
    protected static PhoneNumber NewPhone() => PhoneNumber.FromValue((ulong)Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999));

    /// <summary>A fresh call id.</summary>
    protected static string NewCallId() => "call-" + Guid.NewGuid().ToString("N");

    /// <summary>A request with a fresh call id (unless given).</summary>
    protected static DialRequest Req(PhoneNumber phone, string? lead = null, string? client = null, string? campaign = null, string? subject = null, string? callId = null) =>
        new(callId ?? NewCallId(), lead ?? "lead-" + Guid.NewGuid().ToString("N"), phone, client, campaign) { SubjectKey = subject };

    /// <summary>A context in the callee zone UTC unless given.</summary>
    protected static AttemptContext Ctx(DialRequest request, Instant at, DateTimeZone? zone = null) => new(request, at, zone ?? DateTimeZone.Utc);

    /// <summary>The duplicate window of 10 minutes alone.</summary>
    protected static ProtectionRules DuplicateOnly() => new([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);

    private static ProtectionBlock CooldownBlock(PhoneNumber phone, Instant from, Instant until, string? attemptId = null) =>
        new(attemptId is null ? "cool-" + Guid.NewGuid() : ProtectionBlock.ForOutcomeId(attemptId, BlockKind.Cooldown, BlockTarget.Number), BlockKind.Cooldown, BlockTarget.Number, phone, null, LimitScope.Global, null, from, until, "transferred", attemptId);

    private static ProtectionBlock SoldBlock(DialRequest request, Instant at) =>
        new(ProtectionBlock.ForOutcomeId(request.CallId, BlockKind.FinalDisposition, BlockTarget.Number), BlockKind.FinalDisposition, BlockTarget.Number, request.Phone, null, LimitScope.Global, null, at, null, "sold", request.CallId);

    private static Instant Local(DateTimeZone zone, int year, int month, int day, int hour, int minute = 0) =>
        zone.AtLeniently(new LocalDateTime(year, month, day, hour, minute)).ToInstant();
}
