using Dialer.Campaigns.Tests.Support;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

public sealed class InMemorySlotStoreTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration Ttl = Duration.FromMinutes(5);

    private static SlotScopeSet Nested(int campaignLimit = 10) => new(
        new SlotScopeLimit(SlotScope.Global, 100),
        new SlotScopeLimit(SlotScope.Client("acme"), 50),
        new SlotScopeLimit(SlotScope.Campaign("acme", "spring"), campaignLimit));

    [Fact]
    public void AcquireAndRelease_Warm_AllocateNothing()
    {
        var store = new InMemorySlotStore();
        var scopes = Nested();
        string[] ids = ["call-a", "call-b", "call-c"];
        for (var i = 0; i < 100; i++)
        {
            foreach (var id in ids)
            {
                _ = Sync.Run(store.TryAcquireAsync(id, scopes, T0, Ttl));
            }

            foreach (var id in ids)
            {
                _ = Sync.Run(store.ReleaseAsync(id));
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            foreach (var id in ids)
            {
                Assert.True(Sync.Run(store.TryAcquireAsync(id, scopes, T0, Ttl)).IsAcquired);
            }

            foreach (var id in ids)
            {
                Assert.True(Sync.Run(store.ReleaseAsync(id)));
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Acquire_FullScopeDenial_Warm_AllocatesNothing()
    {
        var store = new InMemorySlotStore();
        var scopes = Nested(campaignLimit: 1);
        Assert.True(Sync.Run(store.TryAcquireAsync("holder", scopes, T0, Ttl)).IsAcquired);
        _ = Sync.Run(store.TryAcquireAsync("other", scopes, T0, Ttl));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Assert.False(Sync.Run(store.TryAcquireAsync("other", scopes, T0, Ttl)).IsAcquired);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Acquire_NeedsRoomHeldByExpiredLeases_ReclaimsThemLazilyAndCountsThem()
    {
        var store = new InMemorySlotStore();
        await store.TryAcquireAsync("orphan", Nested(1), T0, Ttl);
        Assert.True((await store.TryAcquireAsync("next", Nested(1), T0 + Ttl, Ttl)).IsAcquired);
        Assert.Equal(1, store.ReclaimedTotal);
        Assert.Equal(1, store.LeaseCount);
        Assert.Null(await store.GetLeaseAsync("orphan"));
    }

    [Fact]
    public async Task Renew_ShorterTtlThanRemaining_NeverShortensTheLease()
    {
        var store = new InMemorySlotStore();
        await store.TryAcquireAsync("c1", Nested(), T0, Ttl);
        var r = await store.RenewAsync("c1", T0 + Duration.FromMinutes(1), Duration.FromMinutes(1));
        Assert.Equal(SlotRenewResult.Renewed(T0 + Ttl), r);
    }

    [Fact]
    public async Task Acquire_NonPositiveTtl_ThrowsNamingIt()
    {
        var store = new InMemorySlotStore();
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await store.TryAcquireAsync("c1", Nested(), T0, Duration.Zero));
        Assert.Equal("ttl", ex.ParamName);
    }

    [Fact]
    public async Task OneSet_UsedWithTwoStores_KeepsTheStoresSeparate()
    {
        var a = new InMemorySlotStore();
        var b = new InMemorySlotStore();
        var scopes = Nested(1);
        Assert.True((await a.TryAcquireAsync("c1", scopes, T0, Ttl)).IsAcquired);
        Assert.True((await b.TryAcquireAsync("c2", scopes, T0, Ttl)).IsAcquired);
        Assert.False((await a.TryAcquireAsync("c3", scopes, T0, Ttl)).IsAcquired);
        Assert.Equal(1, await a.CountAsync(SlotScope.Global, T0));
        Assert.Equal(1, await b.CountAsync(SlotScope.Global, T0));
    }
}
