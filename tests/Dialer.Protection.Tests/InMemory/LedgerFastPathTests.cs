using System.Collections.Concurrent;
using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Protection.Tests.InMemory;

/// <summary>
/// The in-memory ledger's fused fast path (rules keyed by the number with global scope, no blocks: a single stripe lock
/// and a count of instants from the newest attempt back) must decide exactly like the reference decider.
/// </summary>
public sealed class LedgerFastPathTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 7, 12, 0, 0);
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");
    private static readonly string[] ZoneIds = ["America/Chicago", "Asia/Tokyo", "America/Havana", "Pacific/Apia", "Australia/Lord_Howe"];

    private static readonly Gen<CountLimit> NumberGlobalLimit = Gen.OneOf(
        // Small windows and offsets too, so attempts land exactly on window boundaries often.
        from minutes in Gen.OneOf(Gen.Choose(1, 30), Gen.Choose(1, 600)) select CountLimit.DuplicateWindow(Duration.FromMinutes(minutes)),
        from minutes in Gen.OneOf(Gen.Choose(1, 30), Gen.Choose(1, 3000))
        from max in Gen.Choose(1, 5)
        select CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromMinutes(minutes), max),
        from zone in Gen.Choose(-1, ZoneIds.Length - 1)
        from max in Gen.Choose(1, 5)
        select CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, max, zone < 0 ? null : DateTimeZoneProviders.Tzdb[ZoneIds[zone]]));

    private static readonly Arbitrary<Case> Cases =
        (from limitCount in Gen.Choose(0, 3)
         from limits in Gen.ArrayOf(NumberGlobalLimit, limitCount)
         from offsets in Gen.ArrayOf(Gen.OneOf(Gen.Choose(-3000, 60), Gen.Choose(-30, 5)), 8)
         from count in Gen.Choose(0, 8)
         from zone in Gen.Choose(0, ZoneIds.Length - 1)
         select new Case(limits, offsets[..count], ZoneIds[zone])).ToArbitrary();

    [Property(MaxTest = 500)]
    public Property AnyLimitReached_RandomNumberRulesAndHistories_IsExactlyWhenTheDeciderGivesALimitReason() =>
        Prop.ForAll(Cases, c =>
        {
            var rules = new ProtectionRules(c.Limits);
            var logged = c.OffsetsMinutes
                .Select((m, i) => new LoggedAttempt(new DialRequest("old-" + i, "lead-" + (i % 3), Phone), 0, T0 + Duration.FromMinutes(m)))
                .OrderBy(e => e.RecordedAt)
                .ToArray();
            var history = logged.Select(e => e.ToEntry()).ToArray();
            var context = new AttemptContext(new DialRequest("new", "lead-x", Phone), T0, DateTimeZoneProviders.Tzdb[c.ZoneId]);

            var reference = ProtectionDecider.Decide(context, rules, history.AsSpan(), ReadOnlySpan<ProtectionBlock>.Empty);
            var reached = InMemoryAttemptLedger.AnyLimitReached(context, rules, logged, new DayBoundsCache());

            Assert.True(rules.NumberGlobalOnly);
            Assert.Equal(!reference.IsAllowed, reached);
        });

    [Property(MaxTest = 200)]
    public Property TryRecord_NumberRules_AgreesWithTheReferenceDeciderIncludingBlocksAppearingMidway() =>
        Prop.ForAll(Cases, Gen.ArrayOf(Gen.Choose(0, 40), 30).ToArbitrary(), (c, steps) =>
        {
            var rules = new ProtectionRules(c.Limits);
            var zone = DateTimeZoneProviders.Tzdb[c.ZoneId];
            var ledger = new InMemoryAttemptLedger();
            var histories = new Dictionary<PhoneNumber, List<AttemptEntry>>();
            var blocks = new List<ProtectionBlock>();
            var phones = new[] { Phone, PhoneNumber.Parse("+14155550124") };
            var at = T0;
            for (var n = 0; n < steps.Length; n++)
            {
                at += Duration.FromMinutes(steps[n] * 7);
                var phone = phones[steps[n] % 2];
                if (n == 20)
                {
                    // A do-not-call block on one number: that number leaves the fast path, the other stays on it.
                    var block = new ProtectionBlock("dnc-" + n, BlockKind.DoNotCall, BlockTarget.Number, phone, null, LimitScope.Global, null, at, at + Duration.FromHours(1), "test", null);
                    ledger.UpsertBlockAsync(block).AsTask().GetAwaiter().GetResult();
                    blocks.Add(block);
                }

                var context = new AttemptContext(new DialRequest("call-" + n, "lead-" + n, phone), at, zone);
                var history = histories.TryGetValue(phone, out var h) ? h : histories[phone] = [];
                var expected = ProtectionDecider.Decide(context, rules, history, blocks.Where(b => b.Phone == phone));
                var pending = ledger.TryRecordAttemptAsync(context, rules);
                Assert.True(pending.IsCompletedSuccessfully);
                var actual = pending.Result;
                Assert.Equal(expected.IsAllowed, actual.IsAllowed);
                Assert.Equal(expected.Reasons.Select(r => (r.Code, r.ClearsAt)), actual.Reasons.Select(r => (r.Code, r.ClearsAt)));
                if (actual.IsAllowed)
                {
                    history.Add(AttemptEntry.FromRequest(context.Request, at));
                }
            }
        });

    [Fact]
    public void TryRecord_EightThreadsOnFiftyNumbersWithNumberRulesOnly_NeverViolateTheWindowOrCaps()
    {
        // Only number-keyed global rules, no blocks: every admission takes the fast path (one stripe lock).
        var rules = new ProtectionRules(
        [
            CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
            CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 3),
            CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(2), 2),
        ]);
        var chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
        var ledger = new InMemoryAttemptLedger();
        var phones = Enumerable.Range(0, 50).Select(i => PhoneNumber.FromValue(14155550000UL + (ulong)i)).ToArray();
        var admitted = new ConcurrentBag<(PhoneNumber Phone, Instant At)>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(worker => new Thread(() =>
        {
            var random = new Random(worker);
            start.SignalAndWait();
            for (var step = 0; step < 90; step++)
            {
                var at = T0 + Duration.FromMinutes(4 * step);
                foreach (var i in Enumerable.Range(0, phones.Length).OrderBy(_ => random.Next()))
                {
                    var request = new DialRequest($"w{worker}-s{step}-n{i}", "lead-" + worker, phones[i]);
                    var pending = ledger.TryRecordAttemptAsync(new AttemptContext(request, at, chicago), rules);
                    if (pending.Result.Status == LedgerStatus.Recorded)
                    {
                        admitted.Add((phones[i], at));
                    }
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var all = admitted.ToList();
        Assert.True(all.Count > 100, $"only {all.Count} admitted");
        foreach (var group in all.GroupBy(a => a.Phone))
        {
            var times = group.Select(a => a.At).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                Assert.True(times[i] - times[i - 1] >= Duration.FromMinutes(10), $"duplicate window violated for {group.Key} at {times[i]}");
            }

            Assert.All(group.GroupBy(a => a.At.InZone(chicago).Date), day => Assert.True(day.Count() <= 3, $"daily cap violated on {day.Key}"));
            Assert.All(times, t => Assert.True(times.Count(u => u > t - Duration.FromHours(2) && u <= t) <= 2, "rolling cap violated"));
        }
    }

    [Fact]
    public void AnyLimitReached_AttemptExactlyOneWindowAgo_IsOutsideTheHalfOpenWindow()
    {
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var context = new AttemptContext(new DialRequest("new", "lead", Phone), T0, DateTimeZoneProviders.Tzdb["America/Chicago"]);
        LoggedAttempt[] atBoundary = [new(new DialRequest("old", "lead", Phone), 0, T0 - Duration.FromMinutes(10))];
        LoggedAttempt[] inside = [new(new DialRequest("old", "lead", Phone), 0, T0 - Duration.FromMinutes(10) + Duration.Epsilon)];

        Assert.False(InMemoryAttemptLedger.AnyLimitReached(context, rules, atBoundary, new DayBoundsCache()));
        Assert.True(InMemoryAttemptLedger.AnyLimitReached(context, rules, inside, new DayBoundsCache()));
    }

    [Fact]
    public void NumberGlobalOnly_AnyLeadSubjectOrScopedLimit_IsFalse()
    {
        Assert.True(ProtectionRules.None.NumberGlobalOnly);
        Assert.False(new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10), perLead: true)]).NumberGlobalOnly);
        Assert.False(new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Campaign, Duration.FromHours(1), 2)]).NumberGlobalOnly);
        Assert.False(new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(1), 2)]).NumberGlobalOnly);
    }

    public sealed record Case(CountLimit[] Limits, int[] OffsetsMinutes, string ZoneId);
}
