using System.Globalization;
using Dialer.Reliability.Infrastructure;
using Dialer.Reliability.Racing;
using Xunit.Abstractions;

namespace Dialer.Reliability.Crash;

/// <summary>
/// Family 2, crash: a host admitting and reporting outcomes on one SQLite file (2 threads, group commit) is killed with
/// SIGKILL at a random instant — during start-up, migration, admissions or outcome writes — again and again on the
/// same file. After every kill the file passes <c>PRAGMA integrity_check</c> and holds every admission and outcome the
/// host acknowledged in its log; the next restart opens it. Tampered logs and a damaged file are caught by the checker.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sqlite_KilledAtRandomPoints_EveryAcknowledgedAdmissionAndOutcomeSurvives()
    {
        var seed = Suite.Seed();
        var trials = 30 * Suite.Scale;
        var random = new Random(seed);
        var dir = Suite.NewDirectory("crash");
        var db = Path.Combine(dir, "dialer.db");
        var logs = new List<string>();
        var violations = new List<string>();
        var killedAfterAdmitting = 0;
        for (var trial = 0; trial < trials && violations.Count == 0; trial++)
        {
            var log = Path.Combine(dir, $"crash{trial}.log");
            logs.Add(log);
            using var host = HostProcess.Start(
                "crash", "--store", "sqlite", "--target", db, "--log", log, "--threads", "2", "--bursts", "1000000",
                "--window-ms", "600000", "--cap", "3", "--seed", (seed + trial).ToString(CultureInfo.InvariantCulture),
                "--first-number", (14150000000UL + ((ulong)trial * 1_000_000UL)).ToString(CultureInfo.InvariantCulture));

            // The fault: SIGKILL at a random instant from process start (start-up and migration included).
            await Task.Delay(random.Next(150, 2500));
            host.KillHard();

            var trialLog = RunLog.Read([log]);
            killedAfterAdmitting += trialLog.Dials.Count > 0 ? 1 : 0;
            var all = RunLog.Read(logs);
            violations.AddRange(CrashChecker.Check(db, all).Select(v => $"after kill {trial}: {v}"));
            Assert.True(string.IsNullOrEmpty(host.Errors) || !host.Errors.Contains("Unhandled", StringComparison.Ordinal), host.Errors);
        }

        var final = RunLog.Read(logs);
        output.WriteLine($"crash/sqlite: seed {seed}; {trials} SIGKILLs at random instants (150-2500 ms after start) on one file; {killedAfterAdmitting} kills after admitting; " +
                         $"acknowledged {final.Dials.Count} admissions, {final.Outcomes.Count} outcomes, {final.Denied.Count} denials; violations: {violations.Count}");
        foreach (var v in violations.Take(20))
        {
            output.WriteLine("  violation: " + v);
        }

        Assert.Empty(violations);
        Assert.True(killedAfterAdmitting >= trials / 2, $"only {killedAfterAdmitting} of {trials} kills came after the host admitted anything");
        Assert.True(final.Outcomes.Count > 0 && final.Denied.Count > 0, "the runs recorded no outcome or no denial");
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
