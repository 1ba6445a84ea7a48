using System.Collections.Concurrent;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection.Tests.InMemory;

public sealed class InMemoryAttemptLedgerTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    [Fact]
    public void Admit_EightThreadsOnFiftyNumbers_NeverViolateTheDuplicateWindowOrAnyCap()
    {
        var h = new ProtectionHarness(o =>
        {
            o.MaxDailyAttemptsPerNumber = 3;
            o.FallbackZoneId = "America/Chicago";
            o.RollingCaps.Add(new RollingCapOptions { Window = TimeSpan.FromHours(2), MaxAttempts = 2 });
            o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Lead, Window = TimeSpan.FromHours(1), MaxAttempts = 3 });
            o.RollingCaps.Add(new RollingCapOptions { Key = AttemptKeyKind.Subject, Window = TimeSpan.FromHours(1), MaxAttempts = 4 });
        });
        var phones = Enumerable.Range(0, 50).Select(i => PhoneNumber.FromValue(14155550000UL + (ulong)i)).ToArray();
        var admitted = new ConcurrentBag<(PhoneNumber Phone, string Lead, string Subject, Instant At)>();
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(worker => new Thread(() =>
        {
            var random = new Random(worker);
            start.SignalAndWait();
            for (var step = 0; step < 90; step++)
            {
                // Every thread works the same instant on the same numbers, in its own order.
                var at = T0 + Duration.FromMinutes(4 * step);
                foreach (var i in Enumerable.Range(0, phones.Length).OrderBy(_ => random.Next()))
                {
                    var lead = "lead-" + (i % 10);
                    var subject = "debt-" + (i % 7);
                    var request = new DialRequest($"w{worker}-s{step}-n{i}", lead, phones[i]) { SubjectKey = subject };
                    var decision = Sync(h.Admission.AdmitAsync(request, at));
                    if (decision.IsAllowed)
                    {
                        admitted.Add((phones[i], lead, subject, at));
                    }
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var all = admitted.ToList();
        var chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
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

        foreach (var group in all.GroupBy(a => a.Lead))
        {
            Assert.All(group, a => Assert.True(group.Count(b => b.At > a.At - Duration.FromHours(1) && b.At <= a.At) <= 3, "lead cap violated"));
        }

        foreach (var group in all.GroupBy(a => a.Subject))
        {
            Assert.All(group, a => Assert.True(group.Count(b => b.At > a.At - Duration.FromHours(1) && b.At <= a.At) <= 4, "subject cap violated"));
        }
    }

    [Fact]
    public void TryRecord_ConcurrentSameAttemptId_RecordsItOnce()
    {
        var ledger = new InMemoryAttemptLedger();
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var request = new DialRequest("call-1", "lead-1", PhoneNumber.Parse("+14155550123"));
        var statuses = new ConcurrentBag<LedgerStatus>();

        Parallel.For(0, 64, i => statuses.Add(Sync(ledger.TryRecordAttemptAsync(new AttemptContext(request, T0 + Duration.FromSeconds(i % 3), DateTimeZone.Utc), rules)).Status));

        Assert.Equal(1, statuses.Count(s => s == LedgerStatus.Recorded));
        Assert.Equal(63, statuses.Count(s => s == LedgerStatus.AlreadyRecorded));
    }

    [Fact]
    public void TryRecord_AllowAndDenyPaths_AllocateNothingOnceWarm()
    {
        var ledger = new InMemoryAttemptLedger();
        var gate = new ProtectionGate(ledger, new ProtectionOptions());
        const int numbers = 64;
        const int ring = 8;
        var requests = new DialRequest[numbers, ring];
        var denials = new DialRequest[numbers];
        for (var n = 0; n < numbers; n++)
        {
            var phone = PhoneNumber.FromValue(14155550000UL + (ulong)n);
            denials[n] = new DialRequest($"deny-{n}", "lead", phone);
            for (var r = 0; r < ring; r++)
            {
                requests[n, r] = new DialRequest($"call-{n}-{r}", "lead", phone);
            }
        }

        // Each number is called every 12 h (under the daily cap of 3, so a denial has the duplicate window as its one
        // reason); call ids come back after 96 h, past the 48 h horizon.
        var step = Duration.FromHours(12);
        void Round(int k, bool deny)
        {
            var at = T0 + (step * k);
            for (var n = 0; n < numbers; n++)
            {
                var allowed = Sync(gate.EnterAsync(requests[n, k % ring], at));
                if (!allowed.IsAllowed)
                {
                    throw new InvalidOperationException($"round {k} number {n} denied: {allowed.Reasons}");
                }

                if (deny && Sync(gate.EnterAsync(denials[n], at + Duration.FromMinutes(1))).IsAllowed)
                {
                    throw new InvalidOperationException("expected a duplicate-window denial");
                }
            }
        }

        for (var k = 0; k < 24; k++)
        {
            Round(k, deny: true);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 24; k < 48; k++)
        {
            Round(k, deny: true);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryRecord_LongHistory_IsTrimmedToTheHorizon()
    {
        var ledger = new InMemoryAttemptLedger(Duration.Zero);
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 100)]);
        var phone = PhoneNumber.Parse("+14155550123");

        for (var i = 0; i < 1000; i++)
        {
            var result = Sync(ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest($"call-{i}", "lead", phone), T0 + Duration.FromHours(2 * i), DateTimeZone.Utc), rules));
            Assert.True(result.IsAllowed);
        }

        var stripe = ledger.NumberStripe(phone);
        Assert.InRange(stripe.Numbers.Find(phone.Value).Count, 12, 13);
        Assert.InRange(stripe.Numbers.Find(phone.Value).Capacity, 12, 32);
        Assert.Equal(Duration.FromHours(24), ledger.Retention);
    }

    [Fact]
    public void TryRecord_LeadCapAppearsAfterHistoryExists_CountsTheEarlierAttempts()
    {
        var ledger = new InMemoryAttemptLedger();
        var numberOnly = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var perLead = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Duration.FromHours(24), 2)]);
        var perSubject = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Duration.FromHours(24), 2)]);
        Record(ledger, new DialRequest("a", "lead-1", PhoneNumber.Parse("+14155550001")) { SubjectKey = "s" }, T0, numberOnly);
        Record(ledger, new DialRequest("b", "lead-1", PhoneNumber.Parse("+14155550002")) { SubjectKey = "s" }, T0 + Duration.FromHours(1), numberOnly);

        var byLead = Record(ledger, new DialRequest("c", "lead-1", PhoneNumber.Parse("+14155550003")), T0 + Duration.FromHours(2), perLead);
        var bySubject = Record(ledger, new DialRequest("d", "lead-2", PhoneNumber.Parse("+14155550004")) { SubjectKey = "s" }, T0 + Duration.FromHours(2), perSubject);

        Assert.Equal(T0 + Duration.FromHours(24), Assert.Single(byLead.Reasons).ClearsAt);
        Assert.Equal(T0 + Duration.FromHours(24), Assert.Single(bySubject.Reasons).ClearsAt);
    }

    [Fact]
    public async Task Purge_DropsNumbersWithNothingLeft()
    {
        var ledger = new InMemoryAttemptLedger();
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        for (var i = 0; i < 100; i++)
        {
            Record(ledger, new DialRequest($"call-{i}", "lead", PhoneNumber.FromValue(14155550000UL + (ulong)i)), T0, rules);
        }

        Assert.Equal(100, ledger.TrackedNumbers);
        var removed = await ledger.PurgeAsync(T0 + Duration.FromDays(2));

        Assert.Equal(100, removed);
        Assert.Equal(0, ledger.TrackedNumbers);
    }

    [Fact]
    public async Task UpsertBlock_SameIdOnAnotherTarget_MovesIt()
    {
        var ledger = new InMemoryAttemptLedger();
        var a = PhoneNumber.Parse("+14155550001");
        var b = PhoneNumber.Parse("+14155550002");
        await ledger.UpsertBlockAsync(new ProtectionBlock("x", BlockKind.Cooldown, BlockTarget.Number, a, null, LimitScope.Global, null, T0, null, null, null));

        await ledger.UpsertBlockAsync(new ProtectionBlock("x", BlockKind.Cooldown, BlockTarget.Number, b, null, LimitScope.Global, null, T0, null, null, null));

        Assert.Empty(await ledger.GetBlocksAsync(a));
        Assert.Single(await ledger.GetBlocksAsync(b));
        Assert.True(await ledger.RemoveBlockAsync("x"));
        Assert.Empty(await ledger.GetBlocksAsync(b));
    }

    [Fact]
    public void Constructor_NegativeRetention_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryAttemptLedger(Duration.FromHours(-1)));

        Assert.Contains("minimumRetention", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Methods_DefaultArguments_AreRejectedNamingTheArgument()
    {
        var ledger = new InMemoryAttemptLedger();

        Assert.Equal("attempt", (await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.TryRecordAttemptAsync(default, ProtectionRules.None))).ParamName);
        Assert.Equal("block", (await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.UpsertBlockAsync(default))).ParamName);
        Assert.Equal("phone", (await Assert.ThrowsAsync<ArgumentException>(async () => await ledger.GetHistoryAsync(default, T0))).ParamName);
    }

    [Fact]
    public void TryRecord_IdsThatDifferOnlyInTheMiddle_AreToldApart()
    {
        // The id hash reads the length, the first four and the last eight characters: these two ids hash alike, so only
        // the ordinal comparison after the hash match can tell them apart.
        const string first = "campaign-A-lead-0001-attempt-01";
        const string second = "campaign-B-lead-0001-attempt-01";
        Assert.Equal(LoggedAttempt.HashId(first), LoggedAttempt.HashId(second));
        var ledger = new InMemoryAttemptLedger();
        var phone = PhoneNumber.Parse("+14155550123");

        var a = Record(ledger, new DialRequest(first, "lead", phone), T0, ProtectionRules.None);
        var b = Record(ledger, new DialRequest(second, "lead", phone), T0 + Duration.FromMinutes(1), ProtectionRules.None);
        var again = Record(ledger, new DialRequest(second, "lead", phone), T0 + Duration.FromMinutes(2), ProtectionRules.None);

        Assert.Equal(LedgerStatus.Recorded, a.Status);
        Assert.Equal(LedgerStatus.Recorded, b.Status);
        Assert.Equal(LedgerStatus.AlreadyRecorded, again.Status);
        Assert.Equal(T0 + Duration.FromMinutes(1), again.RecordedAt);
    }

    private static LedgerResult Record(InMemoryAttemptLedger ledger, DialRequest request, Instant at, ProtectionRules rules) =>
        Sync(ledger.TryRecordAttemptAsync(new AttemptContext(request, at, DateTimeZone.Utc), rules));

    // The in-memory ledger and the gate over it complete synchronously; a test that needs the value takes it directly.
    private static T Sync<T>(ValueTask<T> pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("expected a synchronously completed ValueTask");
        }

        return pending.Result;
    }
}
