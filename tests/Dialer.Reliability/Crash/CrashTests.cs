using System.Globalization;
using Dialer.Reliability.Infrastructure;
using Dialer.Reliability.Racing;
using Xunit.Abstractions;

namespace Dialer.Reliability.Crash;

/// <summary>
/// Family 4, crash: a host admitting and reporting outcomes on a SQLite file (2 threads, group commit) is killed with
/// SIGKILL at a random instant — during start-up, migration, admissions or outcome writes — 200 times (× scale), 20
/// times on each file. After every kill the file passes <c>PRAGMA integrity_check</c> and holds every admission and outcome the
/// host acknowledged in its log; the next restart opens it. Tampered logs and a damaged file are caught by the checker.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output)
{
    /// <summary>Kills per SQLite file: the file is reused for a chain of kills, then a fresh one starts (keeps each check small).</summary>
    private const int KillsPerFile = 20;

    [Fact]
    public async Task Sqlite_KilledAtRandomPoints_EveryAcknowledgedAdmissionAndOutcomeSurvives()
    {
        var seed = Suite.Seed();
        var trials = 200 * Suite.Scale;
        var random = new Random(seed);
        var dir = Suite.NewDirectory("crash");
        var violations = new List<string>();
        var killedAfterAdmitting = 0;
        var killedBeforeReady = 0;
        long admissions = 0, outcomes = 0, denials = 0;
        var readyMs = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var logs = new List<string>();
        var db = string.Empty;
        for (var trial = 0; trial < trials && violations.Count == 0; trial++)
        {
            if (trial % KillsPerFile == 0)
            {
                Tally(RunLog.Read(logs));
                db = Path.Combine(dir, $"dialer{trial / KillsPerFile}.db");
                logs.Clear();
            }

            var log = Path.Combine(dir, $"crash{trial}.log");
            logs.Add(log);
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var host = HostProcess.Start(
                "crash", "--store", "sqlite", "--target", db, "--log", log, "--threads", "2", "--bursts", "1000000",
                "--window-ms", "600000", "--cap", "3", "--seed", (seed + trial).ToString(CultureInfo.InvariantCulture),
                "--first-number", (14150000000UL + ((ulong)trial * 1_000_000UL)).ToString(CultureInfo.InvariantCulture));

            // The fault: SIGKILL at a random point. One kill in six lands in start-up (runtime start, opening and
            // migrating the file); the rest land 0-800 ms into admitting and reporting, timed from the host's "ready"
            // so no trial is spent waiting on start-up.
            if (random.Next(6) == 0)
            {
                await Task.Delay(random.Next(20, 300));
                killedBeforeReady += host.Ready.IsCompleted ? 0 : 1;
            }
            else
            {
                await host.Ready.WaitAsync(TimeSpan.FromSeconds(60));
                readyMs.Add(started.Elapsed.TotalMilliseconds);
                await Task.Delay(random.Next(0, 800));
            }

            host.KillHard();
            var trialLog = RunLog.Read([log]);
            killedAfterAdmitting += trialLog.Dials.Count > 0 ? 1 : 0;
            violations.AddRange(CrashChecker.Check(db, RunLog.Read(logs)).Select(v => $"after kill {trial} ({Path.GetFileName(db)}): {v}"));
            Assert.True(string.IsNullOrEmpty(host.Errors) || !host.Errors.Contains("Unhandled", StringComparison.Ordinal), host.Errors);
        }

        Tally(RunLog.Read(logs));
        output.WriteLine($"crash/sqlite: seed {seed}; trials: {trials} SIGKILLs ({KillsPerFile} per file, restarted on the same file) in {clock.Elapsed.TotalSeconds:0.0} s " +
                         $"({clock.Elapsed.TotalMilliseconds / trials:0} ms per trial, host ready after {(readyMs.Count == 0 ? 0 : readyMs.Average()):0} ms on average); " +
                         $"{killedBeforeReady} kills during start-up, {killedAfterAdmitting} after admitting; acknowledged {admissions} admissions, {outcomes} outcomes, {denials} denials; violations: {violations.Count}");
        foreach (var v in violations.Take(20))
        {
            output.WriteLine("  violation: " + v);
        }

        Assert.Empty(violations);
        Assert.True(killedAfterAdmitting >= trials / 2, $"only {killedAfterAdmitting} of {trials} kills came after the host admitted anything");
        Assert.True(killedBeforeReady > 0, "no kill landed during start-up");
        Assert.True(outcomes > 0 && denials > 0, "the runs recorded no outcome or no denial");

        void Tally(RunLog chain)
        {
            admissions += chain.Dials.Count;
            outcomes += chain.Outcomes.Count;
            denials += chain.Denied.Count;
        }
    }

    [Fact]
    public async Task Checker_TamperedLogAndDamagedFile_AreCaught()
    {
        var dir = Suite.NewDirectory("crash-broken");
        var db = Path.Combine(dir, "dialer.db");
        var log = Path.Combine(dir, "crash.log");
        using (var host = HostProcess.Start("crash", "--store", "sqlite", "--target", db, "--log", log, "--threads", "1", "--bursts", "30", "--window-ms", "600000"))
        {
            Assert.Equal(0, await host.WaitAsync(TimeSpan.FromMinutes(1)));
        }

        Assert.Empty(CrashChecker.Check(db, RunLog.Read([log])));

        // A log claiming an admission and an outcome the store never acknowledged.
        var tampered = Path.Combine(dir, "tampered.log");
        var lines = await File.ReadAllLinesAsync(log);
        var outcome = lines.First(l => l.StartsWith("O ", StringComparison.Ordinal)).Split(' ');
        await File.WriteAllLinesAsync(tampered, [.. lines, "A never-admitted 14155509999 0 0 0", $"O {outcome[1]} sold_twice"]);
        var caught = CrashChecker.Check(db, RunLog.Read([tampered]));
        output.WriteLine("crash broken variant (tampered log): " + string.Join(" | ", caught));
        Assert.Contains("acknowledged admission lost: never-admitted", caught);
        Assert.Contains(caught, v => v.StartsWith($"acknowledged outcome lost: {outcome[1]}", StringComparison.Ordinal));

        // A damaged copy of the file (every other page after the first overwritten) fails the integrity check.
        var damaged = Path.Combine(dir, "damaged.db");
        Checkpoint(db);
        File.Copy(db, damaged);
        await using (var stream = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite))
        {
            var pageSize = 4096;
            var pages = (int)(stream.Length / pageSize);
            var garbage = new byte[pageSize];
            new Random(7).NextBytes(garbage);
            for (var page = 2; page < pages; page += 2)
            {
                stream.Position = (long)page * pageSize;
                stream.Write(garbage);
            }
        }

        List<string> damage;
        try
        {
            damage = CrashChecker.Check(damaged, RunLog.Read([log]));
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            damage = ["unreadable: " + ex.Message];
        }

        output.WriteLine("crash broken variant (damaged file): " + string.Join(" | ", damage.Take(3)));
        Assert.NotEmpty(damage);
    }

    private static void Checkpoint(string db)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        command.ExecuteNonQuery();
    }
}
