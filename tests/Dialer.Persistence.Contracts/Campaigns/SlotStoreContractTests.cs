using Dialer.Campaigns;
using NodaTime;

namespace Dialer.Persistence.Contracts.Campaigns;

/// <summary>
/// The behaviour every <see cref="ISlotStore"/> must have. A store's test project derives a class and supplies a fresh,
/// empty store (and, for durable stores, a way to close and reopen it).
/// </summary>
public abstract class SlotStoreContractTests : IAsyncLifetime
{
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    protected static readonly Duration Ttl = Duration.FromMinutes(5);

    private readonly List<ISlotStore> _stores = [];

    /// <summary>A new, empty store.</summary>
    protected abstract ValueTask<ISlotStore> CreateStoreAsync();

    /// <summary>Closes <paramref name="store"/> and opens it again on the same data. In-memory stores return it unchanged.</summary>
    protected virtual ValueTask<ISlotStore> ReopenAsync(ISlotStore store) => ValueTask.FromResult(store);

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

    protected async Task<ISlotStore> NewStoreAsync()
    {
        var s = await CreateStoreAsync();
        _stores.Add(s);
        return s;
    }

    protected static SlotScopeSet Scopes(int global, int client, int campaign, string clientId = "acme", string campaignId = "spring") =>
        new(
            new SlotScopeLimit(SlotScope.Global, global),
            new SlotScopeLimit(SlotScope.Client(clientId), client),
            new SlotScopeLimit(SlotScope.Campaign(clientId, campaignId), campaign));

