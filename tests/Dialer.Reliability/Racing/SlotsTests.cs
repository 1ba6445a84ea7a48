using Dialer.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace Dialer.Reliability.Racing;

/// <summary>
/// Family 3 (slots and takeover), slot leases across processes: 4 processes × 3 threads acquire, hold and release leases in the
/// global scope (limit 5, TTL 1 s) for about 4 s on one SQLite file and on PostgreSQL, with one process SIGSTOPped for
/// longer than the TTL. The checker sweeps the logged [acquire returned, release called] intervals (each inside the
/// interval the store held the lease): more than 5 at once is a violation unless a lease in the overlap was held past
/// its TTL by a paused owner (its acquire started more than the TTL before its release) — those are counted and
/// reported. Campaign takeover and epoch fencing across processes: <see cref="TakeoverTests"/>.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SlotsTests(ITestOutputHelper output)
{
    private const int Limit = 5;
    private const int TtlMilliseconds = 1000;

    [Fact]
    public Task Sqlite_LeasesAcrossProcesses_NeverExceedTheLimitExceptPastTtlPauses()
    {
        var dir = Suite.NewDirectory("slots-sqlite");
        return RunAsync(new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed()) with { }, dir);
    }

    [Fact]
    public Task Postgres_LeasesAcrossProcesses_NeverExceedTheLimitExceptPastTtlPauses() =>
        RunAsync(new RaceSettings("postgres", Suite.PostgresConnectionString, Suite.NewSchema(), Suite.Seed()), Suite.NewDirectory("slots-pg"));

    [Fact]
    public void Checker_TamperedLeaseLog_IsCaught()
    {
        var t = DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerDay;
        var leases = Enumerable.Range(0, Limit).ToDictionary(i => $"c{i}", i => (t + i, (long?)(t + 1000), 0), StringComparer.Ordinal);
        Assert.Empty(Check(leases).Violations);
        leases["extra"] = (t + 10, t + 20, 1);
        Assert.Single(Check(leases).Violations);
    }

    private async Task RunAsync(RaceSettings baseSettings, string dir)
    {
        var settings = baseSettings with
        {
            Mode = "slots", Cap = Limit, WindowMilliseconds = TtlMilliseconds, Bursts = 4 * Suite.Scale, BurstMilliseconds = 1000, Numbers = 1,
        };
        var paused = 0;
        var result = await RaceRunner.RunAsync(settings, dir, async (hosts, ct) =>
        {
            try
            {
                await Task.Delay(1200, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            hosts[1].Signal("STOP");
            Thread.Sleep(TtlMilliseconds + 700); // the fault: frozen past the lease TTL
            hosts[1].Signal("CONT");
            paused = 1;
        });

        var (violations, pauseOverruns, maxHeld) = LeaseChecker.Check(result.Log.Leases, Limit, TimeSpan.FromMilliseconds(TtlMilliseconds), result.Log.LeaseStarts);
        output.WriteLine($"slots/{settings.Store}: seed {settings.Seed}; {settings.Hosts} processes x {settings.Threads} threads for {settings.Bursts * settings.BurstMilliseconds} ms, limit {Limit}, TTL {TtlMilliseconds} ms; " +
                         $"{result.Log.Leases.Count} leases acquired, max {maxHeld} held at once; faults: SIGSTOP of host 1 for {TtlMilliseconds + 700} ms x {paused}; " +
                         $"past-TTL pause overruns: {pauseOverruns}; violations: {violations.Count}");
        violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(violations);
        Assert.True(result.Log.Leases.Count > 50, $"only {result.Log.Leases.Count} leases");
        Assert.Equal(Limit, maxHeld);
    }

    private static (List<string> Violations, int PauseOverruns, int MaxHeld) Check(Dictionary<string, (long Acquired, long? Released, int Host)> leases) =>
        LeaseChecker.Check(leases, Limit, TimeSpan.FromMilliseconds(TtlMilliseconds));
}
