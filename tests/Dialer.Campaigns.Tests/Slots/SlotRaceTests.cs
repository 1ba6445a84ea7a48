using Dialer.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

/// <summary>Sixteen threads acquire and release across nested scopes; no scope ever holds more than its limit.</summary>
public sealed class SlotRaceTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    [Fact]
    public async Task AcquireRelease_SixteenThreadsAcrossNestedScopes_NeverExceedAnyLimit()
    {
        var options = new SlotOptions
        {
            GlobalMaxCalls = 4,
            Clients = { ["a"] = new SlotLimitOptions { MaxConcurrentCalls = 3 }, ["b"] = new SlotLimitOptions { MaxConcurrentCalls = 2 } },
            DefaultCampaignMaxCalls = 1,
        };
        using var slots = new SlotManager(new InMemorySlotStore(), options, TestClock.At(T0));
        (string Client, string Campaign)[] pairs = [("a", "1"), ("a", "2"), ("a", "3"), ("b", "1"), ("b", "2")];
        var limits = new Dictionary<SlotScope, int> { [SlotScope.Global] = 4, [SlotScope.Client("a")] = 3, [SlotScope.Client("b")] = 2 };
        foreach (var (c, k) in pairs)
        {
            limits[SlotScope.Campaign(c, k)] = 1;
        }

        var held = limits.Keys.ToDictionary(s => s, _ => new StrongBox<int>());
        var maxSeen = limits.Keys.ToDictionary(s => s, _ => new StrongBox<int>());
        long granted = 0;
        using var start = new Barrier(16);
        var threads = Enumerable.Range(0, 16).Select(t => Task.Factory.StartNew(
            async () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 2_000; i++)
                {
                    var (client, campaign) = pairs[(t + i) % pairs.Length];
                    var scopes = slots.ScopesFor(client, campaign);
                    var callId = $"t{t}-{i}";
                    var r = await slots.TryAcquireAsync(callId, scopes, T0);
                    if (!r.IsAcquired)
                    {
                        continue;
                    }

                    Interlocked.Increment(ref granted);
                    foreach (var s in scopes)
                    {
                        var now = Interlocked.Increment(ref held[s.Scope].Value);
                        int seen;
                        while (now > (seen = Volatile.Read(ref maxSeen[s.Scope].Value)) && Interlocked.CompareExchange(ref maxSeen[s.Scope].Value, now, seen) != seen)
                        {
                        }
                    }

                    // Hold the slot across a reschedule so that many holders overlap (2 cores, 16 threads).
                    Thread.Yield();
                    foreach (var s in scopes)
                    {
                        Interlocked.Decrement(ref held[s.Scope].Value);
                    }

                    Assert.True(await slots.ReleaseAsync(callId));
                    Assert.False(await slots.ReleaseAsync(callId));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        await Task.WhenAll(threads);

        Assert.True(granted > 1_000, $"only {granted} acquisitions succeeded; the race did not exercise the limits");
        Assert.True(maxSeen[SlotScope.Global].Value >= 2, "holders never overlapped; the race did not exercise the limits");
        foreach (var (scope, limit) in limits)
        {
            Assert.InRange(maxSeen[scope].Value, 1, limit);
            Assert.Equal(0, await slots.Store.CountAsync(scope, T0));
        }
    }

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
