using System.Globalization;
using Dialer.Reliability.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Dialer.Reliability.Racing;

/// <summary>
/// Family 1, racing hosts: 4 processes x 3 threads in barrier-synchronised bursts over 200 numbers (every tenth on the
/// do-not-call list), against one SQLite file and against PostgreSQL; one process is paused (SIGSTOP) longer than the
/// duplicate window and resumed; on PostgreSQL, host connections are terminated mid-run with pg_terminate_backend.
/// The checker reads the hosts' logs and the store; a deliberately broken read-then-write host variant must be caught.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RacingHostsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sqlite_FourProcessesRacing_NoDuplicateNoCapOverrunNoBlockedDial()
    {
        var dir = Suite.NewDirectory("race-sqlite");
        var settings = new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed()) { Bursts = 4 * Suite.Scale };
        var pauses = 0;

        var result = await RaceRunner.RunAsync(settings, dir, async (hosts, ct) => pauses = await PauseOneHostAsync(hosts, settings, ct));

        var violations = result.LoggedViolations().Concat(result.StoredViolations()).Concat(result.RealTimeViolations()).ToList();
        result.Report(output, "race/sqlite", violations, $"SIGSTOP of host 1 for {PauseMilliseconds(settings)} ms x {pauses}");
        Assert.Empty(violations);
        Assert.Empty(result.MissingFromStore());
        AssertMeaningful(result);
    }

    [Fact]
    public async Task Sqlite_BrokenReadThenWriteHosts_AreCaughtByTheChecker()
    {
        var dir = Suite.NewDirectory("race-sqlite-broken");
        var settings = new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed()) { Bursts = 2, Numbers = 60, Broken = true };

        var result = await RaceRunner.RunAsync(settings, dir);

        var violations = result.LoggedViolations();
        result.Report(output, "race/sqlite broken variant", violations, "none (the host itself is broken)");
        Assert.Contains(violations, v => v.StartsWith("duplicate window", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Postgres_FourProcessesRacingWithTerminatedConnectionsAndAPausedHost_NoDuplicateNoCapOverrunNoBlockedDial()
    {
        var schema = Suite.NewSchema();
        var settings = new RaceSettings("postgres", Suite.PostgresConnectionString, schema, Suite.Seed()) { Bursts = 4 * Suite.Scale };
        var terminated = 0;
        var pauses = 0;

        var result = await RaceRunner.RunAsync(settings, Suite.NewDirectory("race-pg"), async (hosts, ct) =>
        {
            var pause = PauseOneHostAsync(hosts, settings, ct);
            terminated = await TerminateConnectionsAsync(ct);
            pauses = await pause;
        });

        var violations = result.LoggedViolations().Concat(result.StoredViolations()).Concat(result.RealTimeViolations()).ToList();
        result.Report(output, "race/postgres", violations, $"pg_terminate_backend x {terminated}, SIGSTOP of host 1 for {PauseMilliseconds(settings)} ms x {pauses}");
        Assert.Empty(violations);
        Assert.Empty(result.MissingFromStore());
        AssertMeaningful(result);
        Assert.True(terminated > 0, "no connection was terminated: the fault was not injected");
    }

    [Fact]
    public async Task Postgres_BrokenReadThenWriteHosts_AreCaughtByTheChecker()
    {
        var settings = new RaceSettings("postgres", Suite.PostgresConnectionString, Suite.NewSchema(), Suite.Seed()) { Bursts = 2, Numbers = 60, Broken = true };

        var result = await RaceRunner.RunAsync(settings, Suite.NewDirectory("race-pg-broken"));

        var violations = result.LoggedViolations();
        result.Report(output, "race/postgres broken variant", violations, "none (the host itself is broken)");
        Assert.Contains(violations, v => v.StartsWith("duplicate window", StringComparison.Ordinal));
    }

    [Fact]
    public void Checker_TamperedLog_IsCaught()
    {
        var t0 = NodaTime.Instant.FromUtc(2026, 3, 2, 15, 0);
        var window = NodaTime.Duration.FromSeconds(1);
        var clean = new List<CheckedAttempt> { new("a", 1, t0), new("b", 1, t0 + window), new("c", 2, t0) };
        Assert.Empty(DialChecker.Check(clean, window, 3, new HashSet<ulong>()));

        // Each tampering breaks one invariant and must be named.
        Assert.Contains("duplicate window", Assert.Single(DialChecker.Check([.. clean, new("x", 2, t0 + NodaTime.Duration.FromMilliseconds(999))], window, 3, new HashSet<ulong>())), StringComparison.Ordinal);
        Assert.Contains("cap overrun", Assert.Single(DialChecker.Check([.. clean, new("y", 1, t0 + (window * 2))], window, 2, new HashSet<ulong>())), StringComparison.Ordinal);
        Assert.Contains("blocked number", Assert.Single(DialChecker.Check(clean, window, 3, new HashSet<ulong> { 2 })), StringComparison.Ordinal);
    }

    private static int PauseMilliseconds(RaceSettings s) => s.WindowMilliseconds + 500;

    /// <summary>SIGSTOP host 1 in the middle of the second burst for longer than the duplicate window, then SIGCONT.</summary>
    private static async Task<int> PauseOneHostAsync(IReadOnlyList<HostProcess> hosts, RaceSettings s, CancellationToken ct)
    {
        try
        {
            await Task.Delay(s.BurstMilliseconds + (s.BurstMilliseconds / 3), ct);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        hosts[1].Signal("STOP");
        Thread.Sleep(PauseMilliseconds(s)); // the fault itself: the process is frozen for this long
        hosts[1].Signal("CONT");
        return 1;
    }

    /// <summary>Every 200 ms, terminates up to two of the hosts' PostgreSQL backends until the run ends.</summary>
    private static async Task<int> TerminateConnectionsAsync(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(Suite.PostgresConnectionString) { ApplicationName = "dialer-reliability-suite", Pooling = false };
        await using var ds = NpgsqlDataSource.Create(builder.ConnectionString);
        var terminated = 0;
        while (!ct.IsCancellationRequested)
        {
            await using (var command = ds.CreateCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity " +
                $"WHERE application_name = '{Host.HostServices.ApplicationName}' AND datname = current_database() ORDER BY random() LIMIT 2) p"))
            {
                terminated += Convert.ToInt32(await command.ExecuteScalarAsync(CancellationToken.None), CultureInfo.InvariantCulture);
            }

            try
            {
                await Task.Delay(200, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return terminated;
    }

    private static void AssertMeaningful(RaceResult result)
    {
        // The race must actually contend: numbers admitted more than once over the bursts and plenty of denials.
        Assert.True(result.Log.Dials.Count > result.Settings.Numbers, $"only {result.Log.Dials.Count} dials");
        Assert.True(result.Log.DeniedCount > result.Log.Dials.Count, $"only {result.Log.DeniedCount} denials");
    }
}

/// <summary>Process-launching families run one at a time (the box has 2 cores; timing matters).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
