using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Persistence.Sqlite;
using Dialer.Protection;
using Microsoft.Win32.SafeHandles;
using NodaTime;

namespace Dialer.Benchmarks.Stores;

/// <summary>
/// Durable admissions on the SQLite store (WAL, <c>synchronous=FULL</c>): admit + outcome pairs with 1 caller and with
/// 8 concurrent callers, next to the machine's fsync rate measured in the same run. Every time is per operation
/// (<c>OperationsPerInvoke</c>): per pair for the store, per synced write for the baselines, so pairs/s = 1 s / Mean
/// and the ratios to the baseline compare rates directly (ratio ≤ 2 means ≥ 0.5× the fsync rate; ≤ 0.5 means ≥ 2×).
/// </summary>
/// <remarks>
/// <para>
/// <b>Fsync baseline</b> (<see cref="WriteThenFsync"/>): a 4 KiB overwrite at offset 0 of a file in the same temp
/// directory followed by <c>fsync</c> (<see cref="FileStream.Flush(bool)"/> with <c>true</c>) — the system call SQLite
/// makes at each commit, on a file whose size does not change (the cheapest case). <see cref="WriteThroughWrite"/> is
/// the same through <see cref="FileOptions.WriteThrough"/> (O_DSYNC) and <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>;
/// <see cref="SqliteOneRowCommit"/> is SQLite itself: a one-row INSERT, one commit, WAL with FULL sync.
/// </para>
/// <para>
/// <b>Pairs</b>: <c>TryRecordAttemptAsync</c> (duplicate window + rolling cap, a fresh number each time) then
/// <c>RecordOutcomeAsync</c> (no answer). Each store call is durable before it returns, so one caller needs two commits
/// per pair; concurrent callers share commits (group commit). Iterations are bounded (32 syncs or 32–128 pairs).
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class SqliteStoreBenchmarks
{
    private const int Syncs = 32;
    private const int SinglePairs = 32;
    private const int Callers = 8;
    private const int PairsPerCaller = 16;

    private static readonly ProtectionRules Rules = new(
    [
        CountLimit.DuplicateWindow(Duration.FromMinutes(10)),
        CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 3),
    ]);

    private readonly byte[] _page = new byte[4096];
    private string _directory = string.Empty;
    private SafeFileHandle? _syncFile;
    private FileStream? _fsyncFile;
    private SqliteDialerStore? _store;
    private Microsoft.Data.Sqlite.SqliteConnection? _raw;
    private Microsoft.Data.Sqlite.SqliteCommand? _insert;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        // Not /dev/shm: the files must be on a real disk for fsync to mean anything (the temp dir of this machine is).
        _directory = Path.Combine(Path.GetTempPath(), "dialer-sqlite-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _syncFile = File.OpenHandle(Path.Combine(_directory, "fsync.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, FileOptions.WriteThrough);
        RandomAccess.Write(_syncFile, _page, 0);
        _fsyncFile = new FileStream(Path.Combine(_directory, "fsync2.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        _fsyncFile.Write(_page);
        _fsyncFile.Flush(flushToDisk: true);
        _store = SqliteDialerStore.Open(Path.Combine(_directory, "dialer.db"));
        if (_store.FailClosedReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        _raw = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(_directory, "raw.db") + ";Pooling=False");
        _raw.Open();
        using (var pragma = _raw.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB);";
            pragma.ExecuteNonQuery();
        }

        _insert = _raw.CreateCommand();
        _insert.CommandText = "INSERT INTO t (v) VALUES (zeroblob(64))";
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _insert?.Dispose();
        _raw?.Dispose();
        _store?.Dispose();
        _syncFile?.Dispose();
        _fsyncFile?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One 4 KiB overwrite followed by fsync (the call SQLite makes at each commit): the machine's fsync rate.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Syncs)]
    public void WriteThenFsync()
    {
        for (var i = 0; i < Syncs; i++)
        {
            RandomAccess.Write(_fsyncFile!.SafeFileHandle, _page, 0);
            _fsyncFile.Flush(flushToDisk: true);
        }
    }

    /// <summary>One synced 4 KiB write (WriteThrough, O_DSYNC): the same durability through the open flag.</summary>
    [Benchmark(OperationsPerInvoke = Syncs)]
    public void WriteThroughWrite()
    {
        for (var i = 0; i < Syncs; i++)
        {
            RandomAccess.Write(_syncFile!, _page, 0);
        }
    }

    /// <summary>One SQLite commit of one row (WAL, synchronous=FULL): the fsync rate as SQLite sees it.</summary>
    [Benchmark(OperationsPerInvoke = Syncs)]
    public void SqliteOneRowCommit()
    {
        for (var i = 0; i < Syncs; i++)
        {
            _insert!.ExecuteNonQuery();
        }
    }

    /// <summary>Admit + outcome pairs, one caller (each call durable before the next).</summary>
    [Benchmark(OperationsPerInvoke = SinglePairs)]
    public async Task AdmitOutcomePair_1Caller()
    {
        for (var i = 0; i < SinglePairs; i++)
        {
            await PairAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Admit + outcome pairs, 8 concurrent callers sharing commits.</summary>
    [Benchmark(OperationsPerInvoke = Callers * PairsPerCaller)]
    public async Task AdmitOutcomePair_8Callers()
    {
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < PairsPerCaller; i++)
                {
                    await PairAsync().ConfigureAwait(false);
                }
            });
        }

        await Task.WhenAll(callers).ConfigureAwait(false);
    }

    private async Task PairAsync()
    {
        var n = Interlocked.Increment(ref _next);
        var request = new DialRequest("bench-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), "lead-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), PhoneNumber.FromValue(14150000000UL + (ulong)n));
        var at = Instant.FromUtc(2026, 3, 2, 15, 0);
        var admitted = await _store!.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, at, DateTimeZone.Utc), Rules).ConfigureAwait(false);
        if (admitted.Status != LedgerStatus.Recorded)
        {
            throw new InvalidOperationException("Expected a recorded attempt, got " + admitted);
        }

        await _store.AttemptLedger.RecordOutcomeAsync(new CallOutcome(request, Disposition.NoAnswer, at + Duration.FromSeconds(20)), []).ConfigureAwait(false);
    }
}
