using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Protection.Tests.Gate;

/// <summary>
/// FsCheck properties over random sequences of requests and outcomes at non-decreasing instants (issue 4, "Must show").
/// </summary>
public sealed class ProtectionPropertyTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 7, 12, 0, 0);
    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
    private static readonly string[] Phones = ["+14155550100", "+14155550101", "+14155550102"];
    private static readonly string[] Leads = ["lead-a", "lead-b", "lead-c"];
    private static readonly string?[] Subjects = ["debt-1", "debt-2", null];
    private static readonly string[] Clients = ["acme", "globex"];

    private static readonly Disposition?[] Outcomes =
    [
        null, Disposition.NoAnswer, Disposition.AnsweringMachine, Disposition.Transferred, Disposition.Sold,
        Disposition.Conversation, Disposition.Abandoned, Disposition.UnknownOutcome, Disposition.Busy,
    ];

    // Cool-downs the model expects (independent of the handler's code): disposition code -> duration; null = for good.
    private static readonly Dictionary<string, Duration?> ExpectedBlocks = new()
    {
        ["transferred"] = Duration.FromMinutes(30),
        ["sold"] = null,
        ["conversation"] = Duration.FromHours(2),
        ["abandoned"] = Duration.FromHours(3),
    };

    private static readonly Gen<Op> OpGen =
        from phone in Gen.Choose(0, Phones.Length - 1)
        from lead in Gen.Choose(0, Leads.Length - 1)
        from subject in Gen.Choose(0, Subjects.Length - 1)
        from client in Gen.Choose(0, Clients.Length - 1)
        from delta in Gen.OneOf(Gen.Choose(0, 15), Gen.Choose(0, 240), Gen.Choose(0, 900))
        from outcome in Gen.Frequency((6, Gen.Constant(0)), (4, Gen.Choose(1, Outcomes.Length - 1)))
        select new Op(phone, lead, subject, client, delta, outcome);

    private static readonly Arbitrary<Op[]> Ops =
        (from n in Gen.Choose(1, 80) from ops in Gen.ArrayOf(OpGen, n) select ops).ToArbitrary();

    private static void Configure(ProtectionOptions o)
    {
        o.MaxDailyAttemptsPerNumber = 3;
        o.ConversationCooldown = TimeSpan.FromHours(2);
        o.AbandonedCooldown = TimeSpan.FromHours(3);
        o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Number, Window = TimeSpan.FromHours(24), MaxAttempts = 4 });
        o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Subject, Window = TimeSpan.FromHours(24), MaxAttempts = 5 });
        o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Lead, Scope = LimitScope.Client, Window = TimeSpan.FromHours(12), MaxAttempts = 3 });
    }

    [Property(MaxTest = 300)]
    public Property Admit_AnySequence_AdmittedAttemptsNeverViolateAnyWindowCapOrBlock() =>
        Prop.ForAll(Ops, ops =>
        {
            var h = new ProtectionHarness(Configure);
            var admitted = new List<Admitted>();
            var blocks = new List<(PhoneNumber Phone, int CreatedAfter, Instant? Until)>();
            var at = T0;
            var n = 0;
            foreach (var op in ops)
            {
                at += Duration.FromMinutes(op.Delta);
                var request = Request(op, n++);
                var decision = h.AdmitAsync(request, at).GetAwaiter().GetResult();
                if (decision.IsAllowed)
                {
                    admitted.Add(new Admitted(request, at, n));
                    if (Outcomes[op.Outcome] is { } outcome)
                    {
                        h.ReportAsync(request, outcome, at).GetAwaiter().GetResult();
                        if (ExpectedBlocks.TryGetValue(outcome.Code, out var duration))
                        {
                            blocks.Add((request.Phone, n, duration is { } d ? at + d : null));
                        }
                    }
                }
            }

            foreach (var a in admitted)
            {
                var phone = a.Request.Phone;
                Assert.Equal(1, admitted.Count(b => b.Request.Phone == phone && Math.Abs((b.At - a.At).TotalMinutes) < 10));
                var day = a.At.InZone(Chicago).Date;
                Assert.True(admitted.Count(b => b.Request.Phone == phone && b.At.InZone(Chicago).Date == day) <= 3, "daily cap");
                Assert.True(CountIn(admitted, a, Duration.FromHours(24), b => b.Request.Phone == phone) <= 4, "number cap");
                if (a.Request.SubjectKey is { } subject)
                {
                    Assert.True(CountIn(admitted, a, Duration.FromHours(24), b => b.Request.SubjectKey == subject) <= 5, "subject cap");
                }

                Assert.True(CountIn(admitted, a, Duration.FromHours(12), b => b.Request.LeadId == a.Request.LeadId && b.Request.ClientId == a.Request.ClientId) <= 3, "lead cap");
                // No attempt admitted after an outcome's block was created falls inside it.
                Assert.DoesNotContain(blocks, b => b.Phone == phone && a.Index > b.CreatedAfter && (b.Until is null || a.At < b.Until));
            }
        });

    [Property(MaxTest = 300)]
    public Property Admit_AtADenialsNextEligibleInstant_IsAllowedIfNothingElseHappened() =>
        Prop.ForAll(Ops, OpGen.ToArbitrary(), (ops, last) =>
        {
            var h = new ProtectionHarness(Configure);
            var at = T0;
            var n = 0;
            foreach (var op in ops)
            {
                at += Duration.FromMinutes(op.Delta);
                var request = Request(op, n++);
                if (h.AdmitAsync(request, at).GetAwaiter().GetResult().IsAllowed && Outcomes[op.Outcome] is { } outcome)
                {
                    h.ReportAsync(request, outcome, at).GetAwaiter().GetResult();
                }
            }

            at += Duration.FromMinutes(last.Delta);
            var decision = h.AdmitAsync(Request(last, n++), at).GetAwaiter().GetResult();
            if (decision.IsAllowed)
            {
                return;
            }

            if (decision.NextEligibleAt is not { } next)
            {
                Assert.Contains(decision.Reasons, r => r.ClearsAt is null);
                return;
            }

            Assert.True(next > at, $"next eligible {next} is not after {at}");
            var retry = h.AdmitAsync(Request(last, n), next).GetAwaiter().GetResult();
            Assert.True(retry.IsAllowed, $"denied at next eligible {next}: {retry}");
        });

    [Property(MaxTest = 200)]
    public Property TryRecord_InMemoryLedger_AgreesWithTheReferenceDecider() =>
        Prop.ForAll(Ops, ops =>
        {
            var ledger = new InMemoryAttemptLedger();
            var options = new ProtectionOptions();
            Configure(options);
            var rules = new ProtectionGate(ledger, options).Rules;
            var history = new List<AttemptEntry>();
            var at = T0;
            var n = 0;
            foreach (var op in ops)
            {
                at += Duration.FromMinutes(op.Delta);
                var context = new AttemptContext(Request(op, n++), at, Chicago);
                var expected = ProtectionDecider.Decide(context, rules, history, []);
                var pending = ledger.TryRecordAttemptAsync(context, rules);
                Assert.True(pending.IsCompletedSuccessfully, "the in-memory ledger completes synchronously");
                var actual = pending.Result;
                Assert.Equal(expected.IsAllowed, actual.IsAllowed);
                Assert.Equal(expected.Reasons.Select(r => (r.Code, r.ClearsAt)), actual.Reasons.Select(r => (r.Code, r.ClearsAt)));
                if (actual.IsAllowed)
                {
                    history.Add(AttemptEntry.FromRequest(context.Request, at));
                }
            }
        });

    private static int CountIn(List<Admitted> admitted, Admitted a, Duration window, Func<Admitted, bool> sameKey) =>
        admitted.Count(b => sameKey(b) && b.At > a.At - window && b.At <= a.At);

    private static DialRequest Request(Op op, int n) =>
        new($"call-{n}", Leads[op.Lead], PhoneNumber.Parse(Phones[op.Phone]), Clients[op.Client])
        {
            SubjectKey = Subjects[op.Subject],
            CalleeZoneId = "America/Chicago",
        };

    public readonly record struct Op(int Phone, int Lead, int Subject, int Client, int Delta, int Outcome);

    private sealed record Admitted(DialRequest Request, Instant At, int Index);
}
