using Dialer.Campaigns.Tests.Support;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

public sealed class SlotManagerTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    private static SlotOptions Options(int global = 10, int? campaign = 1) => new()
    {
        GlobalMaxCalls = global,
        DefaultCampaignMaxCalls = campaign,
        LeaseTtl = TimeSpan.FromMinutes(5),
        WaitPollInterval = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public void ScopesFor_Defaults_HoldsOnlyTheGlobalScope()
    {
        using var slots = new SlotManager(new InMemorySlotStore(), new SlotOptions(), TestClock.At(T0));
        var set = slots.ScopesFor(TestRequests.Create(clientId: "acme", campaignId: "spring"));
        Assert.Equal([new SlotScopeLimit(SlotScope.Global, SlotOptions.DefaultGlobalMaxCalls)], set);
    }

    [Fact]
    public void ScopesFor_ClientAndCampaignOverrides_NestGlobalClientCampaignWithTheirLimits()
    {
        var options = new SlotOptions
        {
            GlobalMaxCalls = 50,
            DefaultClientMaxCalls = 10,
            DefaultCampaignMaxCalls = 4,
            Clients = { ["acme"] = new SlotLimitOptions { MaxConcurrentCalls = 20 }, ["free"] = new SlotLimitOptions() },
            Campaigns = { ["spring"] = new SlotLimitOptions { MaxConcurrentCalls = 7 } },
            Keys = { ["trunk-a"] = 3 },
        };
        using var slots = new SlotManager(new InMemorySlotStore(), options, TestClock.At(T0));
        Assert.Equal(
            [new(SlotScope.Global, 50), new(SlotScope.Client("acme"), 20), new(SlotScope.Campaign("acme", "spring"), 7)],
            slots.ScopesFor("acme", "spring"));
        Assert.Equal(
            [new(SlotScope.Global, 50), new(SlotScope.Client("globex"), 10), new(SlotScope.Campaign("globex", "autumn"), 4)],
            slots.ScopesFor("globex", "autumn"));
        Assert.Equal(
            [new(SlotScope.Global, 50), new(SlotScope.Campaign("free", "autumn"), 4)],
            slots.ScopesFor("free", "autumn"));
        var keyed = slots.ScopesFor(TestRequests.Create(clientId: "acme", campaignId: "spring"), "trunk-a");
        Assert.Equal(new SlotScopeLimit(SlotScope.ForKey("trunk-a"), 3), keyed[^1]);
        Assert.Same(slots.ScopesFor("acme", "spring"), slots.ScopesFor("acme", "spring"));
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => slots.ScopesFor(TestRequests.Create(), "unknown")).ParamName);
    }

    [Fact]
    public async Task AcquireAsync_SlotFreeNow_ReturnsAtOnce()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var r = await slots.AcquireAsync("c1", slots.ScopesFor("acme", "spring"), TimeSpan.FromSeconds(30));
        Assert.True(r.IsAcquired);
        Assert.Equal(T0 + Duration.FromMinutes(5), r.ExpiresAt);
    }

    [Fact]
    public async Task AcquireAsync_Full_WaitsAndGetsTheSlotWhenItIsReleased()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        Assert.True((await slots.TryAcquireAsync("holder", scopes)).IsAcquired);
        var waiting = slots.AcquireAsync("waiter", scopes, TimeSpan.FromSeconds(30)).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, slots.WaitingCount);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await slots.ReleaseAsync("holder"));
        var r = await waiting;
        Assert.True(r.IsAcquired);
        Assert.Equal(T0 + Duration.FromSeconds(3) + Duration.FromMinutes(5), r.ExpiresAt);
        Assert.Equal(0, slots.WaitingCount);
        Assert.NotNull(await slots.Store.GetLeaseAsync("waiter"));
    }

    [Fact]
    public async Task AcquireAsync_SeveralWaiters_AreServedInArrivalOrder()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("holder", scopes);
        var w1 = slots.AcquireAsync("w1", scopes, TimeSpan.FromMinutes(1)).AsTask();
        var w2 = slots.AcquireAsync("w2", scopes, TimeSpan.FromMinutes(1)).AsTask();
        var w3 = slots.AcquireAsync("w3", scopes, TimeSpan.FromMinutes(1)).AsTask();
        Assert.Equal(3, slots.WaitingCount);

        await slots.ReleaseAsync("holder");
        Assert.True((await w1).IsAcquired);
        Assert.False(w2.IsCompleted);
        Assert.False(w3.IsCompleted);

        await slots.ReleaseAsync("w1");
        Assert.True((await w2).IsAcquired);
        Assert.False(w3.IsCompleted);

        await slots.ReleaseAsync("w2");
        Assert.True((await w3).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_NewArrivalWhileOthersWait_QueuesBehindThem()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("holder", scopes);
        var first = slots.AcquireAsync("first", scopes, TimeSpan.FromMinutes(1)).AsTask();

        // The store frees the slot behind the manager's back (another host released it) ...
        await slots.Store.ReleaseAsync("holder");

        // ... and a later arrival must not barge ahead of the waiter that came first.
        var later = slots.AcquireAsync("later", scopes, TimeSpan.FromMinutes(1)).AsTask();
        Assert.True((await first).IsAcquired);
        Assert.False(later.IsCompleted);
        await slots.ReleaseAsync("first");
        Assert.True((await later).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_SlotFreedByAnotherHost_IsSeenOnTheNextPoll()
    {
        var time = TestClock.At(T0);
        var store = new InMemorySlotStore();
        using var slots = new SlotManager(store, Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("holder", scopes);
        var waiting = slots.AcquireAsync("waiter", scopes, TimeSpan.FromSeconds(30)).AsTask();
        await store.ReleaseAsync("holder");
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await waiting).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_NothingFreesUp_TimesOutWithTheRefusalNotAnException()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("holder", scopes);
        var waiting = slots.AcquireAsync("waiter", scopes, TimeSpan.FromSeconds(10)).AsTask();
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var r = await waiting;
        Assert.False(r.IsAcquired);
        Assert.Equal(SlotScope.Campaign("acme", "spring"), r.FullScope);
        Assert.Equal(T0 + Duration.FromMinutes(5), r.ClearsAt);
        Assert.Equal(0, slots.WaitingCount);

        // The abandoned waiter does not get a slot later.
        await slots.ReleaseAsync("holder");
        Assert.Null(await slots.Store.GetLeaseAsync("waiter"));
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndLeavesNoWaiterOrLease()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("holder", scopes);
        using var cts = new CancellationTokenSource();
        var waiting = slots.AcquireAsync("waiter", scopes, TimeSpan.FromMinutes(1), cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, slots.WaitingCount);
        await slots.ReleaseAsync("holder");
        Assert.Null(await slots.Store.GetLeaseAsync("waiter"));
        Assert.Equal(0, await slots.Store.CountAsync(SlotScope.Global, T0));
    }

    [Fact]
    public async Task ReclaimExpiredAsync_Orphan_ReclaimsItOnceAndFreesTheSlot()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("orphan", scopes);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, await slots.ReclaimExpiredAsync());
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await slots.ReclaimExpiredAsync());
        Assert.Equal(0, await slots.ReclaimExpiredAsync());
        Assert.Null(await slots.Store.GetLeaseAsync("orphan"));
        Assert.True((await slots.TryAcquireAsync("next", scopes)).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_SlotHeldByAnOrphan_GetsTheSlotWhenTheOrphanExpires()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        var scopes = slots.ScopesFor("acme", "spring");
        await slots.TryAcquireAsync("orphan", scopes);
        var waiting = slots.AcquireAsync("waiter", scopes, TimeSpan.FromMinutes(10)).AsTask();
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var r = await waiting;
        Assert.True(r.IsAcquired);
        Assert.Null(await slots.Store.GetLeaseAsync("orphan"));
    }

    [Fact]
    public async Task RenewAsync_Heartbeat_ExtendsFromNow()
    {
        var time = TestClock.At(T0);
        using var slots = new SlotManager(new InMemorySlotStore(), Options(), time);
        await slots.TryAcquireAsync("c1", slots.ScopesFor("acme", "spring"));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(SlotRenewResult.Renewed(T0 + Duration.FromMinutes(9)), await slots.RenewAsync("c1"));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryError()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new SlotManager(new InMemorySlotStore(), new SlotOptions { GlobalMaxCalls = 0, LeaseTtl = TimeSpan.Zero }, TestClock.At(T0)));
        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public async Task TryAcquireAndRelease_Warm_AllocateNothing()
    {
        using var slots = new SlotManager(new InMemorySlotStore(), Options(campaign: 10), TestClock.At(T0));
        var scopes = slots.ScopesFor("acme", "spring");
        for (var i = 0; i < 100; i++)
        {
            _ = Sync.Run(slots.TryAcquireAsync("c1", scopes, T0));
            _ = Sync.Run(slots.ReleaseAsync("c1"));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = Sync.Run(slots.TryAcquireAsync("c1", scopes, T0));
            _ = Sync.Run(slots.ReleaseAsync("c1"));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        await Task.CompletedTask;
    }
}
