using System.Diagnostics.Metrics;
using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests.Protection;

/// <summary>
/// Group commit (<see cref="PostgreSqlStoreOptions.MaxBatchSize"/>): concurrent callers' check-and-records and outcomes
/// share a round trip and a commit, yet each stays atomic and independent, with the same answers as single calls.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];

    [Theory]
    [InlineData(64)]
    [InlineData(1)]
    public async Task TryRecordAttempt_32ConcurrentCallersOnOneNumber_RecordsExactlyOne(int maxBatchSize)
    {
        var ledger = PgStores.Create(configure: o => o.MaxBatchSize = maxBatchSize).AttemptLedger;
        var phone = RandomPhone(14155600000UL);
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var runs = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("gc-" + Guid.NewGuid().ToString("N"), "lead-" + i, phone), Instant.FromUtc(2026, 3, 2, 15, 0), Chicago), rules);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(runs);

        Assert.Single(results, r => r.Status == LedgerStatus.Recorded);
        Assert.Equal(31, results.Count(r => r.Status == LedgerStatus.Denied));
        Assert.Single(await ledger.GetHistoryAsync(phone, Instant.FromUtc(2020, 1, 1, 0, 0)));
    }

    [Fact]
    public async Task TryRecordAttempt_40ConcurrentCallersUnderACapOf3_RecordsExactlyThree_InBatches()
    {
        var sizes = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "dialer.postgresql.batch_size")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (sizes)
            {
                sizes.Add(value);
            }
        });
        listener.Start();

        var ledger = PgStores.Create().AttemptLedger;
        var phone = RandomPhone(14155610000UL);
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 3)]);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("cap-" + Guid.NewGuid().ToString("N"), "lead-" + i, phone), Instant.FromUtc(2026, 3, 2, 15, 0), Chicago), rules);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(runs);

        Assert.Equal(3, results.Count(r => r.Status == LedgerStatus.Recorded));
        Assert.Equal(37, results.Count(r => r.Status == LedgerStatus.Denied));
        Assert.Equal(3, (await ledger.GetHistoryAsync(phone, Instant.FromUtc(2020, 1, 1, 0, 0))).Count);
        lock (sizes)
        {
            Assert.Contains(sizes, s => s > 1);
        }
    }

    [Fact]
    public async Task Batch_WithAnItemTheServerRejects_RecordsEveryOtherItem_AndFailsOnlyThatOne()
    {
        // The host clock is 5 days ahead with a 1-hour MaxClockSkew: a calendar-day check fails in the database (DL001),
        // which rolls back the batch it is in; the other items (outcomes, which need no day bounds) must still be stored.
        var dbNow = await DatabaseNowAsync();
        var ledger = PgStores.Create(configure: o => o.MaxClockSkew = TimeSpan.FromHours(1), time: new FakeTimeProvider((dbNow + Duration.FromDays(5)).ToDateTimeOffset())).AttemptLedger;
        var failing = new ProtectionRules([CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 2)]);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = Enumerable.Range(0, 24).Select(i => new CallOutcome(new DialRequest("out-" + Guid.NewGuid().ToString("N"), "lead-" + i, RandomPhone(14155620000UL)), Disposition.NoAnswer, dbNow)).ToArray();

        var checks = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await start.Task;
            await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("bad-" + Guid.NewGuid().ToString("N"), "lead", RandomPhone(14155630000UL)), dbNow, Chicago), failing);
        })).ToArray();
        var writes = outcomes.Select(o => Task.Run(async () =>
        {
            await start.Task;
            return await ledger.RecordOutcomeAsync(o, []);
        })).ToArray();
        start.SetResult();

        Assert.All(await Task.WhenAll(writes), s => Assert.Equal(OutcomeRecordStatus.RecordedAsNewAttempt, s));
        foreach (var check in checks)
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => check);
            Assert.Equal("DL001", ex.SqlState);
        }

        foreach (var o in outcomes)
        {
            var entry = await ledger.GetAttemptAsync(o.Request.CallId);
            Assert.NotNull(entry);
            Assert.Equal(Disposition.NoAnswer.Code, entry.Value.OutcomeCode);
        }
    }

    [Fact]
    public async Task Batch_CheckThenOutcomeOfTheSameAttempt_FromConcurrentCallers_BothApplyInOrder()
    {
        var ledger = PgStores.Create(configure: o => o.UseDatabaseClock = false).AttemptLedger;
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var at = Instant.FromUtc(2026, 3, 2, 15, 0);
        var requests = Enumerable.Range(0, 16).Select(i => new DialRequest("pair-" + Guid.NewGuid().ToString("N"), "lead-" + i, RandomPhone(14155640000UL + ((ulong)i * 10_000UL)))).ToArray();

        var pairs = await Task.WhenAll(requests.Select(r => Task.Run(async () =>
        {
            var admitted = await ledger.TryRecordAttemptAsync(new AttemptContext(r, at, Chicago), rules);
            var outcome = await ledger.RecordOutcomeAsync(new CallOutcome(r, Disposition.NoAnswer, at + Duration.FromSeconds(30)), []);
            var again = await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("again-" + r.CallId, r.LeadId, r.Phone), at + Duration.FromMinutes(1), Chicago), rules);
            return (admitted, outcome, again);
        })));

        Assert.All(pairs, p =>
        {
            Assert.Equal(LedgerStatus.Recorded, p.admitted.Status);
            Assert.Equal(at, p.admitted.RecordedAt);
            Assert.Equal(OutcomeRecordStatus.Recorded, p.outcome);
            Assert.Equal(LedgerStatus.Denied, p.again.Status);
        });
    }

    private static PhoneNumber RandomPhone(ulong baseValue) => PhoneNumber.FromValue(baseValue + (ulong)Random.Shared.Next(1, 9999));

    private static async Task<Instant> DatabaseNowAsync() =>
        Instant.FromUnixTimeTicks(await PgStores.ScalarAsync<long>("SELECT (extract(epoch FROM clock_timestamp()) * 10000000)::bigint"));
}