    [Fact]
    public async Task TryAcquire_UnderEveryLimit_GrantsLeaseUntilNowPlusTtl()
    {
        var store = await NewStoreAsync();
        var r = await store.TryAcquireAsync("c1", Scopes(10, 5, 2), T0, Ttl);
        Assert.True(r.IsAcquired);
        Assert.False(r.WasAlreadyHeld);
        Assert.Equal(T0 + Ttl, r.ExpiresAt);
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0));
        Assert.Equal(1, await store.CountAsync(SlotScope.Client("acme"), T0));
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
    }

    [Fact]
    public async Task TryAcquire_SameCallIdAgain_IsIdempotentAndTakesNothingMore()
    {
        var store = await NewStoreAsync();
        var first = await store.TryAcquireAsync("c1", Scopes(10, 5, 2), T0, Ttl);
        var retry = await store.TryAcquireAsync("c1", Scopes(10, 5, 2), T0 + Duration.FromSeconds(30), Ttl);
        Assert.True(retry.IsAcquired);
        Assert.True(retry.WasAlreadyHeld);
        Assert.Equal(first.ExpiresAt, retry.ExpiresAt);
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
    }

    [Fact]
    public async Task TryAcquire_InnermostScopeFull_IsRefusedAndTakesNothingInOuterScopes()
    {
        var store = await NewStoreAsync();
        Assert.True((await store.TryAcquireAsync("c1", Scopes(10, 5, 1), T0, Ttl)).IsAcquired);
        var r = await store.TryAcquireAsync("c2", Scopes(10, 5, 1), T0 + Duration.FromSeconds(10), Ttl);
        Assert.False(r.IsAcquired);
        Assert.Equal(2, r.FullScopeIndex);
        Assert.Equal(SlotScope.Campaign("acme", "spring"), r.FullScope);
        Assert.Equal(T0 + Ttl, r.ClearsAt);
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0));
        Assert.Equal(1, await store.CountAsync(SlotScope.Client("acme"), T0));
        Assert.Null(await store.GetLeaseAsync("c2"));
    }

    [Fact]
    public async Task TryAcquire_OuterScopeFullFromAnotherClient_ReportsTheOuterScope()
    {
        var store = await NewStoreAsync();
        Assert.True((await store.TryAcquireAsync("c1", Scopes(1, 5, 5, "acme"), T0, Ttl)).IsAcquired);
        var r = await store.TryAcquireAsync("c2", Scopes(1, 5, 5, "globex"), T0, Ttl);
        Assert.False(r.IsAcquired);
        Assert.Equal(0, r.FullScopeIndex);
        Assert.Equal(SlotScope.Global, r.FullScope);
        Assert.Equal(0, await store.CountAsync(SlotScope.Client("globex"), T0));
    }

    [Fact]
    public async Task TryAcquire_FullScope_ClearsAtIsTheEarliestLiveExpiryInThatScope()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("late", Scopes(10, 10, 2), T0 + Duration.FromMinutes(1), Ttl);
        await store.TryAcquireAsync("early", Scopes(10, 10, 2), T0, Ttl);
        await store.TryAcquireAsync("other-campaign", Scopes(10, 10, 2, "acme", "autumn"), T0 - Duration.FromMinutes(1), Ttl);
        var r = await store.TryAcquireAsync("c3", Scopes(10, 10, 2), T0 + Duration.FromMinutes(2), Ttl);
        Assert.False(r.IsAcquired);
        Assert.Equal(T0 + Ttl, r.ClearsAt);
    }

    [Fact]
    public async Task TryAcquire_LimitZero_IsRefusedWithNoClearInstant()
    {
        var store = await NewStoreAsync();
        var r = await store.TryAcquireAsync("c1", Scopes(10, 0, 2), T0, Ttl);
        Assert.False(r.IsAcquired);
        Assert.Equal(SlotScope.Client("acme"), r.FullScope);
        Assert.Null(r.ClearsAt);
    }

    [Fact]
    public async Task TryAcquire_ScopeFullOnlyOfExpiredLeases_IsGranted()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        var r = await store.TryAcquireAsync("c2", Scopes(10, 10, 1), T0 + Ttl, Ttl);
        Assert.True(r.IsAcquired);
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0 + Ttl));
    }

    [Fact]
    public async Task TryAcquire_SameCallIdAfterItsLeaseExpired_TakesAFreshLease()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        var r = await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0 + Ttl + Duration.FromSeconds(1), Ttl);
        Assert.True(r.IsAcquired);
        Assert.False(r.WasAlreadyHeld);
        Assert.Equal(T0 + Ttl + Duration.FromSeconds(1) + Ttl, r.ExpiresAt);
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0 + Ttl + Duration.FromSeconds(1)));
    }

    [Fact]
    public async Task TryAcquire_AtExactlyTheExpiryInstant_TreatsTheLeaseAsExpired()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        Assert.False((await store.TryAcquireAsync("c2", Scopes(10, 10, 1), T0 + Ttl - Duration.FromTicks(1), Ttl)).IsAcquired);
        Assert.True((await store.TryAcquireAsync("c3", Scopes(10, 10, 1), T0 + Ttl, Ttl)).IsAcquired);
    }

    [Fact]
    public async Task Release_Twice_FreesOneSlotOnceAndNeverGoesNegative()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 2), T0, Ttl);
        await store.TryAcquireAsync("c2", Scopes(10, 10, 2), T0, Ttl);
        Assert.True(await store.ReleaseAsync("c1"));
        Assert.False(await store.ReleaseAsync("c1"));
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0));
        Assert.True(await store.ReleaseAsync("c2"));
        Assert.False(await store.ReleaseAsync("c2"));
        Assert.Equal(0, await store.CountAsync(SlotScope.Global, T0));
    }

    [Fact]
    public async Task Release_UnknownCallId_ReturnsFalse()
    {
        var store = await NewStoreAsync();
        Assert.False(await store.ReleaseAsync("never"));
    }

    [Fact]
    public async Task Release_ThenAcquire_ReusesTheSlot()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        await store.ReleaseAsync("c1");
        Assert.True((await store.TryAcquireAsync("c2", Scopes(10, 10, 1), T0, Ttl)).IsAcquired);
    }

    [Fact]
    public async Task Renew_LiveLease_ExtendsItsExpiry()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        var at = T0 + Duration.FromMinutes(4);
        var r = await store.RenewAsync("c1", at, Ttl);
        Assert.Equal(SlotRenewResult.Renewed(at + Ttl), r);
        Assert.Equal(at + Ttl, (await store.GetLeaseAsync("c1"))!.ExpiresAt);
        var refused = await store.TryAcquireAsync("c2", Scopes(10, 10, 1), T0 + Ttl + Duration.FromMinutes(1), Ttl);
        Assert.False(refused.IsAcquired);
        Assert.Equal(at + Ttl, refused.ClearsAt);
    }

    [Fact]
    public async Task Renew_ExpiredLease_IsNotResurrected()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        Assert.Equal(SlotRenewResult.Expired, await store.RenewAsync("c1", T0 + Ttl, Ttl));
        Assert.Equal(0, await store.CountAsync(SlotScope.Global, T0 + Ttl));
    }

    [Fact]
    public async Task Renew_UnknownOrReleased_IsNotHeld()
    {
        var store = await NewStoreAsync();
        Assert.Equal(SlotRenewResult.NotHeld, await store.RenewAsync("never", T0, Ttl));
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        await store.ReleaseAsync("c1");
        Assert.Equal(SlotRenewResult.NotHeld, await store.RenewAsync("c1", T0, Ttl));
    }

    [Fact]
    public async Task ReclaimExpired_CountsOrphansAndFreesTheirSlots()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("orphan-1", Scopes(10, 10, 3), T0, Ttl);
        await store.TryAcquireAsync("orphan-2", Scopes(10, 10, 3), T0 + Duration.FromSeconds(1), Ttl);
        await store.TryAcquireAsync("live", Scopes(10, 10, 3), T0 + Duration.FromMinutes(3), Ttl);
        var at = T0 + Ttl + Duration.FromSeconds(1);
        Assert.Equal(2, await store.ReclaimExpiredAsync(at));
        Assert.Equal(0, await store.ReclaimExpiredAsync(at));
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), at));
        Assert.Null(await store.GetLeaseAsync("orphan-1"));
        Assert.False(await store.ReleaseAsync("orphan-1"));
        Assert.NotNull(await store.GetLeaseAsync("live"));
    }

    [Fact]
    public async Task Count_ExpiredButNotReclaimedLease_IsNotCounted()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 3), T0, Ttl);
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0 + Ttl - Duration.FromTicks(1)));
        Assert.Equal(0, await store.CountAsync(SlotScope.Global, T0 + Ttl));
        Assert.Equal(0, await store.CountAsync(SlotScope.ForKey("unused"), T0));
    }

    [Fact]
    public async Task Check_DoesNotTakeASlot()
    {
        var store = await NewStoreAsync();
        var check = await store.CheckAsync("c1", Scopes(10, 10, 1), T0);
        Assert.True(check.IsAcquired);
        Assert.Equal(0, await store.CountAsync(SlotScope.Global, T0));
        Assert.Null(await store.GetLeaseAsync("c1"));
    }

    [Fact]
    public async Task Check_FullScope_ReportsLikeAcquire_AndAHeldCallIsAvailable()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 1), T0, Ttl);
        var other = await store.CheckAsync("c2", Scopes(10, 10, 1), T0);
        Assert.False(other.IsAcquired);
        Assert.Equal(SlotScope.Campaign("acme", "spring"), other.FullScope);
        Assert.Equal(T0 + Ttl, other.ClearsAt);
        var self = await store.CheckAsync("c1", Scopes(10, 10, 1), T0);
        Assert.True(self.IsAcquired);
        Assert.True(self.WasAlreadyHeld);
        Assert.Equal(T0 + Ttl, self.ExpiresAt);
    }

    [Fact]
    public async Task GetLease_ReturnsItsScopesAndInstants()
    {
        var store = await NewStoreAsync();
        var scopes = new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, 5), new SlotScopeLimit(SlotScope.ForKey("trunk-a"), 2));
        await store.TryAcquireAsync("c1", scopes, T0, Ttl);
        var lease = await store.GetLeaseAsync("c1");
        Assert.NotNull(lease);
        Assert.Equal("c1", lease.CallId);
        Assert.Equal([SlotScope.Global, SlotScope.ForKey("trunk-a")], lease.Scopes);
        Assert.Equal(T0, lease.AcquiredAt);
        Assert.Equal(T0 + Ttl, lease.ExpiresAt);
    }

    [Fact]
    public async Task Reopen_KeepsLeasesAndCounts()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 2), T0, Ttl);
        await store.TryAcquireAsync("c2", Scopes(10, 10, 2), T0, Ttl);
        await store.ReleaseAsync("c2");
        store = await ReopenAsync(store);
        Assert.Equal(1, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
        Assert.True((await store.TryAcquireAsync("c1", Scopes(10, 10, 2), T0, Ttl)).WasAlreadyHeld);
        Assert.False(await store.ReleaseAsync("c2"));
        Assert.True(await store.ReleaseAsync("c1"));
    }

    [Fact]
    public async Task TryAcquire_ManyConcurrentCallers_NeverExceedTheLimit()
    {
        var store = await NewStoreAsync();
        const int Limit = 5;
        var scopes = Scopes(100, 100, Limit);
        var tasks = Enumerable.Range(0, 40)
            .Select(i => Task.Run(async () => (await store.TryAcquireAsync("race-" + i, scopes, T0, Ttl)).IsAcquired))
            .ToArray();
        var granted = (await Task.WhenAll(tasks)).Count(x => x);
        Assert.Equal(Limit, granted);
        Assert.Equal(Limit, await store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
    }

    [Fact]
    public async Task Release_ManyConcurrentDuplicates_ReleaseExactlyOnce()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("c1", Scopes(10, 10, 2), T0, Ttl);
        await store.TryAcquireAsync("c2", Scopes(10, 10, 2), T0, Ttl);
        var tasks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await store.ReleaseAsync("c1"))).ToArray();
        Assert.Equal(1, (await Task.WhenAll(tasks)).Count(x => x));
        Assert.Equal(1, await store.CountAsync(SlotScope.Global, T0));
    }
}

/// <summary>Runs the slot store contract on <see cref="InMemorySlotStore"/>.</summary>
public sealed class InMemorySlotStoreContractTests : SlotStoreContractTests
{
    protected override ValueTask<ISlotStore> CreateStoreAsync() => ValueTask.FromResult<ISlotStore>(new InMemorySlotStore());
}
