using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Data;

/// <summary>What the bulk port does on SQLite beyond the shared contract: fail-closed reads, quarantine, one transaction.</summary>
public sealed class SqliteStoreDataTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);
    private static readonly LocalDate Day0 = new(2026, 3, 2);
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData("UPDATE daily_statistics SET requests = -3", "column requests")]
    [InlineData("UPDATE daily_statistics SET date = '2026-13-45'", "column date")]
    [InlineData("UPDATE daily_statistics SET date = '2026-3-2'", "column date")]
    [InlineData("UPDATE daily_statistics SET client_id = ''", "column client_id")]
    [InlineData("UPDATE daily_statistics SET outcomes = '{\"busy\": -1}'", "column outcomes")]
    [InlineData("UPDATE daily_statistics SET denied_by_reason = 'not json'", "column denied_by_reason")]
    [InlineData("UPDATE daily_statistics SET outcomes = '[1, 2]'", "column outcomes")]
    public async Task CorruptDailyStatisticsRow_ReadFailsClosedAndIsQuarantined(string corruption, string problem)
    {
        var store = _db.Open();
        await store.Data.AddDailyStatisticsAsync([Stats(Day0, 3)]);
        var rowId = (long)_db.Scalar("SELECT rowid FROM daily_statistics")!;
        _db.Exec(corruption);

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));

        Assert.Equal($"{_db.Path}: daily_statistics rowid {rowId}", ex.Location);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(store.FailClosedReason);
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.GetAttemptAsync("any"));
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All)));
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.Data.AddDailyStatisticsAsync([Stats(Day0, 1)]));
        var quarantined = await WaitForQuarantineAsync(store);
        Assert.Equal("daily_statistics", quarantined.Table);
        Assert.Equal(rowId, quarantined.RowId);
    }

    [Fact]
    public async Task CorruptDailyStatisticsRow_FoundOnOpen_KeepsTheStoreClosedAfterARestart()
    {
        var store = _db.Open();
        await store.Data.AddDailyStatisticsAsync([Stats(Day0, 3)]);
        _db.Exec("UPDATE daily_statistics SET admitted = 'many'");

        store = _db.Reopen(store);

        Assert.Contains("daily_statistics rowid", store.FailClosedReason, StringComparison.Ordinal);
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM quarantine WHERE source_table = 'daily_statistics' AND resolved_at IS NULL"));
        store = _db.Reopen(store);
        Assert.Contains("daily_statistics rowid", store.FailClosedReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAllRows_CoversDailyStatistics()
    {
        var store = _db.Open();
        await store.Data.AddDailyStatisticsAsync([Stats(Day0, 3), Stats(Day0.PlusDays(1), 2)]);
        Assert.Equal(2, await store.ValidateAllRowsAsync());
        _db.Exec("UPDATE daily_statistics SET campaign_id = '' WHERE date = '2026-03-03'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.ValidateAllRowsAsync());

        Assert.Contains("daily_statistics rowid", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_StoreThatFailedClosed_ThrowTheStoresExceptionInsteadOfReturningNothing()
    {
        _db.Open().Dispose();
        _db.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from-the-future', 0)");
        var store = _db.Open();

        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadBlocksAsync(StoreDataFilter.All)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadRedialItemsAsync(StoreDataFilter.All)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadAnsweringMachineStatsAsync(StoreDataFilter.All)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadCampaignsAsync()));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.Data.ImportAsync(new StoreDataSet(), StoreImportMode.Replace));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.Data.PurgeAsync(new RetentionCutoffs(AttemptsRecordedBefore: T0)));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.Data.EraseNumberAsync(Phone));
    }

    [Fact]
    public async Task ReadAttempts_CorruptRowMidStream_FailsClosedAfterTheRowsBeforeIt()
    {
        var store = _db.Open();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", T0), Attempt("a2", T0 + Duration.FromMinutes(1)), Attempt("a3", T0 + Duration.FromMinutes(2))] }, StoreImportMode.Merge);
        _db.Exec("UPDATE attempts SET outcome_code = 'no_answer' WHERE attempt_id = 'a2'");
        var seen = new List<string>();

        await Assert.ThrowsAsync<StoreCorruptionException>(async () =>
        {
            await foreach (var attempt in store.Data.ReadAttemptsAsync(StoreDataFilter.All))
            {
                seen.Add(attempt.AttemptId);
            }
        });

        Assert.Equal(["a1"], seen);
        Assert.NotNull(store.FailClosedReason);
    }

    [Fact]
    public async Task Read_CancelledToken_ThrowsAndLeavesTheStoreOpen()
    {
        var store = _db.Open();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", T0), Attempt("a2", T0 + Duration.FromMinutes(1))] }, StoreImportMode.Merge);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var attempt in store.Data.ReadAttemptsAsync(StoreDataFilter.All).WithCancellation(cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.Null(store.FailClosedReason);
        Assert.Equal(2, (await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All))).Count);
    }

    [Fact]
    public async Task Read_AbandonedHalfway_DoesNotHoldBackWritesOrLaterReads()
    {
        var store = _db.Open(o => o.MaxReadConnections = 1);
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", T0), Attempt("a2", T0 + Duration.FromMinutes(1))] }, StoreImportMode.Merge);

        await foreach (var attempt in store.Data.ReadAttemptsAsync(StoreDataFilter.All))
        {
            // A read transaction is open here; the writer still commits (WAL), and the snapshot does not see it.
            await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a3", T0 + Duration.FromMinutes(2))] }, StoreImportMode.Merge);
            break;
        }

        Assert.Equal(["a1", "a2", "a3"], (await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All))).Select(a => a.AttemptId));
    }

    [Fact]
    public async Task Read_IsASnapshot_WritesDuringTheEnumerationAreNotSeen()
    {
        var store = _db.Open();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", T0), Attempt("a2", T0 + Duration.FromMinutes(1))] }, StoreImportMode.Merge);
        var seen = new List<string>();

        await foreach (var attempt in store.Data.ReadAttemptsAsync(StoreDataFilter.All))
        {
            seen.Add(attempt.AttemptId);
            if (seen.Count == 1)
            {
                await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a3", T0 + Duration.FromMinutes(2))] }, StoreImportMode.Merge);
            }
        }

        Assert.Equal(["a1", "a2"], seen);
    }

    [Fact]
    public async Task Import_LargeSet_CommitsInOneTransaction()
    {
        var store = _db.Open();
        var attempts = new AttemptEntry[20_000];
        for (var i = 0; i < attempts.Length; i++)
        {
            var phone = PhoneNumber.FromValue(14155550000UL + (ulong)(i % 5000));
            attempts[i] = new AttemptEntry("bulk-" + i, phone, "lead-" + i, "acme", "spring", null, T0 + Duration.FromSeconds(i), "no_answer", DispositionCategory.Retryable, T0 + Duration.FromSeconds(i + 30));
        }

        var commitsBefore = store.Commits;

        var written = await store.Data.ImportAsync(new StoreDataSet { Attempts = attempts }, StoreImportMode.Replace);

        Assert.Equal(20_000, written.Attempts);
        Assert.Equal(1, store.Commits - commitsBefore);
        Assert.Equal(20_000L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
        Assert.Equal(attempts.Length, (await ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All))).Count);
    }

    [Fact]
    public async Task Import_AttemptBefore2000_IsRejectedBecauseTheStoreWouldFailClosedReadingIt()
    {
        var store = _db.Open();

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", T0), Attempt("old", Instant.FromUtc(1999, 12, 31, 0, 0))] }, StoreImportMode.Merge));

        Assert.Equal("data.Attempts[1].RecordedAt = 1999-12-31T00:00:00Z: is before 2000-01-01, earlier than any attempt the store keeps. (Parameter 'data')", ex.Message);
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
        Assert.Null(store.FailClosedReason);
    }

    [Fact]
    public async Task Import_FailingInsideTheTransaction_RollsBackEverythingItWrote()
    {
        var store = _db.Open();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("keep", T0)] }, StoreImportMode.Merge);

        // A trigger makes the last insert fail after the delete and the first inserts ran in the same transaction.
        _db.Exec("CREATE TRIGGER fail_on_boom BEFORE INSERT ON attempts WHEN NEW.attempt_id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END");
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("new1", T0), Attempt("boom", T0)] }, StoreImportMode.Replace));

        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM attempts WHERE attempt_id = 'keep'"));
        _db.Exec("DROP TRIGGER fail_on_boom");
    }

    [Fact]
    public async Task EraseNumber_RemovesTheAnsweringMachineAttemptIdsToo()
    {
        var store = _db.Open();
        await store.AnsweringMachineTracker.RecordAsync(Phone, "a1", true, T0);
        await store.AnsweringMachineTracker.RecordAsync(Phone, "a2", true, T0);

        await store.Data.EraseNumberAsync(Phone);

        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM am_attempts"));
        Assert.Equal(1, (await store.AnsweringMachineTracker.RecordAsync(Phone, "a1", true, T0)).TotalOutcomes);
    }

    [Fact]
    public void UseSqlite_RegistersTheBulkPortOfTheSameStore()
    {
        var services = new ServiceCollection();
        services.AddDialer().UseSqlite(_db.Path);
        services.AddDialer().UseSqlite(_db.Path);
        using var provider = services.BuildServiceProvider();

        var data = provider.GetRequiredService<IStoreDataAccess>();

        Assert.Same(provider.GetRequiredService<SqliteDialerStore>().Data, data);
        Assert.Equal("sqlite", data.Provider);
        Assert.Single(services, d => d.ServiceType == typeof(IStoreDataAccess));
    }

    private static AttemptEntry Attempt(string id, Instant at) => new(id, Phone, "lead-" + id, "acme", "spring", null, at);

    private static DailyStatistics Stats(LocalDate date, long requests) => new()
    {
        Date = date,
        ClientId = "acme",
        CampaignId = "spring",
        Requests = requests,
        Admitted = requests,
        Outcomes = new Dictionary<string, long> { ["no_answer"] = requests },
    };

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task<QuarantinedRow> WaitForQuarantineAsync(SqliteDialerStore store)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await store.GetQuarantineAsync();
            if (rows.Count > 0)
            {
                return Assert.Single(rows);
            }

            await Task.Delay(10);
        }

        throw new Xunit.Sdk.XunitException("No row was quarantined.");
    }
}
