using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Persistence.Contracts.ModelBased;

/// <summary>
/// Model-based properties every durable store must have: random operation sequences on the attempt ledger, the slot
/// store and the redial queue, with close-and-reopen steps (a process restart), give the same answers as the in-memory
/// stores (the reference). A store's test project derives a class and supplies <see cref="OpenFresh"/>; each sequence
/// runs on fresh, empty storage. Where a store may legitimately answer differently, the difference is a documented
/// virtual property here (<see cref="ReclaimsExpiredLeasesLazily"/>), never a silently weaker assertion.
/// </summary>
public abstract class StoreModelProperties
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    /// <summary>Fresh, empty storage for one sequence, with its ports open.</summary>
    protected abstract ModelStore OpenFresh();

    /// <summary>
    /// Whether the store, like the in-memory reference, removes expired leases on its own (lazily, when an acquire finds a
    /// scope full). The slot port allows either: an expired lease counts nowhere, whether it is still stored or not.
    /// When <see langword="false"/> (PostgreSQL: its migrations are additive-only and <see cref="MigrationGuard"/>
    /// rejects any <c>DELETE</c> in them, so <c>slot_acquire</c> cannot delete; expired leases stay until
    /// <see cref="ISlotStore.ReleaseAsync"/> or <see cref="ISlotStore.ReclaimExpiredAsync"/>), three answers about
    /// <em>expired</em> leases may differ and are compared only where the port fixes them: a release must succeed on
    /// both for a live lease; a renew must match unless neither store renews; the number
    /// <see cref="ISlotStore.ReclaimExpiredAsync"/> returns is not compared, but afterwards both stores must hold exactly
    /// the same live leases. Every count, check and acquire is compared exactly either way.
    /// </summary>
    protected virtual bool ReclaimsExpiredLeasesLazily => true;

    // ------------------------------------------------------------------ attempt ledger

    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
    private static readonly PhoneNumber[] Phones = [PhoneNumber.Parse("+14155550101"), PhoneNumber.Parse("+14155550102"), PhoneNumber.Parse("+14155550103")];
    private static readonly string[] LeadIds = ["lead-a", "lead-b"];
    private static readonly Disposition[] Outcomes = [Disposition.NoAnswer, Disposition.UnknownOutcome, Disposition.Sold, Disposition.Transferred];

    private static readonly ProtectionRules Rules = new(
    [
        CountLimit.DuplicateWindow(Duration.FromMinutes(10), perLead: true),
        CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(2), 3),
        CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Client, Duration.FromHours(3), 4),
        CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(4), 4),
        CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 4, Chicago),
    ]);

    private static readonly Gen<Op> LedgerOps = Gen.Frequency(
        (8, from phone in Gen.Choose(0, 2) from lead in Gen.Choose(0, 1) from subject in Gen.Choose(0, 1) select new Op(OpKind.Record, phone, lead, subject)),
        (2, from phone in Gen.Choose(0, 2) from lead in Gen.Choose(0, 1) select new Op(OpKind.Evaluate, phone, lead, 0)),
        (2, from call in Gen.Choose(0, 30) select new Op(OpKind.Void, call, 0, 0)),
        (3, from call in Gen.Choose(0, 30) from outcome in Gen.Choose(0, Outcomes.Length - 1) select new Op(OpKind.Outcome, call, outcome, 0)),
        (1, from phone in Gen.Choose(0, 2) from days in Gen.Choose(0, 2) select new Op(OpKind.AddDnc, phone, days, 0)),
        (1, from phone in Gen.Choose(0, 2) select new Op(OpKind.RemoveDnc, phone, 0, 0)),
        (4, from minutes in Gen.Choose(0, 40) select new Op(OpKind.Advance, minutes, 0, 0)),
        (1, from hours in Gen.Choose(1, 6) select new Op(OpKind.Purge, hours, 0, 0)),
        (1, Gen.Constant(new Op(OpKind.Reopen, 0, 0, 0))));

    [Property(MaxTest = 15)]
    public Property AttemptLedger_RandomOperationsWithReopen_AnswerLikeTheInMemoryLedger() =>
        Prop.ForAll(Gen.ListOf(LedgerOps).Select(l => l.Take(50).ToArray()).ToArbitrary(), ops =>
        {
            using var store = OpenFresh();
            var reference = new InMemoryAttemptLedger(Duration.FromDays(30));
            var requests = new List<DialRequest>();
            var now = T0;
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Record:
                    {
                        var request = new DialRequest($"call-{requests.Count}", LeadIds[op.B], Phones[op.A]) { SubjectKey = op.C == 0 ? null : "debt-1" };
                        requests.Add(request);
                        var context = new AttemptContext(request, now, Chicago);
                        AssertSame(Run(reference.TryRecordAttemptAsync(context, Rules)), Run(store.AttemptLedger.TryRecordAttemptAsync(context, Rules)));
                        break;
                    }

                    case OpKind.Evaluate:
                    {
                        var context = new AttemptContext(new DialRequest("eval", LeadIds[op.B], Phones[op.A]), now, Chicago);
                        AssertSame(Run(reference.EvaluateAsync(context, Rules)), Run(store.AttemptLedger.EvaluateAsync(context, Rules)));
                        break;
                    }

                    case OpKind.Void when op.A < requests.Count:
                        Assert.Equal(Run(reference.VoidAttemptAsync(requests[op.A])), Run(store.AttemptLedger.VoidAttemptAsync(requests[op.A])));
                        break;
                    case OpKind.Outcome when op.A < requests.Count:
                    {
                        var request = requests[op.A];
                        var disposition = Outcomes[op.B];
                        ProtectionBlock[] blocks = disposition.Category == DispositionCategory.Final
                            ? [new ProtectionBlock(ProtectionBlock.ForOutcomeId(request.CallId, BlockKind.FinalDisposition, BlockTarget.Number), BlockKind.FinalDisposition, BlockTarget.Number, request.Phone, null, LimitScope.Global, null, now, now + Duration.FromHours(5), disposition.Code, request.CallId)]
                            : [];
                        var outcome = new CallOutcome(request, disposition, now);
                        Assert.Equal(Run(reference.RecordOutcomeAsync(outcome, blocks)), Run(store.AttemptLedger.RecordOutcomeAsync(outcome, blocks)));
                        break;
                    }

                    case OpKind.AddDnc:
                    {
                        var block = ProtectionBlock.DoNotCall(Phones[op.A], "asked", now, op.B == 0 ? null : now + Duration.FromDays(op.B));
                        Run(reference.UpsertBlockAsync(block));
                        Run(store.AttemptLedger.UpsertBlockAsync(block));
                        break;
                    }

                    case OpKind.RemoveDnc:
                    {
                        var id = ProtectionBlock.DoNotCallId(Phones[op.A]);
                        Assert.Equal(Run(reference.RemoveBlockAsync(id)), Run(store.AttemptLedger.RemoveBlockAsync(id)));
                        break;
                    }

                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Purge:
                        // Counts may differ (the in-memory ledger trims on its own); what remains must not.
                        Run(reference.PurgeAsync(now - Duration.FromDays(2) - Duration.FromHours(op.A)));
                        Run(store.AttemptLedger.PurgeAsync(now - Duration.FromDays(2) - Duration.FromHours(op.A)));
                        break;
                    case OpKind.Reopen:
                        store.Reopen();
                        break;
                }

                foreach (var phone in Phones)
                {
                    Assert.Equal(Run(reference.GetHistoryAsync(phone, T0 - Duration.FromDays(1))), Run(store.AttemptLedger.GetHistoryAsync(phone, T0 - Duration.FromDays(1))));
                    Assert.Equal(Run(reference.GetBlocksAsync(phone)), Run(store.AttemptLedger.GetBlocksAsync(phone)));
                }
            }
        });

    // ------------------------------------------------------------------ slots

    private const int SetCount = 4;

    // Fresh sets per sequence: a SlotScopeSet caches per-store state, and each sequence builds new stores.
    private static SlotScopeSet[] NewSets() =>
    [
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("a"), 2), new SlotScopeLimit(SlotScope.Campaign("a", "1"), 1)),
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("a"), 2), new SlotScopeLimit(SlotScope.Campaign("a", "2"), 2)),
        new(new SlotScopeLimit(SlotScope.Global, 3), new SlotScopeLimit(SlotScope.Client("b"), 1)),
        new(new SlotScopeLimit(SlotScope.ForKey("trunk"), 2), new SlotScopeLimit(SlotScope.Global, 3)),
    ];

    private static readonly Gen<Op> SlotOps = Gen.Frequency(
        (6, from call in Gen.Choose(0, 5) from set in Gen.Choose(0, SetCount - 1) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Acquire, call, set, ttl)),
        (2, from call in Gen.Choose(0, 5) from set in Gen.Choose(0, SetCount - 1) select new Op(OpKind.Check, call, set, 0)),
        (3, from call in Gen.Choose(0, 5) select new Op(OpKind.Release, call, 0, 0)),
        (2, from call in Gen.Choose(0, 5) from ttl in Gen.Choose(1, 6) select new Op(OpKind.Renew, call, 0, ttl)),
        (3, from minutes in Gen.Choose(0, 4) select new Op(OpKind.Advance, minutes, 0, 0)),
        (1, Gen.Constant(new Op(OpKind.Reclaim, 0, 0, 0))),
        (1, Gen.Constant(new Op(OpKind.Reopen, 0, 0, 0))));

    [Property(MaxTest = 12)]
    public Property SlotStore_RandomOperationsWithReopen_AnswerLikeTheInMemoryStore() =>
        Prop.ForAll(Gen.ListOf(SlotOps).Select(l => l.Take(40).ToArray()).ToArbitrary(), ops =>
        {
            using var store = OpenFresh();
            var sets = NewSets();
            var lazy = ReclaimsExpiredLeasesLazily;
            var reference = new InMemorySlotStore();
            var now = T0;
            foreach (var op in ops)
            {
                var call = "call-" + op.A;
                switch (op.Kind)
                {
                    case OpKind.Acquire:
                    {
                        var e1 = Run(reference.TryAcquireAsync(call, sets[op.B], now, Duration.FromMinutes(op.C)));
                        var a1 = Run(store.SlotStore.TryAcquireAsync(call, sets[op.B], now, Duration.FromMinutes(op.C)));
                        Assert.True(e1 == a1, $"acquire {call} set {op.B} ttl {op.C} at {now}: expected {e1}, got {a1}");
                        break;
                    }
                    case OpKind.Check:
                    {
                        var expected = Run(reference.CheckAsync(call, sets[op.B], now));
                        var actual = Run(store.SlotStore.CheckAsync(call, sets[op.B], now));
                        Assert.True(expected == actual, $"check {call} set {op.B} at {now}: expected {expected}, got {actual}");
                        break;
                    }
                    case OpKind.Release:
                    {
                        var live = IsLive(reference, call, now);
                        var expected = Run(reference.ReleaseAsync(call));
                        var actual = Run(store.SlotStore.ReleaseAsync(call));
                        if (lazy)
                        {
                            Assert.Equal(expected, actual);
                        }
                        else
                        {
                            // An expired lease may have been reclaimed by the reference and not by this store: only a
                            // live lease's answer is fixed.
                            Assert.True(!live || (expected && actual), $"release of the live lease {call} at {now}: in memory {expected}, store {actual}");
                        }

                        break;
                    }

                    case OpKind.Renew:
                    {
                        var expected = Run(reference.RenewAsync(call, now, Duration.FromMinutes(op.C)));
                        var actual = Run(store.SlotStore.RenewAsync(call, now, Duration.FromMinutes(op.C)));
                        var bothGone = !lazy && expected.Status != SlotRenewStatus.Renewed && actual.Status != SlotRenewStatus.Renewed;
                        Assert.True(expected == actual || bothGone, $"renew {call} at {now}: expected {expected}, got {actual}");
                        break;
                    }

                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Reclaim:
                    {
                        var expected = Run(reference.ReclaimExpiredAsync(now));
                        var actual = Run(store.SlotStore.ReclaimExpiredAsync(now));
                        if (lazy)
                        {
                            Assert.Equal(expected, actual);
                        }

                        // Whatever the counts, afterwards both hold exactly the live leases.
                        for (var c = 0; c <= 5; c++)
                        {
                            var e = Run(reference.GetLeaseAsync("call-" + c));
                            var a = Run(store.SlotStore.GetLeaseAsync("call-" + c));
                            Assert.Equal(e?.ExpiresAt, a?.ExpiresAt);
                            Assert.Equal(e?.Scopes, a?.Scopes);
                        }

                        break;
                    }

                    case OpKind.Reopen:
                        store.Reopen();
                        break;
                }

                foreach (var scope in new[] { SlotScope.Global, SlotScope.Client("a"), SlotScope.Campaign("a", "1"), SlotScope.ForKey("trunk") })
                {
                    Assert.Equal(Run(reference.CountAsync(scope, now)), Run(store.SlotStore.CountAsync(scope, now)));
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
            using var store = OpenFresh();
            var reference = new InMemoryRedialQueue();

            // Each store hands out its own claim tokens: remember each store's latest token per lead.
            var storeTokens = new Dictionary<string, string>();
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
                        Assert.Equal(Run(reference.EnqueueAsync(entry, now)), Run(store.RedialQueue.EnqueueAsync(entry, now)));
                        break;
                    }

                    case OpKind.Claim:
                    {
                        var campaign = op.C == 0 ? null : op.C == 1 ? "x" : "y";
                        var expected = Run(reference.ClaimDueAsync(now, op.A, Duration.FromMinutes(op.B), campaign));
                        var actual = Run(store.RedialQueue.ClaimDueAsync(now, op.A, Duration.FromMinutes(op.B), campaign));
                        Assert.Equal(expected.Select(i => i.LeadId), actual.Select(i => i.LeadId));
                        foreach (var i in expected)
                        {
                            refTokens[i.LeadId] = i.ClaimToken!;
                        }

                        foreach (var i in actual)
                        {
                            storeTokens[i.LeadId] = i.ClaimToken!;
                        }

                        break;
                    }

                    case OpKind.Complete:
                    {
                        var lead = Leads[op.A];
                        var stale = op.B == 0;
                        Assert.Equal(
                            Run(reference.CompleteAsync(lead, stale ? "stale" : refTokens.GetValueOrDefault(lead, "none"), now)),
                            Run(store.RedialQueue.CompleteAsync(lead, stale ? "stale" : storeTokens.GetValueOrDefault(lead, "none"), now)));
                        break;
                    }

                    case OpKind.Release:
                    {
                        var lead = Leads[op.A];
                        Instant? due = op.B < 0 ? null : now + Duration.FromMinutes(op.B) + Duration.FromSeconds(7 * op.A);
                        Assert.Equal(
                            Run(reference.ReleaseAsync(lead, refTokens.GetValueOrDefault(lead, "none"), due, now)),
                            Run(store.RedialQueue.ReleaseAsync(lead, storeTokens.GetValueOrDefault(lead, "none"), due, now)));
                        break;
                    }

                    case OpKind.Reschedule:
                    {
                        var lead = Leads[op.A];
                        var due = now + Duration.FromMinutes(op.B) + Duration.FromSeconds(7 * op.A);
                        Assert.Equal(Run(reference.RescheduleAsync(lead, due, now)), Run(store.RedialQueue.RescheduleAsync(lead, due, now)));
                        break;
                    }

                    case OpKind.Cancel:
                        Assert.Equal(Run(reference.CancelAsync(Leads[op.A], now)), Run(store.RedialQueue.CancelAsync(Leads[op.A], now)));
                        break;
                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Reopen:
                        store.Reopen();
                        break;
                }

                Assert.Equal(Run(reference.GetCountsAsync(now)), Run(store.RedialQueue.GetCountsAsync(now)));
                foreach (var lead in Leads)
                {
                    var e = Run(reference.GetAsync(lead));
                    var a = Run(store.RedialQueue.GetAsync(lead));
                    Assert.Equal(e is null, a is null);
                    if (e is not null)
                    {
                        Assert.Equal(e.Entry, a!.Entry);
                        Assert.Equal((e.State, e.EnqueuedAt, e.UpdatedAt, e.ClaimExpiresAt, e.ClaimCount), (a.State, a.EnqueuedAt, a.UpdatedAt, a.ClaimExpiresAt, a.ClaimCount));
                    }
                }
            }
        });

    private static bool IsLive(ISlotStore store, string call, Instant now) => Run(store.GetLeaseAsync(call)) is { } lease && now < lease.ExpiresAt;

    private static void AssertSame(LedgerResult expected, LedgerResult actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.RecordedAt, actual.RecordedAt);
        Assert.Equal(expected.Reasons.Select(r => (r.Code, r.ClearsAt)).ToArray(), actual.Reasons.Select(r => (r.Code, r.ClearsAt)).ToArray());
    }

    private static T Run<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();

    private static void Run(ValueTask task) => task.AsTask().GetAwaiter().GetResult();

    private enum OpKind
    {
        Record,
        Evaluate,
        Void,
        Outcome,
        AddDnc,
        RemoveDnc,
        Purge,
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

/// <summary>
/// One store's storage as <see cref="StoreModelProperties"/> drives it: the ports, and a way to close them and open them
/// again on the same data. Disposing releases the storage (a temp file, for instance).
/// </summary>
public abstract class ModelStore : IDisposable
{
    /// <summary>The attempt ledger of the currently open store.</summary>
    public abstract IAttemptLedger AttemptLedger { get; }

    /// <summary>The slot store of the currently open store.</summary>
    public abstract ISlotStore SlotStore { get; }

    /// <summary>The redial queue of the currently open store.</summary>
    public abstract IRedialQueue RedialQueue { get; }

    /// <summary>Closes the store and opens a new one on the same data (a process restart).</summary>
    public abstract void Reopen();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the storage.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
