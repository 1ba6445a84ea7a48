using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Persistence.PostgreSql;
using Dialer.Protection;
using NodaTime;
using Npgsql;

namespace Dialer.Benchmarks.Stores;

/// <summary>
/// Admit + outcome pairs per second on the PostgreSQL store over loopback, with 1 and with 8 concurrent workers. Each
/// pair is <c>TryRecordAttemptAsync</c> (duplicate window + rolling cap, database clock, a fresh number) then
/// <c>RecordOutcomeAsync</c> (no answer), each durable before it returns. Without group commit that is two round trips,
/// each one PL/pgSQL call that commits; with it, concurrent workers' calls share round trips and commits. Times are per pair
/// (<c>OperationsPerInvoke</c>), so pairs/s = 1 s / Mean. The goal is ≥ 3,000 pairs/s with 8 workers. Every request has
/// its own number and lead (the rules lock only the number), so workers contend only for the WAL flush.
/// </summary>
/// <remarks>
/// Runs only when <c>DIALER_TEST_POSTGRES</c> names a server (the one <c>eng/test.sh</c> starts, or your own); without
/// it every benchmark returns at once, so <c>-- --quick</c> passes on a machine without PostgreSQL and its numbers
/// mean nothing. Each run works in a fresh schema, dropped at the end.
/// </remarks>
[MemoryDiagnoser]
public class PostgresStoreBenchmarks
{
    private const int Workers = 8;
    private const int PairsPerWorker = 32;
    private const int SinglePairs = 64;

    private static readonly ProtectionRules Rules = new(
    [
        CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
        CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 3),
    ]);

    /// <summary>
    /// <see langword="true"/>: every commit waits for the WAL flush (<c>synchronous_commit=on</c>, the server default and
    /// what production uses), so the rate is bounded by the disk's fsync rate (PostgreSQL groups concurrent commits into
    /// one flush). <see langword="false"/>: the same calls with <c>synchronous_commit=off</c> for the benchmark's
    /// sessions only, to show what the store itself costs when the disk is not the limit.
    /// </summary>
    [Params(true, false)]
    public bool Durable { get; set; }

    /// <summary>
    /// <see langword="true"/>: the store's group commit (<see cref="PostgreSqlStoreOptions.MaxBatchSize"/> 64, the
    /// default) sends concurrent callers' check-and-records and outcomes as one <c>ledger_batch</c> call, one transaction
    /// and one WAL flush. <see langword="false"/>: <c>MaxBatchSize = 1</c>, every call is its own round trip and commit
    /// (the store before group commit), measured in the same run for comparison.
    /// </summary>
    [Params(true, false)]
    public bool GroupCommit { get; set; }

    private static readonly byte[] Page = new byte[8192];

    private NpgsqlDataSource? _dataSource;
    private FileStream? _fsyncFile;
    private string? _fsyncPath;
    private PostgreSqlStore? _store;
    private string _schema = string.Empty;
    private ulong _base;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable("DIALER_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 32, MinPoolSize = Workers, NoResetOnClose = true };
        if (!Durable)
        {
            builder.Options = "-c synchronous_commit=off";
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _schema = "bench_" + Guid.NewGuid().ToString("N")[..16];
        _store = new PostgreSqlStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, MaxBatchSize = GroupCommit ? PostgreSqlStoreOptions.DefaultMaxBatchSize : 1 });
        _store.MigrateAsync().AsTask().GetAwaiter().GetResult();
        _base = 14_150_000_000UL + ((ulong)Random.Shared.Next(0, 8_000) * 100_000UL);
        Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => PairAsync())).GetAwaiter().GetResult();

        // The fsync baseline: a file in the temp directory, where eng/test.sh (and the results' run) keep the server's
        // data directory, so both flush to the same device.
        _fsyncPath = Path.Combine(Path.GetTempPath(), "dialer-pg-fsync-" + Guid.NewGuid().ToString("N") + ".bin");
        _fsyncFile = new FileStream(_fsyncPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        _fsyncFile.Write(Page);
        _fsyncFile.Flush(flushToDisk: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_dataSource is null)
        {
            return;
        }

        using (var drop = _dataSource.CreateCommand($"DROP SCHEMA \"{_schema}\" CASCADE"))
        {
            drop.ExecuteNonQuery();
        }

        _dataSource.Dispose();
        _dataSource = null;
        _fsyncFile?.Dispose();
        _fsyncFile = null;
        if (_fsyncPath is not null)
        {
            File.Delete(_fsyncPath);
        }
    }

    /// <summary>
    /// A flush measured in the same run, for context: one 8 KiB overwrite of a file in the temp directory (the device
    /// holding the test server's data directory) then <see cref="FileStream.Flush(bool)"/> with <c>true</c>. It is not
    /// PostgreSQL's own WAL flush (another call on another file; read <c>pg_stat_wal</c> for that): a worker waits for
    /// two WAL flushes per pair (admit, then outcome), so W workers cannot exceed W / 2 pairs per WAL flush however
    /// commits are grouped.
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = SinglePairs)]
    public void WriteThenFsync()
    {
        if (_fsyncFile is null)
        {
            return;
        }

        for (var i = 0; i < SinglePairs; i++)
        {
            RandomAccess.Write(_fsyncFile.SafeFileHandle, Page, 0);
            _fsyncFile.Flush(flushToDisk: true);
        }
    }

    [Benchmark(OperationsPerInvoke = SinglePairs)]
    public async Task OneWorker_AdmitAndOutcome()
    {
        if (_store is null)
        {
            return;
        }

        for (var i = 0; i < SinglePairs; i++)
        {
            await PairAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Workers * PairsPerWorker)]
    public async Task EightWorkers_AdmitAndOutcome()
    {
        if (_store is null)
        {
            return;
        }

        var tasks = new Task[Workers];
        for (var w = 0; w < Workers; w++)
        {
            tasks[w] = Task.Run(async () =>
            {
                for (var i = 0; i < PairsPerWorker; i++)
                {
                    await PairAsync();
                }
            });
        }

        await Task.WhenAll(tasks);
    }

    private async Task PairAsync()
    {
        var n = (ulong)Interlocked.Increment(ref _next);
        var request = new DialRequest("bench-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), "lead-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), PhoneNumber.FromValue(_base + n));
        var ledger = _store!.AttemptLedger;
        var admitted = await ledger.TryRecordAttemptAsync(new AttemptContext(request, Instant.FromUnixTimeTicks(0), DateTimeZone.Utc), Rules);
        if (admitted.Status != LedgerStatus.Recorded)
        {
            throw new InvalidOperationException($"Expected a recorded attempt, got {admitted}.");
        }

        await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.NoAnswer, admitted.RecordedAt!.Value), []);
    }
}
