using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Redial;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.ModelBased;

/// <summary>
/// Model-based tests: random operation sequences, with close-and-reopen steps (dispose the store, open the file again),
/// give the same answers on the SQLite store as on the in-memory one (the reference). Each sequence runs on a fresh file.
/// </summary>
public sealed class StoreModelProperties
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    // ------------------------------------------------------------------ slots

    private static readonly SlotScopeSet[] Sets =
    [
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("a"), 2), new SlotScopeLimit(SlotScope.Campaign("a", "1"), 1)),
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("a"), 2), new SlotScopeLimit(SlotScope.Campaign("a", "2"), 2)),
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("b"), 1)),
        new(new SlotScopeLimit(SlotScope.ForKey("trunk"), 2), new SlotScopeLimit(SlotScope.Global, 3)),
    ];

    private static readonly Gen<Op> SlotOps = Gen.Frequency(
        (6, from call in Gen.Choose(0, 5) from set in Gen.Choose(0, Sets.Length - 1) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Acquire, call, set, ttl)),
        (2, from call in Gen.Choose(0, 5) from set in Gen.Choose(0, Sets.Length - 1) select new Op(OpKind.Check, call, set, 0)),
        (3, from call in Gen.Choose(0, 5) select new Op(OpKind.Release, call, 0, 0)),
        (2, from call in Gen.Choose(0, 5) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Renew, call, 0, ttl)),
        (3, from minutes in Gen.Choose(0, 4) select new Op(OpKind.Advance, minutes, 0, 0)),
        (1, Gen.Constant(new Op(OpKind.Reclaim, 0, 0, 0))),
        (1, Gen.Constant(new Op(OpKind.Reopen, 0, 0, 0))));

    [Property(MaxTest = 12)]
    public Property SlotStore_RandomOperationsWithReopen_AnswerLikeTheInMemoryStore() =>
        Prop.ForAll(Gen.ListOf(SlotOps).Select(l => l.Take(40).ToArray()).ToArbitrary(), ops =>
        {
            using var db = new TempDatabase();
            var store = Open(db);
            ISlotStore sqlite = store.SlotStore;
            var reference = new InMemorySlotStore();
            var now = T0;
            foreach (var op in ops)
            {
                var call = "call-" + op.A;
                switch (op.Kind)
                {
                    case OpKind.Acquire:
                    {
                        var e1 = Run(reference.TryAcquireAsync(call, Sets[op.B], now, Duration.FromMinutes(op.C)));
                        var a1 = Run(sqlite.TryAcquireAsync(call, Sets[op.B], now, Duration.FromMinutes(op.C)));
                        Assert.True(e1 == a1, $"acquire {call} set {op.B} ttl {op.C} at {now}: expected {e1}, got {a1}");
                        break;
                    }
                    case OpKind.Check:
                    {
                        var expected = Run(reference.CheckAsync(call, Sets[op.B], now));
                        var actual = Run(sqlite.CheckAsync(call, Sets[op.B], now));
                        Assert.True(expected == actual, $"check {call} set {op.B} at {now}: expected {expected}, got {actual}");
                        break;
                    }
                    case OpKind.Release:
                        Assert.Equal(Run(reference.ReleaseAsync(call)), Run(sqlite.ReleaseAsync(call)));
                        break;
                    case OpKind.Renew:
                        Assert.Equal(Run(reference.RenewAsync(call, now, Duration.FromMinutes(op.C))), Run(sqlite.RenewAsync(call, now, Duration.FromMinutes(op.C))));
                        break;
                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Reclaim:
                        Assert.Equal(Run(reference.ReclaimExpiredAsync(now)), Run(sqlite.ReclaimExpiredAsync(now)));
                        break;
                    case OpKind.Reopen:
                        store = db.Reopen(store, Fast);
                        sqlite = store.SlotStore;
                        break;
                }

                foreach (var scope in new[] { SlotScope.Global, SlotScope.Client("a"), SlotScope.Campaign("a", "1"), SlotScope.ForKey("trunk") })
                {
                    Assert.Equal(Run(reference.CountAsync(scope, now)), Run(sqlite.CountAsync(scope, now)));
                }
            }
        });

    // ------------------------------------------------------------------ redial queue

    private static readonly string[] Leads = ["a", "b", "c"];

    private static readonly Gen<Op> QueueOps = Gen.Frequency(
        (5, from lead in Gen.Choose(0, 2) from call in Gen.Choose(0, 1) from due in Gen.Choose(-5, 5) select new Op(OpKind.Enqueue, lead, call, due)),
        (4, from max in Gen.Choose(1, 3) from ttl in Gen.Choose(1, 5) from campaign in Gen.Choose(0, 2) select new Op(OpKind.Claim, max, ttl, campaign)),
        (3, from lead in Gen.Choose(0, 2) from stale in Gen.Choose(0, 3) select new Op(OpKind.Complete, lead, stale, 0)),
        (2, from lead in Gen.Choose(0, 2) from due in Gen.Choose(-1, 5) select new Op(OpKind.Release, lead, due, 0)),
        (2, from lead in Gen.Choose(0, 2) from due in Gen.Choose(0, 5) select new Op(OpKind.Reschedule, lead, due, 0)),
        (1, from lead in Gen.Choose(0, 2) select new Op(OpKind.Cancel, lead, 0, 0)),
        (3, from minutes in Gen.Choose(0, 4) select new Op(OpKind.Advance, minutes, 0, 0)),
        (1, Gen.Constant(new Op(OpKind.Reopen, 0, 0, 0))));

    [Property(MaxTest = 12)]
    public Property RedialQueue_RandomOperationsWithReopen_AnswerLikeTheInMemoryQueue() =>
        Prop.ForAll(Gen.ListOf(QueueOps).Select(l => l.Take(40).ToArray()).ToArbitrary(), ops =>
        {
            using var db = new TempDatabase();
            var store = Open(db);
            IRedialQueue sqlite = store.RedialQueue;
            var reference = new InMemoryRedialQueue();

            // Each store hands out its own claim tokens: remember each store's latest token per lead.
            var sqliteTokens = new Dictionary<string, string>();
            var refTokens = new Dictionary<string, string>();
            var now = T0;
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Enqueue:
                    {
                        // Due times differ per lead by whole seconds, so "earliest due first" never ties.
                        var lead = Leads[op.A];
                        var request = new DialRequest($"{lead}-call-{op.B}", lead, PhoneNumber.Parse("+14155550123"), "acme", op.A == 2 ? "y" : "x");
                        var entry = new RedialEntry(request, DueDialKind.Redial, 1 + op.B, now + Duration.FromMinutes(op.C) + Duration.FromSeconds(7 * op.A));
                        Assert.Equal(Run(reference.EnqueueAsync(entry, now)), Run(sqlite.EnqueueAsync(entry, now)));
                        break;
                    }

                    case OpKind.Claim:
                    {
                        var campaign = op.C == 0 ? null : op.C == 1 ? "x" : "y";
                        var expected = Run(reference.ClaimDueAsync(now, op.A, Duration.FromMinutes(op.B), campaign));
                        var actual = Run(sqlite.ClaimDueAsync(now, op.A, Duration.FromMinutes(op.B), campaign));
                        Assert.Equal(expected.Select(i => i.LeadId), actual.Select(i => i.LeadId));
                        foreach (var i in expected)
                        {
                            refTokens[i.LeadId] = i.ClaimToken!;
                        }

                        foreach (var i in actual)
                        {
                            sqliteTokens[i.LeadId] = i.ClaimToken!;
                        }

                        break;
                    }

                    case OpKind.Complete:
                    {
                        var lead = Leads[op.A];
                        var stale = op.B == 0;
                        Assert.Equal(
                            Run(reference.CompleteAsync(lead, stale ? "stale" : refTokens.GetValueOrDefault(lead, "none"), now)),
                            Run(sqlite.CompleteAsync(lead, stale ? "stale" : sqliteTokens.GetValueOrDefault(lead, "none"), now)));
                        break;
                    }

                    case OpKind.Release:
                    {
                        var lead = Leads[op.A];
                        Instant? due = op.B < 0 ? null : now + Duration.FromMinutes(op.B) + Duration.FromSeconds(7 * op.A);
                        Assert.Equal(
                            Run(reference.ReleaseAsync(lead, refTokens.GetValueOrDefault(lead, "none"), due, now)),
                            Run(sqlite.ReleaseAsync(lead, sqliteTokens.GetValueOrDefault(lead, "none"), due, now)));
                        break;
                    }

                    case OpKind.Reschedule:
                    {
                        var lead = Leads[op.A];
                        var due = now + Duration.FromMinutes(op.B) + Duration.FromSeconds(7 * op.A);
                        Assert.Equal(Run(reference.RescheduleAsync(lead, due, now)), Run(sqlite.RescheduleAsync(lead, due, now)));
                        break;
                    }

                    case OpKind.Cancel:
                        Assert.Equal(Run(reference.CancelAsync(Leads[op.A], now)), Run(sqlite.CancelAsync(Leads[op.A], now)));
                        break;
                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Reopen:
                        store = db.Reopen(store, Fast);
                        sqlite = store.RedialQueue;
                        break;
                }

                Assert.Equal(Run(reference.GetCountsAsync(now)), Run(sqlite.GetCountsAsync(now)));
                foreach (var lead in Leads)
                {
                    var e = Run(reference.GetAsync(lead));
                    var a = Run(sqlite.GetAsync(lead));
                    Assert.Equal(e is null, a is null);
                    if (e is not null)
                    {
                        Assert.Equal(e.Entry, a!.Entry);
                        Assert.Equal((e.State, e.EnqueuedAt, e.UpdatedAt, e.ClaimExpiresAt, e.ClaimCount), (a.State, a.EnqueuedAt, a.UpdatedAt, a.ClaimExpiresAt, a.ClaimCount));
                    }
                }
            }
        });

    // Durability is not what these properties check; NORMAL sync keeps each sequence fast on a shared machine.
    private static void Fast(SqliteStoreOptions o) => o.Synchronous = SqliteSynchronousMode.Normal;

    private static SqliteDialerStore Open(TempDatabase db) => db.Open(Fast);

    private static T Run<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();

    private enum OpKind
    {
        Acquire,
        Check,
        Release,
        Renew,
        Advance,
        Reclaim,
        Reopen,
        Enqueue,
        Claim,
        Complete,
        Reschedule,
        Cancel,
    }

    private sealed record Op(OpKind Kind, int A, int B, int C);
}
