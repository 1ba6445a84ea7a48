using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

/// <summary>
/// Random acquire/renew/release/expire/reclaim sequences over nested and overlapping scopes, run on
/// <see cref="InMemorySlotStore"/> and on a naive model written from the port's contract: every answer agrees, held
/// leases never exceed any scope's limit, counts never go negative, and every lease ends released or reclaimed.
/// </summary>
public sealed class SlotStoreProperties
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    private static readonly SlotScope G = SlotScope.Global;
    private static readonly SlotScope CA = SlotScope.Client("a");
    private static readonly SlotScope CB = SlotScope.Client("b");
    private static readonly SlotScope A1 = SlotScope.Campaign("a", "1");
    private static readonly SlotScope A2 = SlotScope.Campaign("a", "2");
    private static readonly SlotScope B1 = SlotScope.Campaign("b", "1");
    private static readonly SlotScope K = SlotScope.ForKey("trunk");

    private static readonly Dictionary<SlotScope, int> Limits = new() { [G] = 4, [CA] = 3, [CB] = 2, [A1] = 2, [A2] = 2, [B1] = 1, [K] = 2 };

    private static readonly SlotScope[][] SetScopes = [[G, CA, A1], [G, CA, A2], [G, CB, B1], [G, CA, A1, K], [K]];

    private static readonly Gen<Op> Ops = Gen.Frequency(
        (6, from call in Gen.Choose(0, 9) from set in Gen.Choose(0, SetScopes.Length - 1) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Acquire, call, set, ttl)),
        (4, from call in Gen.Choose(0, 9) select new Op(OpKind.Release, call, 0, 0)),
        (2, from call in Gen.Choose(0, 9) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Renew, call, 0, ttl)),
        (3, from minutes in Gen.Choose(0, 4) select new Op(OpKind.Advance, minutes, 0, 0)),
        (1, Gen.Constant(new Op(OpKind.Reclaim, 0, 0, 0))));

    [Property(MaxTest = 300)]
    public Property Operations_AnySequence_AgreeWithTheModelAndKeepEveryLimit() =>
        Prop.ForAll(Gen.ListOf(Ops).Select(l => l.ToArray()).ToArbitrary(), ops =>
        {
            var sets = SetScopes.Select(s => new SlotScopeSet(s.Select(x => new SlotScopeLimit(x, Limits[x])))).ToArray();
            var store = new InMemorySlotStore();
            var model = new Dictionary<string, (int Set, Instant ExpiresAt)>();
            var now = T0;
            foreach (var op in ops)
            {
                var call = "call-" + op.A;
                switch (op.Kind)
                {
                    case OpKind.Acquire:
                        Acquire(store, model, sets, call, op.B, Duration.FromMinutes(op.C), now);
                        break;
                    case OpKind.Release:
                    {
                        var released = Run(store.ReleaseAsync(call));
                        if (model.TryGetValue(call, out var held))
                        {
                            if (now < held.ExpiresAt)
                            {
                                Assert.True(released);
                            }

                            model.Remove(call);
                        }
                        else
                        {
                            Assert.False(released);
                        }

                        break;
                    }

                    case OpKind.Renew:
                    {
                        var ttl = Duration.FromMinutes(op.C);
                        var renewed = Run(store.RenewAsync(call, now, ttl));
                        if (!model.TryGetValue(call, out var held))
                        {
                            Assert.Equal(SlotRenewResult.NotHeld, renewed);
                        }
                        else if (now < held.ExpiresAt)
                        {
                            var expected = now + ttl > held.ExpiresAt ? now + ttl : held.ExpiresAt;
                            Assert.Equal(SlotRenewResult.Renewed(expected), renewed);
                            model[call] = (held.Set, expected);
                        }
                        else
                        {
                            Assert.NotEqual(SlotRenewStatus.Renewed, renewed.Status);
                            if (renewed.Status == SlotRenewStatus.NotHeld)
                            {
                                model.Remove(call);
                            }
                        }

                        break;
                    }

                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Reclaim:
                    {
                        var expired = model.Where(kv => kv.Value.ExpiresAt <= now).Select(kv => kv.Key).ToList();
                        var n = Run(store.ReclaimExpiredAsync(now));
                        Assert.InRange(n, 0, expired.Count);
                        expired.ForEach(c => model.Remove(c));
                        break;
                    }
                }

                CheckCounts(store, model, now);
            }

            // Every lease ends: after the longest ttl nothing is live, and a reclaim leaves nothing behind.
            now += Duration.FromMinutes(7);
            Run(store.ReclaimExpiredAsync(now));
            foreach (var scope in Limits.Keys)
            {
                Assert.Equal(0, Run(store.CountAsync(scope, now)));
            }

            Assert.Equal(0, store.LeaseCount);
            Assert.Equal(store.AcquiredTotal, store.ReleasedTotal + store.ReclaimedTotal);
        });

    private static void Acquire(InMemorySlotStore store, Dictionary<string, (int Set, Instant ExpiresAt)> model, SlotScopeSet[] sets, string call, int set, Duration ttl, Instant now)
    {
        var result = Run(store.TryAcquireAsync(call, sets[set], now, ttl));
        if (model.TryGetValue(call, out var held) && now < held.ExpiresAt)
        {
            Assert.Equal(SlotAcquireResult.Acquired(held.ExpiresAt, alreadyHeld: true), result);
            return;
        }

        model.Remove(call);
        for (var i = 0; i < SetScopes[set].Length; i++)
        {
            var scope = SetScopes[set][i];
            var live = Live(model, scope, now).ToList();
            if (live.Count >= Limits[scope])
            {
                Instant? clears = live.Count == 0 ? null : live.Min();
                Assert.Equal(SlotAcquireResult.Full(i, scope, clears), result);
                return;
            }
        }

        Assert.Equal(SlotAcquireResult.Acquired(now + ttl), result);
        model[call] = (set, now + ttl);
    }

    private static void CheckCounts(InMemorySlotStore store, Dictionary<string, (int Set, Instant ExpiresAt)> model, Instant now)
    {
        foreach (var (scope, limit) in Limits)
        {
            var count = Run(store.CountAsync(scope, now));
            Assert.Equal(Live(model, scope, now).Count(), count);
            Assert.InRange(count, 0, limit);
        }

        Assert.Equal(store.AcquiredTotal, store.ReleasedTotal + store.ReclaimedTotal + store.LeaseCount);
    }

    private static IEnumerable<Instant> Live(Dictionary<string, (int Set, Instant ExpiresAt)> model, SlotScope scope, Instant now) =>
        model.Values.Where(v => now < v.ExpiresAt && SetScopes[v.Set].Contains(scope)).Select(v => v.ExpiresAt);

    private static T Run<T>(ValueTask<T> pending)
    {
        Assert.True(pending.IsCompletedSuccessfully, "in-memory store operations complete synchronously");
        return pending.Result;
    }

    private enum OpKind
    {
        Acquire,
        Release,
        Renew,
        Advance,
        Reclaim,
    }

    private sealed record Op(OpKind Kind, int A, int B, int C)
    {
        public override string ToString() => $"{Kind}({A},{B},{C})";
    }
}
