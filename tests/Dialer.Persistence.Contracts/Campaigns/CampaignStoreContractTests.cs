using Dialer.Campaigns;
using NodaTime;

namespace Dialer.Persistence.Contracts.Campaigns;

/// <summary>
/// The behaviour every <see cref="ICampaignStore"/> must have: lifecycle compare-and-set with reasons, claims and
/// takeover, heartbeat and checkpoint fencing. A store's test project derives a class and supplies a fresh, empty store
/// (and, for durable stores, a way to close and reopen it).
/// </summary>
public abstract class CampaignStoreContractTests : IAsyncLifetime
{
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    protected static readonly Duration Stale = Duration.FromSeconds(30);

    private readonly List<ICampaignStore> _stores = [];

    /// <summary>A new, empty store.</summary>
    protected abstract ValueTask<ICampaignStore> CreateStoreAsync();

    /// <summary>Closes <paramref name="store"/> and opens it again on the same data. In-memory stores return it unchanged.</summary>
    protected virtual ValueTask<ICampaignStore> ReopenAsync(ICampaignStore store) => ValueTask.FromResult(store);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var s in _stores)
        {
            if (s is IAsyncDisposable ad)
            {
                await ad.DisposeAsync();
            }
            else if (s is IDisposable d)
            {
                d.Dispose();
            }
        }
    }

    protected async Task<ICampaignStore> NewStoreAsync()
    {
        var s = await CreateStoreAsync();
        _stores.Add(s);
        return s;
    }

    /// <summary>Creates campaign "c" and drives it into <paramref name="state"/> through allowed transitions.</summary>
    protected static async Task InStateAsync(ICampaignStore store, CampaignState state, string id = "c")
    {
        var (created, _) = await store.CreateAsync(new CampaignDefinition(id, "acme", "Spring"), T0);
        Assert.True(created.Succeeded, created.ToString());
        async Task Do(CampaignCommand cmd, CampaignState from, string? error = null) =>
            Assert.True((await store.TransitionAsync(id, cmd, from, 0, T0, error)).Succeeded);
        switch (state)
        {
            case CampaignState.Draft:
                break;
            case CampaignState.Running:
                await Do(CampaignCommand.Start, CampaignState.Draft);
                break;
            case CampaignState.Paused:
                await Do(CampaignCommand.Start, CampaignState.Draft);
                await Do(CampaignCommand.Pause, CampaignState.Running);
                break;
            case CampaignState.Completed:
                await Do(CampaignCommand.Start, CampaignState.Draft);
                await Do(CampaignCommand.Complete, CampaignState.Running);
                break;
            case CampaignState.Cancelled:
                await Do(CampaignCommand.Cancel, CampaignState.Draft);
                break;
            case CampaignState.Failed:
                await Do(CampaignCommand.Start, CampaignState.Draft);
                await Do(CampaignCommand.Fail, CampaignState.Running, "boom");
                break;
        }

        Assert.Equal(state, (await store.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Create_New_IsDraftAtEpochZeroWithEmptyCheckpoint()
    {
        var store = await NewStoreAsync();
        var (result, c) = await store.CreateAsync(new CampaignDefinition("c", "acme", "Spring"), T0);
        Assert.Equal(CampaignResult.Success(CampaignState.Draft, 0), result);
        Assert.Equal("c", c.Id);
        Assert.Equal("acme", c.ClientId);
        Assert.Equal("Spring", c.Name);
        Assert.Equal(CampaignState.Draft, c.State);
        Assert.Equal(0, c.Epoch);
        Assert.Null(c.OwnerId);
        Assert.Null(c.HeartbeatAt);
        Assert.Equal(0, c.Cursor);
        Assert.Equal(0, c.Processed);
        Assert.Empty(c.OutcomeCounts);
        Assert.Equal(T0, c.CreatedAt);
        Assert.Null(c.StartedAt);
        Assert.Null(c.EndedAt);
    }

    [Fact]
    public async Task Create_ExistingId_IsRefusedAndReturnsTheStoredCampaign()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        var (result, c) = await store.CreateAsync(new CampaignDefinition("c", "other", "Other"), T0 + Stale);
        Assert.Equal(CampaignRefusal.AlreadyExists, result.Refusal);
        Assert.Equal(CampaignState.Running, c.State);
        Assert.Equal("acme", c.ClientId);
    }

    [Fact]
    public async Task Get_Unknown_IsNull()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetAsync("missing"));
    }

    [Fact]
    public async Task List_FiltersByStateAndOrdersById()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running, "b");
        await InStateAsync(store, CampaignState.Draft, "c");
        await InStateAsync(store, CampaignState.Running, "a");
        Assert.Equal(["a", "b", "c"], (await store.ListAsync()).Select(c => c.Id));
        Assert.Equal(["a", "b"], (await store.ListAsync(CampaignState.Running)).Select(c => c.Id));
        Assert.Empty(await store.ListAsync(CampaignState.Failed));
    }

    // The transition table, stated independently of CampaignLifecycle: from, command, expected refusal (None = allowed), target.
    public static TheoryData<CampaignState, CampaignCommand, CampaignRefusal, CampaignState> Table => new()
    {
        { CampaignState.Draft, CampaignCommand.Start, CampaignRefusal.None, CampaignState.Running },
        { CampaignState.Draft, CampaignCommand.Pause, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Draft, CampaignCommand.Resume, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Draft, CampaignCommand.Complete, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Draft, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Draft, CampaignCommand.Fail, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Running, CampaignCommand.Start, CampaignRefusal.AlreadyInState, CampaignState.Running },
        { CampaignState.Running, CampaignCommand.Pause, CampaignRefusal.None, CampaignState.Paused },
        { CampaignState.Running, CampaignCommand.Resume, CampaignRefusal.AlreadyInState, CampaignState.Running },
        { CampaignState.Running, CampaignCommand.Complete, CampaignRefusal.None, CampaignState.Completed },
        { CampaignState.Running, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Running, CampaignCommand.Fail, CampaignRefusal.None, CampaignState.Failed },
        { CampaignState.Paused, CampaignCommand.Start, CampaignRefusal.NotAllowedFromState, CampaignState.Paused },
        { CampaignState.Paused, CampaignCommand.Pause, CampaignRefusal.AlreadyInState, CampaignState.Paused },
        { CampaignState.Paused, CampaignCommand.Resume, CampaignRefusal.None, CampaignState.Running },
        { CampaignState.Paused, CampaignCommand.Complete, CampaignRefusal.NotAllowedFromState, CampaignState.Paused },
        { CampaignState.Paused, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Paused, CampaignCommand.Fail, CampaignRefusal.None, CampaignState.Failed },
        { CampaignState.Completed, CampaignCommand.Start, CampaignRefusal.Terminal, CampaignState.Completed },
        { CampaignState.Completed, CampaignCommand.Pause, CampaignRefusal.Terminal, CampaignState.Completed },
        { CampaignState.Completed, CampaignCommand.Resume, CampaignRefusal.Terminal, CampaignState.Completed },
        { CampaignState.Completed, CampaignCommand.Complete, CampaignRefusal.AlreadyInState, CampaignState.Completed },
        { CampaignState.Completed, CampaignCommand.Cancel, CampaignRefusal.Terminal, CampaignState.Completed },
        { CampaignState.Completed, CampaignCommand.Fail, CampaignRefusal.Terminal, CampaignState.Completed },
        { CampaignState.Cancelled, CampaignCommand.Start, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Pause, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Resume, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Complete, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Cancel, CampaignRefusal.AlreadyInState, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Fail, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Failed, CampaignCommand.Start, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Pause, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Resume, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Complete, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Cancel, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Fail, CampaignRefusal.AlreadyInState, CampaignState.Failed },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Transition_FromEachStateWithEachCommand_FollowsTheTable(CampaignState from, CampaignCommand command, CampaignRefusal expected, CampaignState after)
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, from);
        var result = await store.TransitionAsync("c", command, from, 0, T0 + Duration.FromMinutes(1), command == CampaignCommand.Fail ? "provider down" : null);
        Assert.Equal(expected, result.Refusal);
        Assert.Equal(after, result.State);
        Assert.Equal(after, (await store.GetAsync("c"))!.State);
    }

    [Fact]
    public async Task Transition_ExpectedStateIsStale_IsRefusedAsStateChangedWithTheActualState()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Paused);
        var r = await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 0, T0);
        Assert.Equal(CampaignResult.Refused(CampaignRefusal.StateChanged, CampaignState.Paused, 0), r);
    }

    [Fact]
    public async Task Transition_ExpectedEpochIsStale_IsRefusedAsStaleEpoch()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        Assert.True((await store.TryClaimAsync("c", "host-a", T0, Stale)).Succeeded);
        var r = await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 0, T0);
        Assert.Equal(CampaignResult.Refused(CampaignRefusal.StaleEpoch, CampaignState.Running, 1), r);
        Assert.True((await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 1, T0)).Succeeded);
    }

    [Fact]
    public async Task Transition_UnknownCampaign_IsRefusedAsNotFound()
    {
        var store = await NewStoreAsync();
        var r = await store.TransitionAsync("missing", CampaignCommand.Start, CampaignState.Draft, 0, T0);
        Assert.Equal(CampaignRefusal.NotFound, r.Refusal);
        Assert.Null(r.State);
    }

    [Fact]
    public async Task Transition_StampsStartEndAndError_AndKeepsOwnershipAndCheckpoint()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Draft);
        var started = T0 + Duration.FromMinutes(1);
        await store.TransitionAsync("c", CampaignCommand.Start, CampaignState.Draft, 0, started);
        var claim = await store.TryClaimAsync("c", "host-a", started, Stale);
        await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", claim.Snapshot!.Epoch) { Cursor = 3, Processed = 3 }, started);
        var ended = T0 + Duration.FromMinutes(9);
        var r = await store.TransitionAsync("c", CampaignCommand.Fail, CampaignState.Running, 1, ended, "provider down");
        Assert.True(r.Succeeded);
        var c = (await store.GetAsync("c"))!;
        Assert.Equal(CampaignState.Failed, c.State);
        Assert.Equal("provider down", c.Error);
        Assert.Equal(started, c.StartedAt);
        Assert.Equal(ended, c.EndedAt);
        Assert.Equal("host-a", c.OwnerId);
        Assert.Equal(1, c.Epoch);
        Assert.Equal(3, c.Cursor);
    }

    [Fact]
    public async Task Transition_SixteenConcurrentPauses_ExactlyOneWins()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        var tasks = Enumerable.Range(0, 16)
            .Select(_ => Task.Run(async () => await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 0, T0)))
            .ToArray();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(CampaignRefusal.StateChanged, r.Refusal));
    }

    [Fact]
    public async Task Claim_DraftOrPaused_IsRefusedAsNotRunning()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Draft, "d");
        await InStateAsync(store, CampaignState.Paused, "p");
        Assert.Equal(CampaignRefusal.NotRunning, (await store.TryClaimAsync("d", "host-a", T0, Stale)).Refusal);
        Assert.Equal(CampaignRefusal.NotRunning, (await store.TryClaimAsync("p", "host-a", T0, Stale)).Refusal);
        Assert.Equal(CampaignRefusal.NotFound, (await store.TryClaimAsync("missing", "host-a", T0, Stale)).Refusal);
    }

    [Fact]
    public async Task Claim_UnownedRunningCampaign_MakesTheCallerOwnerAtEpochOne()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        var claim = await store.TryClaimAsync("c", "host-a", T0, Stale);
        Assert.True(claim.Succeeded);
        Assert.False(claim.IsTakeover);
        Assert.Null(claim.PreviousOwnerId);
        Assert.Equal("host-a", claim.Snapshot.OwnerId);
        Assert.Equal(1, claim.Snapshot.Epoch);
        Assert.Equal(T0, claim.Snapshot.HeartbeatAt);
        var stored = (await store.GetAsync("c"))!;
        Assert.Equal("host-a", stored.OwnerId);
        Assert.Equal(1, stored.Epoch);
    }

    [Fact]
    public async Task Claim_OwnerHeartbeatFresh_IsRefusedUntilItIsStale_ThenTakenOverAtTheCheckpoint()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 7, Processed = 7, InFlightCallId = "c:7", OutcomeCounts = new Dictionary<string, long> { ["no_answer"] = 7 } }, T0 + Duration.FromSeconds(5));

        var early = await store.TryClaimAsync("c", "host-b", T0 + Duration.FromSeconds(5) + Stale - Duration.FromTicks(1), Stale);
        Assert.Equal(CampaignRefusal.OwnerAlive, early.Refusal);
        Assert.Equal("host-a", early.Snapshot!.OwnerId);

        var takeover = await store.TryClaimAsync("c", "host-b", T0 + Duration.FromSeconds(5) + Stale, Stale);
        Assert.True(takeover.Succeeded);
        Assert.True(takeover.IsTakeover);
        Assert.Equal("host-a", takeover.PreviousOwnerId);
        Assert.Equal(2, takeover.Snapshot.Epoch);
        Assert.Equal(7, takeover.Snapshot.Cursor);
        Assert.Equal("c:7", takeover.Snapshot.InFlightCallId);
        Assert.Equal(7, takeover.Snapshot.OutcomeCounts["no_answer"]);
    }

    [Fact]
    public async Task Claim_BySameOwnerAgain_IncrementsTheEpoch()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        var again = await store.TryClaimAsync("c", "host-a", T0 + Duration.FromSeconds(1), Stale);
        Assert.True(again.Succeeded);
        Assert.False(again.IsTakeover);
        Assert.Equal(2, again.Snapshot.Epoch);
        Assert.Equal(CampaignRefusal.StaleEpoch, (await store.HeartbeatAsync("c", "host-a", 1, T0 + Duration.FromSeconds(2))).Refusal);
    }

    [Fact]
    public async Task Claim_SixteenConcurrentHosts_ExactlyOneWins()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        var tasks = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () => await store.TryClaimAsync("c", "host-" + i, T0, Stale)))
            .ToArray();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(1, results.Count(r => r.Succeeded));
        Assert.Equal(1, (await store.GetAsync("c"))!.Epoch);
    }

    [Fact]
    public async Task Heartbeat_CurrentOwner_RecordsTheInstantAndReportsTheState()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 1, T0);
        var at = T0 + Duration.FromSeconds(10);
        Assert.Equal(CampaignResult.Success(CampaignState.Paused, 1), await store.HeartbeatAsync("c", "host-a", 1, at));
        Assert.Equal(at, (await store.GetAsync("c"))!.HeartbeatAt);
    }

    [Fact]
    public async Task Heartbeat_StaleEpochOrOtherOwner_IsFenced()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.TryClaimAsync("c", "host-b", T0 + Stale, Stale);
        Assert.Equal(CampaignResult.Refused(CampaignRefusal.StaleEpoch, CampaignState.Running, 2), await store.HeartbeatAsync("c", "host-a", 1, T0 + Stale));
        Assert.Equal(CampaignRefusal.StaleEpoch, (await store.HeartbeatAsync("c", "host-a", 2, T0 + Stale)).Refusal);
        Assert.Equal(CampaignRefusal.NotFound, (await store.HeartbeatAsync("missing", "host-a", 1, T0)).Refusal);
        Assert.Equal(T0 + Stale, (await store.GetAsync("c"))!.HeartbeatAt);
    }

    [Fact]
    public async Task Checkpoint_CurrentOwner_StoresEveryFieldAndCountsAsHeartbeat()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        var at = T0 + Duration.FromSeconds(20);
        var r = await store.CheckpointAsync(
            new CampaignCheckpoint("c", "host-a", 1)
            {
                Cursor = 12,
                InFlightCallId = "c:12",
                Processed = 11,
                TotalLeads = 100,
                OutcomeCounts = new Dictionary<string, long> { ["no_answer"] = 6, ["failed"] = 2, ["deferred"] = 3 },
                PlacementErrors = 2,
                ConsecutivePlacementErrors = 1,
            },
            at);
        Assert.Equal(CampaignResult.Success(CampaignState.Running, 1), r);
        var c = (await ReopenAsync(store)).GetAsync("c");
        var stored = (await c)!;
        Assert.Equal(12, stored.Cursor);
        Assert.Equal("c:12", stored.InFlightCallId);
        Assert.Equal(11, stored.Processed);
        Assert.Equal(100, stored.TotalLeads);
        Assert.Equal(3, stored.OutcomeCounts.Count);
        Assert.Equal(6, stored.OutcomeCounts["no_answer"]);
        Assert.Equal(2, stored.OutcomeCounts["failed"]);
        Assert.Equal(3, stored.OutcomeCounts["deferred"]);
        Assert.Equal(2, stored.PlacementErrors);
        Assert.Equal(1, stored.ConsecutivePlacementErrors);
        Assert.Equal(at, stored.HeartbeatAt);
        Assert.Equal(CampaignState.Running, stored.State);
    }

    [Fact]
    public async Task Checkpoint_FromAStaleOwner_IsRejectedAndChangesNothing()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 5, Processed = 5 }, T0);
        await store.TryClaimAsync("c", "host-b", T0 + Stale, Stale);
        var late = await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 6, Processed = 6 }, T0 + Stale + Duration.FromSeconds(1));
        Assert.Equal(CampaignResult.Refused(CampaignRefusal.StaleEpoch, CampaignState.Running, 2), late);
        var c = (await store.GetAsync("c"))!;
        Assert.Equal(5, c.Cursor);
        Assert.Equal("host-b", c.OwnerId);
        Assert.Equal(T0 + Stale, c.HeartbeatAt);
    }

    [Fact]
    public async Task Checkpoint_WhilePausedOrAfterCancel_IsAcceptedAndReportsTheState()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 1, T0);
        Assert.Equal(CampaignResult.Success(CampaignState.Paused, 1), await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 1, Processed = 1 }, T0));
        await store.TransitionAsync("c", CampaignCommand.Cancel, CampaignState.Paused, 1, T0);
        Assert.Equal(CampaignResult.Success(CampaignState.Cancelled, 1), await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 2, Processed = 2 }, T0));
        Assert.Equal(2, (await store.GetAsync("c"))!.Cursor);
    }

    [Fact]
    public async Task ReleaseOwnership_CurrentOwner_LetsAnotherClaimAtOnceAndFencesTheOldOwner()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 3, Processed = 3 }, T0);
        Assert.Equal(CampaignResult.Success(CampaignState.Running, 1), await store.ReleaseOwnershipAsync("c", "host-a", 1, T0));
        var released = (await store.GetAsync("c"))!;
        Assert.Null(released.OwnerId);
        Assert.Equal(3, released.Cursor);

        var claim = await store.TryClaimAsync("c", "host-b", T0 + Duration.FromSeconds(1), Stale);
        Assert.True(claim.Succeeded);
        Assert.Equal(2, claim.Snapshot.Epoch);
        Assert.Equal(3, claim.Snapshot.Cursor);
        Assert.Equal(CampaignRefusal.StaleEpoch, (await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 4 }, T0 + Duration.FromSeconds(2))).Refusal);
        Assert.Equal(CampaignRefusal.StaleEpoch, (await store.ReleaseOwnershipAsync("c", "host-a", 1, T0)).Refusal);
        Assert.Equal(CampaignRefusal.NotFound, (await store.ReleaseOwnershipAsync("missing", "host-a", 1, T0)).Refusal);
    }

    [Fact]
    public async Task Reopen_KeepsStateOwnershipAndCheckpoint()
    {
        var store = await NewStoreAsync();
        await InStateAsync(store, CampaignState.Running);
        await store.TryClaimAsync("c", "host-a", T0, Stale);
        await store.CheckpointAsync(new CampaignCheckpoint("c", "host-a", 1) { Cursor = 4, Processed = 4, TotalLeads = 9, OutcomeCounts = new Dictionary<string, long> { ["busy"] = 4 } }, T0);
        await store.TransitionAsync("c", CampaignCommand.Pause, CampaignState.Running, 1, T0);
        store = await ReopenAsync(store);
        var c = (await store.GetAsync("c"))!;
        Assert.Equal(CampaignState.Paused, c.State);
        Assert.Equal("host-a", c.OwnerId);
        Assert.Equal(1, c.Epoch);
        Assert.Equal(4, c.Cursor);
        Assert.Equal(9, c.TotalLeads);
        Assert.Equal(4, c.OutcomeCounts["busy"]);
        Assert.Equal(T0, c.HeartbeatAt);
        Assert.Equal(T0, c.StartedAt);
    }
}

/// <summary>Runs the campaign store contract on <see cref="InMemoryCampaignStore"/>.</summary>
public sealed class InMemoryCampaignStoreContractTests : CampaignStoreContractTests
{
    protected override ValueTask<ICampaignStore> CreateStoreAsync() => ValueTask.FromResult<ICampaignStore>(new InMemoryCampaignStore());
}
