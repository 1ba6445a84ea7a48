using Dialer.Core;
using Dialer.Protection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.ModelBased;

/// <summary>
/// Random ledger operation sequences (check-and-record, evaluate, void, outcomes with blocks, do-not-call add/remove,
/// purge, time steps and close-and-reopen) give the same answers on SQLite as on the in-memory ledger.
/// </summary>
public sealed class LedgerModelProperties
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
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

    private static readonly Gen<Op> Ops = Gen.Frequency(
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
    public Property Ledger_RandomOperationsWithReopen_AnswerLikeTheInMemoryLedger() =>
        Prop.ForAll(Gen.ListOf(Ops).Select(l => l.Take(50).ToArray()).ToArbitrary(), ops =>
        {
            using var db = new TempDatabase();
            var store = db.Open(o => o.Synchronous = SqliteSynchronousMode.Normal);
            IAttemptLedger sqlite = store.AttemptLedger;
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
                        AssertSame(Run(reference.TryRecordAttemptAsync(context, Rules)), Run(sqlite.TryRecordAttemptAsync(context, Rules)));
                        break;
                    }

                    case OpKind.Evaluate:
                    {
                        var context = new AttemptContext(new DialRequest("eval", LeadIds[op.B], Phones[op.A]), now, Chicago);
                        AssertSame(Run(reference.EvaluateAsync(context, Rules)), Run(sqlite.EvaluateAsync(context, Rules)));
                        break;
                    }

                    case OpKind.Void when op.A < requests.Count:
                        Assert.Equal(Run(reference.VoidAttemptAsync(requests[op.A])), Run(sqlite.VoidAttemptAsync(requests[op.A])));
                        break;
                    case OpKind.Outcome when op.A < requests.Count:
                    {
                        var request = requests[op.A];
                        var disposition = Outcomes[op.B];
                        ProtectionBlock[] blocks = disposition.Category == DispositionCategory.Final
                            ? [new ProtectionBlock(ProtectionBlock.ForOutcomeId(request.CallId, BlockKind.FinalDisposition, BlockTarget.Number), BlockKind.FinalDisposition, BlockTarget.Number, request.Phone, null, LimitScope.Global, null, now, now + Duration.FromHours(5), disposition.Code, request.CallId)]
                            : [];
                        var outcome = new CallOutcome(request, disposition, now);
                        Assert.Equal(Run(reference.RecordOutcomeAsync(outcome, blocks)), Run(sqlite.RecordOutcomeAsync(outcome, blocks)));
                        break;
                    }

                    case OpKind.AddDnc:
                    {
                        var block = ProtectionBlock.DoNotCall(Phones[op.A], "asked", now, op.B == 0 ? null : now + Duration.FromDays(op.B));
                        Run(reference.UpsertBlockAsync(block));
                        Run(sqlite.UpsertBlockAsync(block));
                        break;
                    }

                    case OpKind.RemoveDnc:
                    {
                        var id = ProtectionBlock.DoNotCallId(Phones[op.A]);
                        Assert.Equal(Run(reference.RemoveBlockAsync(id)), Run(sqlite.RemoveBlockAsync(id)));
                        break;
                    }

                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Purge:
                        // Counts may differ (the in-memory ledger trims on its own); what remains must not.
                        Run(reference.PurgeAsync(now - Duration.FromDays(2) - Duration.FromHours(op.A)));
                        Run(sqlite.PurgeAsync(now - Duration.FromDays(2) - Duration.FromHours(op.A)));
                        break;
                    case OpKind.Reopen:
                        store = db.Reopen(store, o => o.Synchronous = SqliteSynchronousMode.Normal);
                        sqlite = store.AttemptLedger;
                        break;
                }

                foreach (var phone in Phones)
                {
                    Assert.Equal(Run(reference.GetHistoryAsync(phone, T0 - Duration.FromDays(1))), Run(sqlite.GetHistoryAsync(phone, T0 - Duration.FromDays(1))));
                    Assert.Equal(Run(reference.GetBlocksAsync(phone)), Run(sqlite.GetBlocksAsync(phone)));
                }
            }
        });

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
        Advance,
        Purge,
        Reopen,
    }

    private sealed record Op(OpKind Kind, int A, int B, int C);
}
