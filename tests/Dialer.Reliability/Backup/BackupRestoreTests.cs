using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Dialer.Reliability.Host;
using Dialer.Reliability.Infrastructure;
using Dialer.Reliability.Racing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dialer.Reliability.Backup;

/// <summary>
/// Family 6, backup/restore on SQLite (<see cref="SqliteBackup"/>): round trips restore exactly the original rows;
/// a backup truncated or altered at random is rejected and the target file is left byte-for-byte as it was; and a
/// <c>kill -9</c> of the process running a restore, at a random instant inside the restore, leaves the old state or the
/// new one — never a mix — in a file that passes <c>PRAGMA integrity_check</c> and that the store opens. Broken
/// variants (a restore that copies the file without verifying it; a checker fed a half-old, half-new file) are caught.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    private static readonly SemaphoreSlim FixtureGate = new(1, 1);
    private static Fixture? _fixture;

    [Fact]
    public async Task Sqlite_RoundTrips_RestoreExactlyTheOriginal()
    {
        var f = await FixtureAsync();
        var dir = Suite.NewDirectory("backup-roundtrip");
        var violations = new List<string>();
        var trials = 0;
        foreach (var (name, source, backup) in new[] { ("A", f.OldFile, f.OldBackup), ("B", f.NewFile, f.NewBackup) })
        {
            var expected = Dump(source);

            // Into a new file, and over an existing store holding the other state.
            var fresh = Path.Combine(dir, $"fresh-{name}.db");
            SqliteBackup.Restore(backup, fresh);
            trials++;
            if (Dump(fresh) != expected)
            {
                violations.Add($"round trip {name} into a new file differs from the original");
            }

            var over = Path.Combine(dir, $"over-{name}.db");
            CopyDatabase(name == "A" ? f.NewFile : f.OldFile, over);
            SqliteBackup.Restore(backup, over);
            trials++;
            if (Dump(over) != expected)
            {
                violations.Add($"round trip {name} over an existing store differs from the original");
            }

            // The restored file is a working store: it opens (validating every row) and takes a backup of its own that matches.
            await using (var store = SqliteDialerStore.Open(over))
            {
                await store.MigrateAsync();
                var again = SqliteBackup.Create(store, Path.Combine(dir, "again-" + name));
                var twice = Path.Combine(dir, $"twice-{name}.db");
                SqliteBackup.Restore(again, twice);
                trials++;
                if (Dump(twice) != expected)
                {
                    violations.Add($"second-generation round trip {name} differs from the original");
                }
            }
        }

        output.WriteLine($"backup/round trips: {trials} round trips of 2 stores ({f.OldRows} and {f.NewRows} rows); violations: {violations.Count}");
        violations.ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Sqlite_DamagedBackups_AreRejectedAndChangeNothing()
    {
        var f = await FixtureAsync();
        var (tally, violations) = DamageTrials(await FixtureAsync(), 200 * Suite.Scale, SqliteBackup.Restore);
        output.WriteLine($"backup/damaged: seed {Suite.Seed()}; trials: {tally.Values.Sum()} damaged backups ({string.Join(", ", tally.Select(kv => kv.Key + " " + kv.Value))}); violations: {violations.Count}");
        violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(violations);
        Assert.NotNull(f);
    }

    [Fact]
    public async Task Checker_RestoreWithoutVerifying_IsCaught()
    {
        // Broken on purpose: copy the backup's file over the target without checking it against the manifest.
        var (_, violations) = DamageTrials(await FixtureAsync(), 40, (backup, target) =>
        {
            File.Copy(Path.Combine(backup, "dialer.db"), target, overwrite: true);
            return null!;
        });
        output.WriteLine($"broken variant (restore without verifying): {violations.Count} violations in 40 damaged backups; first: {violations.FirstOrDefault()}");
        Assert.NotEmpty(violations);
    }

    [Fact]
    public async Task Sqlite_KilledDuringRestore_LeavesTheOldOrTheNewStateNeverAMix()
    {
        var f = await FixtureAsync();
        var seed = Suite.Seed();
        var random = new Random(seed);
        var trials = 60 * Suite.Scale;
        var dir = Suite.NewDirectory("backup-kill");
        var target = Path.Combine(dir, "dialer.db");
        var log = Path.Combine(dir, "unused.log");

        // How long one restore takes in the host, from the go line to exit: the kill window.
        CopyDatabase(f.OldFile, target);
        var restoreMs = await TimeOneRestoreAsync(target, f.NewBackup, log);
        Assert.Equal(f.NewDump, Dump(target));

        var violations = new List<string>();
        int old = 0, @new = 0, midRestore = 0;
        var clock = Stopwatch.StartNew();
        for (var trial = 0; trial < trials; trial++)
        {
            CopyDatabase(f.OldFile, target);
            using var host = HostProcess.Start("restore", "--store", "sqlite", "--target", target, "--log", log, "--backup", f.NewBackup);
            await host.Ready.WaitAsync(TimeSpan.FromSeconds(60));
            var delay = random.NextDouble() * restoreMs * 1.1;
            var go = Stopwatch.StartNew();
            host.Send("go");
            while (go.Elapsed.TotalMilliseconds < delay)
            {
                Thread.SpinWait(200); // sub-millisecond placement of the kill inside the restore
            }

            host.KillHard();
            var uncommitted = HasWalFrames(target);
            var (state, problem) = Classify(target, f);
            midRestore += uncommitted && state == "old" ? 1 : 0;
            if (problem is not null)
            {
                violations.Add($"kill {trial} at {delay:0.0} ms: {problem}");
            }

            old += state == "old" ? 1 : 0;
            @new += state == "new" ? 1 : 0;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backup/kill during restore: seed {seed}; trials: {trials} SIGKILLs at random instants within a {restoreMs:0.0} ms restore ({f.OldRows} rows -> {f.NewRows} rows) in {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"after the kill: old state {old} ({midRestore} of them with the restore's uncommitted pages in the WAL, i.e. killed mid-write), new state {@new}, mixed or damaged {violations.Count}; violations: {violations.Count}"));
        violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(violations);
        Assert.Equal(trials, old + @new);
    }

    [Fact]
    public async Task Checker_HalfOldHalfNewFile_IsCaught()
    {
        // Broken on purpose: a "restore" that replaced only some tables. The kill checker must call it a mix.
        var f = await FixtureAsync();
        var dir = Suite.NewDirectory("backup-mix");
        var mixed = Path.Combine(dir, "mixed.db");
        CopyDatabase(f.OldFile, mixed);
        using (var connection = new SqliteConnection($"Data Source={mixed};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"ATTACH DATABASE '{f.NewFile}' AS src; DELETE FROM main.attempts; INSERT INTO main.attempts SELECT * FROM src.attempts;";
            command.ExecuteNonQuery();
        }

        var (state, problem) = Classify(mixed, f);
        output.WriteLine($"broken variant (half-restored file): classified {state}: {problem}");
        Assert.NotNull(problem);
    }

    /// <summary>Whether the file's WAL holds frames (written by the killed restore and not yet checkpointed).</summary>
    private static bool HasWalFrames(string path) => File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 32;

    /// <summary>Old, new, or a violation: integrity_check must pass and the rows equal exactly one of the two states.</summary>
    private static (string State, string? Problem) Classify(string path, Fixture f)
    {
        string dump;
        try
        {
            var integrity = IntegrityCheck(path);
            if (integrity != "ok")
            {
                return ("damaged", "integrity_check: " + integrity);
            }

            dump = Dump(path);
        }
        catch (SqliteException ex)
        {
            return ("damaged", "unreadable: " + ex.Message);
        }

        if (dump == f.OldDump)
        {
            return ("old", null);
        }

        if (dump == f.NewDump)
        {
            return ("new", null);
        }

        return ("mixed", "rows equal neither the old state nor the new one");
    }

    private (Dictionary<string, int> Tally, List<string> Violations) DamageTrials(Fixture f, int trials, Func<string, string, SqliteBackupManifest> restore)
    {
        var random = new Random(Suite.Seed());
        var dir = Suite.NewDirectory("backup-damage");
        var target = Path.Combine(dir, "target.db");
        CopyDatabase(f.OldFile, target);
        var targetBytes = File.ReadAllBytes(target);
        var tally = new Dictionary<string, int>(StringComparer.Ordinal);
        var violations = new List<string>();
        for (var trial = 0; trial < trials; trial++)
        {
            var damaged = Path.Combine(dir, "damaged" + trial.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(damaged);
            foreach (var file in Directory.GetFiles(f.NewBackup))
            {
                File.Copy(file, Path.Combine(damaged, Path.GetFileName(file)));
            }

            var kind = Damage(damaged, random);
            tally[kind] = tally.GetValueOrDefault(kind) + 1;
            try
            {
                restore(damaged, target);
                violations.Add($"trial {trial} ({kind}): the damaged backup was restored");
            }
            catch (StoreCorruptionException)
            {
                // rejected, as required
            }
#pragma warning disable CA1031 // anything else escaping is a finding, reported below
            catch (Exception ex)
#pragma warning restore CA1031
            {
                violations.Add($"trial {trial} ({kind}): rejected with {ex.GetType().Name} instead of StoreCorruptionException: {ex.Message}");
            }

            if (!File.ReadAllBytes(target).AsSpan().SequenceEqual(targetBytes) || File.Exists(target + "-wal") && new FileInfo(target + "-wal").Length > 0)
            {
                violations.Add($"trial {trial} ({kind}): the target changed");
                File.WriteAllBytes(target, targetBytes);
                File.Delete(target + "-wal");
                File.Delete(target + "-shm");
            }

            Directory.Delete(damaged, recursive: true);
        }

        return (tally, violations);
    }

    /// <summary>Truncates or alters the backup at random: the database file, or the manifest's checksum, counts, version or text.</summary>
    private static string Damage(string backup, Random random)
    {
        var db = Path.Combine(backup, "dialer.db");
        var manifest = Path.Combine(backup, SqliteBackup.ManifestFileName);
        switch (random.Next(7))
        {
            case 0:
            {
                var bytes = File.ReadAllBytes(db);
                File.WriteAllBytes(db, bytes[..random.Next(bytes.Length)]);
                return "file truncated";
            }

            case 1 or 2:
            {
                var bytes = File.ReadAllBytes(db);
                var flips = random.Next(1, 4);
                for (var i = 0; i < flips; i++)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                File.WriteAllBytes(db, bytes);
                return "file bytes altered";
            }

            case 3:
            {
                var text = File.ReadAllText(manifest);
                var at = text.IndexOf("\"sha256\": \"", StringComparison.Ordinal) + 11;
                var c = text[at] == '0' ? '1' : '0';
                File.WriteAllText(manifest, text[..at] + c + text[(at + 1)..]);
                return "manifest checksum altered";
            }

            case 4:
            {
                var text = File.ReadAllText(manifest);
                var at = text.IndexOf("\"attempts\": ", StringComparison.Ordinal) + 12;
                File.WriteAllText(manifest, text[..at] + "1" + text[at..]);
                return "manifest row count altered";
            }

            case 5:
            {
                var text = File.ReadAllText(manifest);
                File.WriteAllText(manifest, text[..random.Next(text.Length)]);
                return "manifest truncated";
            }

            default:
                File.Delete(random.Next(2) == 0 ? manifest : db);
                return "file or manifest missing";
        }
    }

    private static async Task<double> TimeOneRestoreAsync(string target, string backup, string log)
    {
        using var host = HostProcess.Start("restore", "--store", "sqlite", "--target", target, "--log", log, "--backup", backup);
        await host.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var go = Stopwatch.StartNew();
        host.Send("go");
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromMinutes(1)));
        return go.Elapsed.TotalMilliseconds;
    }

    /// <summary>Two stores written through the library by the crash host's workload (unkilled), and a backup of each.</summary>
    private static async Task<Fixture> FixtureAsync()
    {
        await FixtureGate.WaitAsync();
        try
        {
            if (_fixture is not null)
            {
                return _fixture;
            }

            var dir = Suite.NewDirectory("backup-fixture");
            var oldFile = await WriteStoreAsync(Path.Combine(dir, "old.db"), 600, 1);
            var newFile = await WriteStoreAsync(Path.Combine(dir, "new.db"), 4000, 2);
            string oldBackup, newBackup;
            await using (var store = SqliteDialerStore.Open(oldFile))
            {
                await store.MigrateAsync();
                oldBackup = SqliteBackup.Create(store, Path.Combine(dir, "backups-old"));
            }

            await using (var store = SqliteDialerStore.Open(newFile))
            {
                await store.MigrateAsync();
                newBackup = SqliteBackup.Create(store, Path.Combine(dir, "backups-new"));
            }

            var oldDump = Dump(oldFile);
            var newDump = Dump(newFile);
            Assert.NotEqual(oldDump, newDump);
            _fixture = new Fixture(oldFile, newFile, oldBackup, newBackup, oldDump, newDump, Rows(oldFile), Rows(newFile));
            return _fixture;
        }
        finally
        {
            FixtureGate.Release();
        }
    }

    private static async Task<string> WriteStoreAsync(string path, int perWorker, int seed)
    {
        var args = HostArgs.Parse(new[]
        {
            "--store", "sqlite", "--target", path, "--log", path + ".log", "--threads", "2", "--bursts", perWorker.ToString(CultureInfo.InvariantCulture),
            "--window-ms", "600000", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--first-number", (14157700000UL + ((ulong)seed * 1_000_000UL)).ToString(CultureInfo.InvariantCulture),
        });
        var console = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            Assert.Equal(0, await CrashMode.RunAsync(args));
        }
        finally
        {
            Console.SetOut(console);
        }

        Checkpoint(path);
        return path;
    }

    /// <summary>Replaces <paramref name="target"/> (and its WAL and journal files) with a copy of <paramref name="source"/>.</summary>
    private static void CopyDatabase(string source, string target)
    {
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(target + suffix);
        }

        File.Copy(source, target, overwrite: true);
    }

    private static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
    }

    private static string IntegrityCheck(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("; ", lines.Take(5));
    }

    private static long Rows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attempts";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every row of every table (schema included), in a canonical order, as text.</summary>
    private static string Dump(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var tables = new List<(string Name, string Sql)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var text = new StringBuilder();
        foreach (var (name, sql) in tables)
        {
            text.Append("## ").Append(sql).Append('\n');
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the file's own schema
            command.CommandText = $"SELECT * FROM \"{name}\"";
#pragma warning restore CA2100
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    row.Append(value is byte[] b ? Convert.ToHexString(b) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('|');
                }

                rows.Add(row.ToString());
            }

            rows.Sort(StringComparer.Ordinal);
            rows.ForEach(r => text.Append(r).Append('\n'));
        }

        return text.ToString();
    }

    private sealed record Fixture(string OldFile, string NewFile, string OldBackup, string NewBackup, string OldDump, string NewDump, long OldRows, long NewRows);
}
