using Dialer.Campaigns.Tests.Support;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

/// <summary>
/// One <see cref="SlotScopeSet"/> instance used by two stores: each store must count its own leases only (the set caches
/// the resolved counters of the last store that used it, so the cache must be checked against its owner).
/// </summary>
public sealed class SharedScopeSetTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration Ttl = Duration.FromMinutes(5);

    [Fact]
    public void TwoStores_OneScopeSet_EachStoreEnforcesItsOwnLimit()
    {
        var scopes = new SlotScopeSet(new SlotScopeLimit(SlotScope.Campaign("acme", "spring"), 2));
        var first = new InMemorySlotStore();
        var second = new InMemorySlotStore();

        // Alternate between the stores so the set's cache flips owner on every call.
        Assert.True(Sync.Run(first.TryAcquireAsync("a1", scopes, T0, Ttl)).IsAcquired);
        Assert.True(Sync.Run(second.TryAcquireAsync("b1", scopes, T0, Ttl)).IsAcquired);
        Assert.True(Sync.Run(first.TryAcquireAsync("a2", scopes, T0, Ttl)).IsAcquired);
        Assert.True(Sync.Run(second.TryAcquireAsync("b2", scopes, T0, Ttl)).IsAcquired);
        Assert.False(Sync.Run(first.TryAcquireAsync("a3", scopes, T0, Ttl)).IsAcquired);
        Assert.False(Sync.Run(second.TryAcquireAsync("b3", scopes, T0, Ttl)).IsAcquired);

        Assert.True(Sync.Run(first.ReleaseAsync("a1")));
        Assert.False(Sync.Run(second.TryAcquireAsync("b3", scopes, T0, Ttl)).IsAcquired);
        Assert.True(Sync.Run(first.TryAcquireAsync("a3", scopes, T0, Ttl)).IsAcquired);
        Assert.Equal(2, first.LeaseCount);
        Assert.Equal(2, second.LeaseCount);
    }

    [Fact]
    public async Task TwoStores_OneScopeSet_RacingThreads_NeverExceedEitherLimit()
    {
        const int Limit = 3;
        var scopes = new SlotScopeSet(new SlotScopeLimit(SlotScope.Client("acme"), Limit));
        var stores = new[] { new InMemorySlotStore(), new InMemorySlotStore() };
        var held = new int[2];
        var maxSeen = new int[2];
        var violations = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var s = (t + i) % 2;
                var id = $"t{t}-{i}";
                if (!Sync.Run(stores[s].TryAcquireAsync(id, scopes, T0, Ttl)).IsAcquired)
                {
                    continue;
                }

                var now = Interlocked.Increment(ref held[s]);
                if (now > Limit)
                {
                    Interlocked.Increment(ref violations);
                }

                InterlockedMax(ref maxSeen[s], now);
                Interlocked.Decrement(ref held[s]);
                Assert.True(Sync.Run(stores[s].ReleaseAsync(id)));
            }
        })));

        Assert.Equal(0, violations);
        Assert.All(maxSeen, m => Assert.InRange(m, 1, Limit));
        Assert.All(stores, s => Assert.Equal(0, s.LeaseCount));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
