using System.Globalization;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Contracts.Data;

/// <summary>
/// The behaviour every <see cref="IStoreDataAccess"/> must have: export → import round trips, merge and replace,
/// all-or-nothing validation of a data set, filters, daily statistics, retention and the erasure of one number, and
/// that data written through the ordinary ports shows up in the bulk reads. A store's test project derives one class
/// and supplies <see cref="CreateStoreAsync"/> (a fresh, empty store with its ports).
/// </summary>
/// <remarks>
/// <para>
/// A rejected data set throws <see cref="ArgumentException"/> (or a subtype) before anything is written; its message
/// names the list and index (<c>DailyStatistics[1]</c>), the member (<c>Requests</c>) and, where there is one, the
/// value (<c>-1</c>).
/// </para>
/// <para>
/// Test data uses whole-second instants (PostgreSQL keeps microseconds) and ASCII ids (orders compare by code point).
/// Instants recorded by the ports are never asserted literally, only against what the same port answers, so a store
/// whose clock is authoritative passes.
/// </para>
/// </remarks>
public abstract class StoreDataAccessContractTests : IAsyncLifetime
{
    /// <summary>The base instant of every test.</summary>
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    /// <summary>The day of <see cref="T0"/>.</summary>
    protected static readonly LocalDate Day0 = new(2026, 3, 2);

    private static readonly PhoneNumber A = PhoneNumber.Parse("+14155550123");
    private static readonly PhoneNumber B = PhoneNumber.Parse("+14155550124");
    private static readonly PhoneNumber C = PhoneNumber.Parse("+14155550125");

    private readonly List<StoreUnderTest> _stores = [];

    /// <summary>Creates a fresh, empty store (its own file, schema or database) with every port over the same storage.</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    // ------------------------------------------------------------------ round trip, merge, replace

    [Fact]
    public async Task ImportReplace_ExportIntoAFreshStore_RoundTripsEveryDataType()
    {
        var source = await NewStoreAsync();
        var data = FullSet();

        var written = await source.Data.ImportAsync(data, StoreImportMode.Replace);
        var exported = await ExportAsync(source.Data);
        var target = await NewStoreAsync();
        var writtenAgain = await target.Data.ImportAsync(exported, StoreImportMode.Replace);

        Assert.Equal(data.Counts, written);
        Assert.Equal(data.Counts, writtenAgain);
        AssertSameData(Expected(data), exported);
        AssertSameData(exported, await ExportAsync(target.Data));
    }

    [Fact]
    public async Task ReadSnapshot_EqualsEveryTypesOwnRead()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Replace);

        var snapshot = await store.Data.ReadSnapshotAsync(StoreDataFilter.All);

        Assert.Equal(data.Counts, snapshot.Counts);
        AssertSameData(await ExportAsync(store.Data), snapshot);
    }

    [Fact]
    public async Task ReadSnapshot_ForOneNumber_HoldsOnlyItsRowsAndNoCampaignsOrStatistics()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Replace);
        var filter = StoreDataFilter.ForNumber(A);

        var snapshot = await store.Data.ReadSnapshotAsync(filter);

        Assert.Equal(await ListAsync(store.Data.ReadAttemptsAsync(filter)), snapshot.Attempts);
        Assert.Equal(await ListAsync(store.Data.ReadBlocksAsync(filter)), snapshot.Blocks);
        Assert.Equal((await ListAsync(store.Data.ReadRedialItemsAsync(filter))).Select(Row), snapshot.RedialItems.Select(Row));
        Assert.Equal(await ListAsync(store.Data.ReadAnsweringMachineStatsAsync(filter)), snapshot.AnsweringMachineStats);
        Assert.NotEmpty(snapshot.Attempts);
        Assert.All(snapshot.Attempts, a => Assert.Equal(A, a.Phone));
        Assert.Empty(snapshot.Campaigns);
        Assert.Empty(snapshot.DailyStatistics);
    }

    [Fact]
    public async Task Read_ImportedClaimedRedialItem_ReadsBackPendingWithoutItsClaim()
    {
        var store = await NewStoreAsync();
        var claimed = Item("lead-c", "call-c", A, RedialItemState.Claimed, T0, claimCount: 2);

        await store.Data.ImportAsync(new StoreDataSet { RedialItems = [claimed] }, StoreImportMode.Merge);
        var read = Assert.Single(await ListAsync(store.Data.ReadRedialItemsAsync(StoreDataFilter.All)));

        Assert.Equal(RedialItemState.Pending, read.State);
        Assert.Null(read.ClaimToken);
        Assert.Null(read.ClaimExpiresAt);
        Assert.Equal(claimed.Entry, read.Entry);
        Assert.Equal(2, read.ClaimCount);
    }

    [Fact]
    public async Task ImportMerge_Twice_IsIdempotentAndKeepsExistingRows()
    {
        var store = await NewStoreAsync();
        var existing = new StoreDataSet
        {
            Attempts = [Attempt("a1", A, T0)],
            Blocks = [Cooldown("b1", A, T0, T0 + Duration.FromHours(1))],
            RedialItems = [Item("lead-1", "call-1", A, RedialItemState.Pending, T0)],
            AnsweringMachineStats = [new AnsweringMachineStats(A, 1, 1, 1, T0)],
            Campaigns = [Campaign("spring", CampaignState.Draft, T0)],
            DailyStatistics = [Stats(Day0, "acme", "spring", 5)],
        };
        await store.Data.ImportAsync(existing, StoreImportMode.Replace);
        var incoming = new StoreDataSet
        {
            Attempts = [Attempt("a1", A, T0, Disposition.Busy), Attempt("a2", B, T0 + Duration.FromMinutes(1))],
            Blocks = [Cooldown("b1", A, T0, T0 + Duration.FromHours(9)), Cooldown("b2", B, T0, T0 + Duration.FromHours(1))],
            RedialItems = [Item("lead-1", "call-9", A, RedialItemState.Completed, T0), Item("lead-2", "call-2", B, RedialItemState.Pending, T0)],
            AnsweringMachineStats = [new AnsweringMachineStats(A, 3, 3, 3, T0), new AnsweringMachineStats(B, 0, 0, 2, T0)],
            Campaigns = [Campaign("spring", CampaignState.Completed, T0), Campaign("summer", CampaignState.Running, T0)],
            DailyStatistics = [Stats(Day0, "acme", "spring", 99), Stats(Day0, "acme", "summer", 7)],
        };

        var first = await store.Data.ImportAsync(incoming, StoreImportMode.Merge);
        var afterFirst = await ExportAsync(store.Data);
        var second = await store.Data.ImportAsync(incoming, StoreImportMode.Merge);

        Assert.Equal(new StoreDataCounts(1, 1, 1, 1, 1, 1), first);
        Assert.Equal(default, second);
        AssertSameData(afterFirst, await ExportAsync(store.Data));
        var kept = new StoreDataSet
        {
            Attempts = [existing.Attempts[0], incoming.Attempts[1]],
            Blocks = [existing.Blocks[0], incoming.Blocks[1]],
            RedialItems = [existing.RedialItems[0], incoming.RedialItems[1]],
            AnsweringMachineStats = [existing.AnsweringMachineStats[0], incoming.AnsweringMachineStats[1]],
            Campaigns = [existing.Campaigns[0], incoming.Campaigns[1]],
            DailyStatistics = [existing.DailyStatistics[0], incoming.DailyStatistics[1]],
        };
        AssertSameData(Expected(kept), afterFirst);
    }

    [Fact]
    public async Task ImportReplace_OverExistingData_EndsWithExactlyTheDataAndNoSlotLeases()
    {
        var store = await NewStoreAsync();
        await store.Data.ImportAsync(FullSet(), StoreImportMode.Merge);
        await WriteThroughPortsAsync(store, C);
        var oneSlot = new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, 1));
        Assert.True((await store.SlotStore.TryAcquireAsync("held", oneSlot, T0, Duration.FromHours(1))).IsAcquired);
        var replacement = new StoreDataSet
        {
            Attempts = [Attempt("z1", B, T0)],
            Blocks = [Cooldown("zb", B, T0, T0 + Duration.FromDays(1))],
            Campaigns = [Campaign("autumn", CampaignState.Paused, T0)],
            DailyStatistics = [Stats(Day0.PlusDays(1), "acme", "autumn", 3)],
        };

        var written = await store.Data.ImportAsync(replacement, StoreImportMode.Replace);

        Assert.Equal(replacement.Counts, written);
        AssertSameData(Expected(replacement), await ExportAsync(store.Data));
        Assert.Equal(0, await store.SlotStore.CountAsync(SlotScope.Global, T0));
        Assert.True((await store.SlotStore.TryAcquireAsync("next", oneSlot, T0, Duration.FromHours(1))).IsAcquired);
    }

    [Fact]
    public async Task ImportReplace_EmptySet_EmptiesTheStore()
    {
        var store = await NewStoreAsync();
        await store.Data.ImportAsync(FullSet(), StoreImportMode.Merge);

        var written = await store.Data.ImportAsync(new StoreDataSet(), StoreImportMode.Replace);

        Assert.Equal(0, written.Total);
        Assert.Equal(0, (await CountAllAsync(store.Data)).Total);
    }

    // ------------------------------------------------------------------ validation: all or nothing

    /// <summary>The bad data sets of <see cref="Import_BadRow_WritesNothingAndNamesTheField"/>: a case name per row.</summary>
    public static TheoryData<string, StoreImportMode> BadRows()
    {
        var data = new TheoryData<string, StoreImportMode>();
        foreach (var name in new[]
        {
            "attempt-default", "attempt-duplicate-id", "block-default", "block-duplicate-id", "redial-null", "redial-duplicate-lead",
            "am-default-phone", "am-duplicate-phone", "campaign-empty-id", "campaign-negative-cursor", "campaign-duplicate-id",
            "stats-negative-requests", "stats-empty-client", "stats-duplicate-key", "stats-negative-reason-count", "stats-empty-outcome-code",
        })
        {
            data.Add(name, StoreImportMode.Merge);
            data.Add(name, StoreImportMode.Replace);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task Import_BadRow_WritesNothingAndNamesTheField(string badCase, StoreImportMode mode)
    {
        var store = await NewStoreAsync();
        var before = new StoreDataSet { Attempts = [Attempt("old", C, T0)], DailyStatistics = [Stats(Day0, "acme", "old", 1)] };
        await store.Data.ImportAsync(before, StoreImportMode.Replace);
        var (data, mentions) = BadSet(badCase);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.Data.ImportAsync(data, mode));

        foreach (var mention in mentions)
        {
            Assert.Contains(mention, ex.Message, StringComparison.Ordinal);
        }

        AssertSameData(Expected(before), await ExportAsync(store.Data));
    }

    [Fact]
    public async Task Import_NullSet_Throws()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.Data.ImportAsync(null!, StoreImportMode.Merge));
    }

    // ------------------------------------------------------------------ filters and order

    [Fact]
    public async Task ReadAttempts_Filters_ReturnExactlyTheMatchingRowsOldestFirst()
    {
        var store = await NewStoreAsync();
        var a1 = Attempt("x-a1", A, T0 + Duration.FromMinutes(30));
        var a2 = Attempt("x-a2", A, T0);
        var a3 = Attempt("x-a3", A, T0 + Duration.FromHours(2), Disposition.NoAnswer);
        var b1 = Attempt("x-b1", B, T0 + Duration.FromMinutes(30));
        var b2 = Attempt("x-b2", B, T0 - Duration.FromDays(1));
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [a1, a2, a3, b1, b2] }, StoreImportMode.Merge);
        var from = T0 + Duration.FromMinutes(30);
        var to = T0 + Duration.FromHours(2);

        Assert.Equal([b2, a2, a1, b1, a3], await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All)));
        Assert.Equal([a2, a1, a3], await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.ForNumber(A))));
        Assert.Equal([a1, b1], await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.Between(from, to))));
        Assert.Equal([a1], await ListAsync(store.Data.ReadAttemptsAsync(new StoreDataFilter(A, from, to))));
        Assert.Equal([a1, a3], await ListAsync(store.Data.ReadAttemptsAsync(new StoreDataFilter(A, From: from))));
        Assert.Equal([b2, b1], await ListAsync(store.Data.ReadAttemptsAsync(new StoreDataFilter(B, To: to))));
        Assert.Empty(await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.ForNumber(C))));
    }

    [Fact]
    public async Task ReadByNumber_EveryNumberedType_ReturnsOnlyThatNumbersRowsAndIgnoresTheTimeBounds()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Merge);
        var filter = new StoreDataFilter(A, T0 + Duration.FromDays(400), T0 + Duration.FromDays(401));

        var blocks = await ListAsync(store.Data.ReadBlocksAsync(filter));
        var items = await ListAsync(store.Data.ReadRedialItemsAsync(filter));
        var stats = await ListAsync(store.Data.ReadAnsweringMachineStatsAsync(filter));

        Assert.Equal(Sorted(data.Blocks.Where(b => b.Phone == A), b => b.Id), blocks);
        Assert.Equal(
            Sorted(data.RedialItems.Where(i => i.Request.Phone == A), i => i.LeadId).Select(AsPending).Select(Row),
            items.Select(Row));
        Assert.Equal(data.AnsweringMachineStats.Where(s => s.Phone == A), stats);
        Assert.NotEmpty(blocks);
        Assert.NotEmpty(items);
        Assert.NotEmpty(stats);
    }

    [Fact]
    public async Task ReadDailyStatistics_FromTo_AreInclusiveAndOrderedByDateClientCampaign()
    {
        var store = await NewStoreAsync();
        var s1 = Stats(Day0, "beta", "x", 1);
        var s2 = Stats(Day0, "acme", "y", 2);
        var s3 = Stats(Day0, "acme", "x", 3);
        var s4 = Stats(Day0.PlusDays(1), "acme", "x", 4);
        var s5 = Stats(Day0.PlusDays(-1), "acme", "x", 5);
        await store.Data.ImportAsync(new StoreDataSet { DailyStatistics = [s1, s2, s3, s4, s5] }, StoreImportMode.Merge);

        Assert.Equal([s5, s3, s2, s1, s4], await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));
        Assert.Equal([s3, s2, s1], await ListAsync(store.Data.ReadDailyStatisticsAsync(Day0, Day0)));
        Assert.Equal([s3, s2, s1, s4], await ListAsync(store.Data.ReadDailyStatisticsAsync(Day0, null)));
        Assert.Equal([s5, s3, s2, s1], await ListAsync(store.Data.ReadDailyStatisticsAsync(null, Day0)));
        Assert.Empty(await ListAsync(store.Data.ReadDailyStatisticsAsync(Day0.PlusDays(5), null)));
    }

    // ------------------------------------------------------------------ daily statistics

    [Fact]
    public async Task AddDailyStatistics_AcrossCalls_AddsCountersAndMergesMapsPerCode()
    {
        var store = await NewStoreAsync();

        await store.Data.AddDailyStatisticsAsync(
        [
            new DailyStatistics
            {
                Date = Day0, ClientId = "acme", CampaignId = "spring", Requests = 2, Admitted = 1, Denied = 1,
                DeniedByReason = Counts(("protection.duplicate_window", 1)),
            },
            new DailyStatistics { Date = Day0, ClientId = "acme", CampaignId = "summer", Requests = 1, Admitted = 1 },
        ]);
        await store.Data.AddDailyStatisticsAsync(
        [
            new DailyStatistics { Date = Day0, ClientId = "acme", CampaignId = "spring", Requests = 3, Admitted = 3, Outcomes = Counts(("no_answer", 2)) },
            new DailyStatistics
            {
                Date = Day0, ClientId = "acme", CampaignId = "spring", Requests = 3, Denied = 3,
                DeniedByReason = Counts(("protection.duplicate_window", 2), ("window.closed", 1)),
                Outcomes = Counts(("no_answer", 1), ("busy", 4)),
            },
        ]);

        var expected = new DailyStatistics
        {
            Date = Day0, ClientId = "acme", CampaignId = "spring", Requests = 8, Admitted = 4, Denied = 4,
            DeniedByReason = Counts(("protection.duplicate_window", 3), ("window.closed", 1)),
            Outcomes = Counts(("no_answer", 3), ("busy", 4)),
        };
        var other = new DailyStatistics { Date = Day0, ClientId = "acme", CampaignId = "summer", Requests = 1, Admitted = 1 };
        Assert.Equal([expected, other], await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));
    }

    [Fact]
    public async Task AddDailyStatistics_OntoAnImportedRow_AddsToIt()
    {
        var store = await NewStoreAsync();
        await store.Data.ImportAsync(new StoreDataSet { DailyStatistics = [Stats(Day0, "acme", "spring", 5)] }, StoreImportMode.Merge);

        await store.Data.AddDailyStatisticsAsync([Stats(Day0, "acme", "spring", 2)]);

        var row = Assert.Single(await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));
        Assert.Equal(7, row.Requests);
        Assert.Equal(Counts(("protection.duplicate_window", 7)), row.DeniedByReason);
        Assert.Equal(Counts(("no_answer", 14)), row.Outcomes);
    }

    [Fact]
    public async Task AddDailyStatistics_NegativeIncrement_ThrowsAndAddsNothing()
    {
        var store = await NewStoreAsync();
        await store.Data.AddDailyStatisticsAsync([Stats(Day0, "acme", "spring", 1)]);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await store.Data.AddDailyStatisticsAsync([Stats(Day0, "acme", "spring", 1), Stats(Day0, "acme", "spring", 1) with { Admitted = -4 }]));

        Assert.Contains("[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Admitted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-4", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null))).Requests);
    }

    // ------------------------------------------------------------------ retention

    [Fact]
    public async Task Purge_EveryCutoff_DeletesOnlyWhatIsOlderAndNeverDoNotCallPendingOrPermanent()
    {
        var store = await NewStoreAsync();
        var day = Duration.FromDays(1);
        var keep = new StoreDataSet
        {
            Attempts = [Attempt("at-edge", A, T0), Attempt("at-new", A, T0 + Duration.FromHours(1))],
            Blocks =
            [
                ProtectionBlock.DoNotCall(A, "asked", T0 - (100 * day)),
                new ProtectionBlock("final-perm", BlockKind.FinalDisposition, BlockTarget.Lead, A, "lead-f", LimitScope.Global, null, T0 - (100 * day), null, "sold", "x1"),
                Cooldown("cd-active", A, T0 - day, T0 + Duration.FromHours(1)),
                Cooldown("cd-edge", A, T0 - day, T0),
            ],
            RedialItems =
            [
                Item("lead-pending", "c1", A, RedialItemState.Pending, T0 - (10 * day)),
                Item("lead-claimed", "c2", A, RedialItemState.Claimed, T0 - (10 * day)),
                Item("lead-done-new", "c3", A, RedialItemState.Completed, T0 + Duration.FromSeconds(1)),
            ],
            AnsweringMachineStats = [new AnsweringMachineStats(B, 1, 1, 2, T0 + Duration.FromMinutes(1))],
            Campaigns =
            [
                Campaign("failed-new", CampaignState.Failed, T0 - (100 * day), endedAt: T0 + Duration.FromHours(1)),
                Campaign("running-old", CampaignState.Running, T0 - (100 * day)),
                Campaign("paused-old", CampaignState.Paused, T0 - (100 * day)),
                Campaign("draft-old", CampaignState.Draft, T0 - (100 * day)),
            ],
            DailyStatistics = [Stats(Day0, "acme", "spring", 1)],
        };
        var purge = new StoreDataSet
        {
            Attempts = [Attempt("at-old", A, T0 - day)],
            Blocks =
            [
                ProtectionBlock.DoNotCall(B, "until a date", T0 - (10 * day), T0 - day, LimitScope.Client, "acme"),
                Cooldown("cd-old", A, T0 - (2 * day), T0 - Duration.FromHours(1)),
            ],
            RedialItems =
            [
                Item("lead-done-old", "c4", A, RedialItemState.Completed, T0 - (10 * day)),
                Item("lead-cancelled", "c5", A, RedialItemState.Cancelled, T0 - Duration.FromSeconds(1)),
            ],
            AnsweringMachineStats = [new AnsweringMachineStats(A, 2, 2, 2, T0 - day)],
            Campaigns =
            [
                Campaign("completed-old", CampaignState.Completed, T0 - (100 * day), endedAt: T0 - day),
                Campaign("cancelled-old", CampaignState.Cancelled, T0 - (100 * day), endedAt: T0 - (2 * day)),
            ],
            DailyStatistics = [Stats(Day0.PlusDays(-1), "acme", "spring", 1)],
        };
        await store.Data.ImportAsync(Union(keep, purge), StoreImportMode.Replace);

        var deleted = await store.Data.PurgeAsync(new RetentionCutoffs(T0, T0, T0, T0, T0, Day0));

        Assert.Equal(purge.Counts, deleted);
        AssertSameData(Expected(keep), await ExportAsync(store.Data));
    }

    [Fact]
    public async Task Purge_NullCutoffs_KeepTheirType()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Replace);
        var far = T0 + Duration.FromDays(10_000);

        Assert.Equal(default, await store.Data.PurgeAsync(default));
        var deleted = await store.Data.PurgeAsync(new RetentionCutoffs(AttemptsRecordedBefore: far, DailyStatisticsBefore: Day0.PlusDays(10_000)));

        Assert.Equal(new StoreDataCounts(data.Attempts.Count, 0, 0, 0, 0, data.DailyStatistics.Count), deleted);
        var left = await ExportAsync(store.Data);
        Assert.Empty(left.Attempts);
        Assert.Empty(left.DailyStatistics);
        AssertSameData(Expected(Change(data, attempts: [], dailyStatistics: [])), left);
    }

    // ------------------------------------------------------------------ erasure

    [Fact]
    public async Task EraseNumber_RemovesItsRowsKeepsItsDoNotCallEntryAndOtherNumbersRows()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Replace);
        var beforeB = await ExportAsync(store.Data, StoreDataFilter.ForNumber(B));
        var nonDncOfA = data.Blocks.Count(b => b.Phone == A && b.Kind != BlockKind.DoNotCall);

        var deleted = await store.Data.EraseNumberAsync(A);

        Assert.Equal(
            new StoreDataCounts(
                data.Attempts.Count(x => x.Phone == A),
                nonDncOfA,
                data.RedialItems.Count(x => x.Request.Phone == A),
                data.AnsweringMachineStats.Count(x => x.Phone == A),
                0,
                0),
            deleted);
        Assert.True(nonDncOfA > 0);
        var leftOfA = await ExportAsync(store.Data, StoreDataFilter.ForNumber(A));
        Assert.Empty(leftOfA.Attempts);
        Assert.Empty(leftOfA.RedialItems);
        Assert.Empty(leftOfA.AnsweringMachineStats);
        Assert.Equal(data.Blocks.Where(b => b.Phone == A && b.Kind == BlockKind.DoNotCall), leftOfA.Blocks);
        AssertSameData(beforeB, await ExportAsync(store.Data, StoreDataFilter.ForNumber(B)));
        Assert.Equal(data.DailyStatistics.Count, (await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null))).Count);
        Assert.Equal(data.Campaigns.Count, (await ListAsync(store.Data.ReadCampaignsAsync())).Count);

        Assert.Equal(default, await store.Data.EraseNumberAsync(A));
    }

    [Fact]
    public async Task EraseNumber_DefaultNumber_Throws()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.Data.EraseNumberAsync(default));
    }

    // ------------------------------------------------------------------ the ordinary ports

    [Fact]
    public async Task Reads_DataWrittenThroughThePorts_ShowUp()
    {
        var store = await NewStoreAsync();

        var written = await WriteThroughPortsAsync(store, A);

        var attempt = Assert.Single(await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.ForNumber(A))));
        Assert.Equal(await store.AttemptLedger.GetAttemptAsync(written.CallId), attempt);
        Assert.Equal(Disposition.NoAnswer.Code, attempt.OutcomeCode);
        Assert.Equal([written.Block], await ListAsync(store.Data.ReadBlocksAsync(StoreDataFilter.ForNumber(A))));

        var item = Assert.Single(await ListAsync(store.Data.ReadRedialItemsAsync(StoreDataFilter.All)));
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Null(item.ClaimToken);
        Assert.Null(item.ClaimExpiresAt);
        Assert.Equal(written.Entry, item.Entry);
        Assert.Equal(1, item.ClaimCount);
        Assert.Equal(RedialItemState.Claimed, (await store.RedialQueue.GetAsync(written.Entry.LeadId))!.State);

        Assert.Equal([await store.AnsweringMachineTracker.GetAsync(A)], await ListAsync(store.Data.ReadAnsweringMachineStatsAsync(StoreDataFilter.All)));
        var campaign = Assert.Single(await ListAsync(store.Data.ReadCampaignsAsync()));
        Assert.Equal(CampaignRow((await store.CampaignStore.GetAsync(written.CampaignId))!), CampaignRow(campaign));
    }

    [Fact]
    public async Task Ports_AfterAnImport_SeeTheImportedData()
    {
        var store = await NewStoreAsync();
        var data = FullSet();
        await store.Data.ImportAsync(data, StoreImportMode.Replace);

        foreach (var attempt in data.Attempts)
        {
            Assert.Equal(attempt, await store.AttemptLedger.GetAttemptAsync(attempt.AttemptId));
        }

        Assert.Equal(
            Sorted(data.Blocks.Where(b => b.Kind == BlockKind.DoNotCall), b => b.Id),
            Sorted(await store.AttemptLedger.ListBlocksAsync(BlockKind.DoNotCall), b => b.Id));
        foreach (var item in data.RedialItems)
        {
            var read = await store.RedialQueue.GetAsync(item.LeadId);
            Assert.NotNull(read);
            Assert.Equal(Row(AsPending(item)), Row(read));
        }

        foreach (var stats in data.AnsweringMachineStats)
        {
            Assert.Equal(stats, await store.AnsweringMachineTracker.GetAsync(stats.Phone));
        }

        foreach (var campaign in data.Campaigns)
        {
            Assert.Equal(CampaignRow(campaign), CampaignRow((await store.CampaignStore.GetAsync(campaign.Id))!));
        }
    }

    // ------------------------------------------------------------------ helpers for derived classes

    /// <summary>Creates a store and disposes it after the test.</summary>
    protected async Task<StoreUnderTest> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    /// <summary>Every row of every type (those with numbers filtered by <paramref name="filter"/>).</summary>
    protected static async Task<StoreDataSet> ExportAsync(IStoreDataAccess data, StoreDataFilter filter = default) => new()
    {
        Attempts = await ListAsync(data.ReadAttemptsAsync(filter)),
        Blocks = await ListAsync(data.ReadBlocksAsync(filter)),
        RedialItems = await ListAsync(data.ReadRedialItemsAsync(filter)),
        AnsweringMachineStats = await ListAsync(data.ReadAnsweringMachineStatsAsync(filter)),
        Campaigns = await ListAsync(data.ReadCampaignsAsync()),
        DailyStatistics = await ListAsync(data.ReadDailyStatisticsAsync(null, null)),
    };

    /// <summary>The number of stored rows per type.</summary>
    protected static async Task<StoreDataCounts> CountAllAsync(IStoreDataAccess data) => (await ExportAsync(data)).Counts;

    /// <summary>Drains a read.</summary>
    protected static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>
    /// A data set with rows of every type for the numbers A and B: attempts with and without outcomes, number and lead
    /// blocks (do-not-call with and without expiry), redial items in every state (one claimed), answering-machine
    /// statistics, campaigns in several states with every field set, and daily statistics with both maps.
    /// </summary>
    protected static StoreDataSet FullSet()
    {
        var hour = Duration.FromHours(1);
        return new StoreDataSet
        {
            Attempts =
            [
                Attempt("att-3", B, T0 + hour, Disposition.Sold),
                Attempt("att-1", A, T0, Disposition.NoAnswer),
                Attempt("att-2", A, T0 + Duration.FromMinutes(20)),
                new AttemptEntry("att-4", A, "lead-4", "beta", "summer", "subject-9", T0 + (2 * hour), "custom_code", DispositionCategory.Conversation, T0 + (3 * hour)),
            ],
            Blocks =
            [
                ProtectionBlock.DoNotCall(A, "asked", T0),
                ProtectionBlock.DoNotCall(B, "asked for a while", T0, T0 + Duration.FromDays(30), LimitScope.Client, "acme", "att-3"),
                Cooldown("cool-a", A, T0, T0 + hour),
                new ProtectionBlock("final-lead", BlockKind.FinalDisposition, BlockTarget.Lead, A, "lead-1", LimitScope.Campaign, "spring", T0, null, "sold", "att-1"),
                Cooldown("cool-b", B, T0, T0 + (2 * hour)),
            ],
            RedialItems =
            [
                Item("lead-b", "call-b", B, RedialItemState.Completed, T0),
                Item("lead-a", "call-a", A, RedialItemState.Pending, T0, claimCount: 1),
                Item("lead-a2", "call-a2", A, RedialItemState.Claimed, T0, claimCount: 3),
                Item("lead-b2", "call-b2", B, RedialItemState.Cancelled, T0),
            ],
            AnsweringMachineStats = [new AnsweringMachineStats(B, 0, 1, 4, T0), new AnsweringMachineStats(A, 2, 3, 5, T0 + hour)],
            Campaigns =
            [
                Campaign("winter", CampaignState.Failed, T0, endedAt: T0 + (3 * hour)) with { Error = "lead source unreachable" },
                Campaign("spring", CampaignState.Running, T0) with
                {
                    Epoch = 4, OwnerId = "host-1", HeartbeatAt = T0 + hour, Cursor = 17, InFlightCallId = "call-17", Processed = 17,
                    TotalLeads = 100, OutcomeCounts = Counts(("no_answer", 9), ("sold", 2), ("admission_denied", 6)),
                    PlacementErrors = 2, ConsecutivePlacementErrors = 1, StartedAt = T0,
                },
                Campaign("autumn", CampaignState.Completed, T0, endedAt: T0 + (2 * hour)),
            ],
            DailyStatistics =
            [
                Stats(Day0, "acme", "spring", 10),
                Stats(Day0.PlusDays(-1), "beta", "summer", 3) with { DeniedByReason = DailyStatistics.EmptyCounts },
                Stats(Day0, "acme", "autumn", 0) with { Outcomes = DailyStatistics.EmptyCounts, DeniedByReason = DailyStatistics.EmptyCounts },
            ],
        };
    }

    /// <summary>An attempt for <paramref name="phone"/> (lead <c>lead-{id}</c>, client acme, campaign spring), with an outcome a minute later when given.</summary>
    protected static AttemptEntry Attempt(string id, PhoneNumber phone, Instant at, Disposition? outcome = null) =>
        new(id, phone, "lead-" + id, "acme", "spring", null, at, outcome?.Code, outcome?.Category, outcome is null ? null : at + Duration.FromMinutes(1));

    /// <summary>A global cool-down on <paramref name="phone"/>.</summary>
    protected static ProtectionBlock Cooldown(string id, PhoneNumber phone, Instant createdAt, Instant until) =>
        new(id, BlockKind.Cooldown, BlockTarget.Number, phone, null, LimitScope.Global, null, createdAt, until, "transfer", null);

    /// <summary>A redial item updated at <paramref name="updatedAt"/> (claimed items get a claim).</summary>
    protected static RedialItem Item(string leadId, string callId, PhoneNumber phone, RedialItemState state, Instant updatedAt, int claimCount = 0)
    {
        var request = new DialRequest(callId, leadId, phone, "acme", "spring")
        {
            CalleeZoneId = "America/Chicago",
            RegionCode = "US",
            PostalCode = "60601",
            SubjectKey = "subject-" + leadId,
            IsCallback = state == RedialItemState.Cancelled,
        };
        var entry = new RedialEntry(request, DueDialKind.Redial, 2, updatedAt + Duration.FromHours(2), RedialFlags.LeaveVoicemail, "no_answer");
        return state == RedialItemState.Claimed
            ? new RedialItem(entry, state, updatedAt - Duration.FromHours(1), updatedAt, "token-" + leadId, updatedAt + Duration.FromMinutes(5), Math.Max(claimCount, 1))
            : new RedialItem(entry, state, updatedAt - Duration.FromHours(1), updatedAt, claimCount: claimCount);
    }

    /// <summary>A campaign created at <paramref name="createdAt"/> in <paramref name="state"/>.</summary>
    protected static CampaignSnapshot Campaign(string id, CampaignState state, Instant createdAt, Instant? endedAt = null) => new()
    {
        Id = id,
        ClientId = "acme",
        Name = "Campaign " + id,
        State = state,
        CreatedAt = createdAt,
        UpdatedAt = endedAt ?? createdAt,
        StartedAt = state == CampaignState.Draft ? null : createdAt,
        EndedAt = endedAt,
    };

    /// <summary>Daily statistics with <paramref name="requests"/> requests split evenly, and one code in each map.</summary>
    protected static DailyStatistics Stats(LocalDate date, string clientId, string campaignId, long requests) => new()
    {
        Date = date,
        ClientId = clientId,
        CampaignId = campaignId,
        Requests = requests,
        Admitted = requests - (requests / 2),
        Denied = requests / 2,
        DeniedByReason = Counts(("protection.duplicate_window", requests)),
        Outcomes = Counts(("no_answer", requests * 2)),
    };

    /// <summary>A counter map.</summary>
    protected static IReadOnlyDictionary<string, long> Counts(params (string Code, long Count)[] counts)
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, count) in counts)
        {
            map[code] = count;
        }

        return map;
    }

    /// <summary>What reads return for <paramref name="data"/>: every list in its documented order, claimed redial items pending.</summary>
    protected static StoreDataSet Expected(StoreDataSet data) => new()
    {
        Attempts = [.. data.Attempts.OrderBy(a => a.RecordedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal)],
        Blocks = Sorted(data.Blocks, b => b.Id),
        RedialItems = [.. Sorted(data.RedialItems, i => i.LeadId).Select(AsPending)],
        AnsweringMachineStats = [.. data.AnsweringMachineStats.OrderBy(s => s.Phone.Value)],
        Campaigns = Sorted(data.Campaigns, c => c.Id),
        DailyStatistics =
        [
            .. data.DailyStatistics.OrderBy(s => s.Date).ThenBy(s => s.ClientId, StringComparer.Ordinal).ThenBy(s => s.CampaignId, StringComparer.Ordinal),
        ],
    };

    /// <summary>Asserts both sets hold the same rows in the same order (redial items and campaigns compared field by field).</summary>
    protected static void AssertSameData(StoreDataSet expected, StoreDataSet actual)
    {
        Assert.Equal(expected.Attempts, actual.Attempts);
        Assert.Equal(expected.Blocks, actual.Blocks);
        Assert.Equal(expected.RedialItems.Select(Row), actual.RedialItems.Select(Row));
        Assert.Equal(expected.AnsweringMachineStats, actual.AnsweringMachineStats);
        Assert.Equal(expected.Campaigns.Select(CampaignRow), actual.Campaigns.Select(CampaignRow));
        Assert.Equal(expected.DailyStatistics, actual.DailyStatistics);
    }

    /// <summary>A redial item's fields as a value.</summary>
    protected static RedialRow Row(RedialItem item) =>
        new(item.Entry, item.State, item.EnqueuedAt, item.UpdatedAt, item.ClaimToken, item.ClaimExpiresAt, item.ClaimCount);

    /// <summary>A campaign as a value (its outcome counts as sorted text).</summary>
    protected static string CampaignRow(CampaignSnapshot c) =>
        (c with { OutcomeCounts = CampaignSnapshot.NoOutcomes }).ToString() + " counts: " +
        string.Join(",", c.OutcomeCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToString(CultureInfo.InvariantCulture)));

    private static RedialItem AsPending(RedialItem item) => item.State == RedialItemState.Claimed
        ? new RedialItem(item.Entry, RedialItemState.Pending, item.EnqueuedAt, item.UpdatedAt, claimCount: item.ClaimCount)
        : item;

    private static List<T> Sorted<T>(IEnumerable<T> items, Func<T, string> key) => [.. items.OrderBy(key, StringComparer.Ordinal)];

    private static StoreDataSet Union(StoreDataSet a, StoreDataSet b) => new()
    {
        Attempts = [.. a.Attempts, .. b.Attempts],
        Blocks = [.. a.Blocks, .. b.Blocks],
        RedialItems = [.. a.RedialItems, .. b.RedialItems],
        AnsweringMachineStats = [.. a.AnsweringMachineStats, .. b.AnsweringMachineStats],
        Campaigns = [.. a.Campaigns, .. b.Campaigns],
        DailyStatistics = [.. a.DailyStatistics, .. b.DailyStatistics],
    };

    private static StoreDataSet Change(
        StoreDataSet s,
        IReadOnlyList<AttemptEntry>? attempts = null,
        IReadOnlyList<ProtectionBlock>? blocks = null,
        IReadOnlyList<RedialItem>? redialItems = null,
        IReadOnlyList<AnsweringMachineStats>? answeringMachineStats = null,
        IReadOnlyList<CampaignSnapshot>? campaigns = null,
        IReadOnlyList<DailyStatistics>? dailyStatistics = null) => new()
    {
        Attempts = attempts ?? s.Attempts,
        Blocks = blocks ?? s.Blocks,
        RedialItems = redialItems ?? s.RedialItems,
        AnsweringMachineStats = answeringMachineStats ?? s.AnsweringMachineStats,
        Campaigns = campaigns ?? s.Campaigns,
        DailyStatistics = dailyStatistics ?? s.DailyStatistics,
    };

    private static (StoreDataSet Data, string[] Mentions) BadSet(string badCase)
    {
        var good = FullSet();
        return badCase switch
        {
            "attempt-default" => (Change(good, attempts: [.. good.Attempts, default]), [$"Attempts[{good.Attempts.Count}]", "AttemptId"]),
            "attempt-duplicate-id" => (Change(good, attempts: [.. good.Attempts, Attempt("att-1", B, T0)]), [$"Attempts[{good.Attempts.Count}]", "AttemptId", "att-1"]),
            "block-default" => (Change(good, blocks: [default, .. good.Blocks]), ["Blocks[0]", "Id"]),
            "block-duplicate-id" => (Change(good, blocks: [.. good.Blocks, Cooldown("cool-a", B, T0, T0 + Duration.FromHours(5))]), [$"Blocks[{good.Blocks.Count}]", "Id", "cool-a"]),
            "redial-null" => (Change(good, redialItems: [.. good.RedialItems, null!]), [$"RedialItems[{good.RedialItems.Count}]", "null"]),
            "redial-duplicate-lead" => (Change(good, redialItems: [.. good.RedialItems, Item("lead-a", "call-other", B, RedialItemState.Pending, T0)]), [$"RedialItems[{good.RedialItems.Count}]", "LeadId", "lead-a"]),
            "am-default-phone" => (Change(good, answeringMachineStats: [.. good.AnsweringMachineStats, default]), [$"AnsweringMachineStats[{good.AnsweringMachineStats.Count}]", "Phone"]),
            "am-duplicate-phone" => (Change(good, answeringMachineStats: [.. good.AnsweringMachineStats, new AnsweringMachineStats(A, 0, 0, 1, T0)]), [$"AnsweringMachineStats[{good.AnsweringMachineStats.Count}]", "Phone"]),
            "campaign-empty-id" => (Change(good, campaigns: [.. good.Campaigns, Campaign("x", CampaignState.Draft, T0) with { Id = "" }]), [$"Campaigns[{good.Campaigns.Count}]", "Id"]),
            "campaign-negative-cursor" => (Change(good, campaigns: [Campaign("neg", CampaignState.Running, T0) with { Cursor = -5 }, .. good.Campaigns]), ["Campaigns[0]", "Cursor", "-5"]),
            "campaign-duplicate-id" => (Change(good, campaigns: [.. good.Campaigns, Campaign("spring", CampaignState.Draft, T0)]), [$"Campaigns[{good.Campaigns.Count}]", "Id", "spring"]),
            "stats-negative-requests" => (Change(good, dailyStatistics: [good.DailyStatistics[0], Stats(Day0, "acme", "neg", 1) with { Requests = -1 }]), ["DailyStatistics[1]", "Requests", "-1"]),
            "stats-empty-client" => (Change(good, dailyStatistics: [Stats(Day0, "", "spring", 1), .. good.DailyStatistics]), ["DailyStatistics[0]", "ClientId"]),
            "stats-duplicate-key" => (Change(good, dailyStatistics: [.. good.DailyStatistics, Stats(Day0, "acme", "spring", 1)]), [$"DailyStatistics[{good.DailyStatistics.Count}]", "spring"]),
            "stats-negative-reason-count" => (Change(good, dailyStatistics: [Stats(Day0, "acme", "neg", 1) with { DeniedByReason = Counts(("window.closed", -2)) }]), ["DailyStatistics[0]", "DeniedByReason", "-2"]),
            "stats-empty-outcome-code" => (Change(good, dailyStatistics: [Stats(Day0, "acme", "neg", 1) with { Outcomes = Counts(("", 1)) }]), ["DailyStatistics[0]", "Outcomes"]),
            _ => throw new ArgumentOutOfRangeException(nameof(badCase), badCase, "unknown case"),
        };
    }

    private async Task<PortWrites> WriteThroughPortsAsync(StoreUnderTest store, PhoneNumber phone)
    {
        var suffix = phone.Value.ToString(CultureInfo.InvariantCulture);
        var request = new DialRequest("port-call-" + suffix, "port-lead-" + suffix, phone, "acme", "port-" + suffix);
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var recorded = await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), rules);
        Assert.True(recorded.IsAllowed, recorded.ToString());
        var block = Cooldown("port-block-" + suffix, phone, T0, T0 + Duration.FromDays(1));
        await store.AttemptLedger.RecordOutcomeAsync(new CallOutcome(request, Disposition.NoAnswer, T0 + Duration.FromMinutes(1)), [block]);

        var redialRequest = new DialRequest("port-redial-" + suffix, request.LeadId, phone, "acme", request.CampaignId) { RegionCode = "US" };
        var entry = new RedialEntry(redialRequest, DueDialKind.Redial, 2, T0 + Duration.FromMinutes(30), RedialFlags.None, "no_answer");
        Assert.True(await store.RedialQueue.EnqueueAsync(entry, T0));
        Assert.Single(await store.RedialQueue.ClaimDueAsync(T0 + Duration.FromHours(1), 10, Duration.FromMinutes(5)));

        await store.AnsweringMachineTracker.RecordAsync(phone, request.CallId, true, T0 + Duration.FromMinutes(1));
        var (created, _) = await store.CampaignStore.CreateAsync(new CampaignDefinition(request.CampaignId, "acme", "Port campaign"), T0);
        Assert.True(created.Succeeded);
        return new PortWrites(request.CallId, block, entry, request.CampaignId);
    }

    /// <summary>A redial item's fields.</summary>
    protected sealed record RedialRow(RedialEntry Entry, RedialItemState State, Instant EnqueuedAt, Instant UpdatedAt, string? ClaimToken, Instant? ClaimExpiresAt, int ClaimCount);

    private sealed record PortWrites(string CallId, ProtectionBlock Block, RedialEntry Entry, string CampaignId);
}
