using Dialer.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace Dialer.Reliability.Racing;

/// <summary>
/// Family 2, clock skew: the racing-hosts run with host 1's whole process clock one hour fast and host 2's one hour slow,
/// shifted with libfaketime (<c>LD_PRELOAD</c>, Debian's package, installed by <c>eng/test.sh</c>; the suite checks the
/// shift took effect, and fails when the library is missing). PostgreSQL stamps attempts with the
/// database clock, so neither skew may cause a violation, in the store's timeline or in real time. SQLite trusts each
/// host's clock: the test reports what that guarantees (the store's own timeline stays consistent) and what it does not
/// (real-time duplicates between hosts whose clocks disagree).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ClockSkewTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_OneHostAnHourFastAndOneAnHourSlow_NoViolationInTheStoreOrInRealTime()
    {
        var settings = new RaceSettings("postgres", Suite.PostgresConnectionString, Suite.NewSchema(), Suite.Seed())
        {
            Bursts = 3 * Suite.Scale,
            ProcessClockSkewMinutes = [0, 60, -60, 0],
        };

        var result = await RaceRunner.RunAsync(settings, Suite.NewDirectory("skew-pg"));

        var violations = result.LoggedViolations().Concat(result.StoredViolations()).Concat(result.RealTimeViolations()).ToList();
        result.Report(output, "skew/postgres", violations, "libfaketime: host 1 process clock +60 min, host 2 -60 min");
        Assert.Empty(violations);
        Assert.Empty(result.MissingFromStore());
        Assert.Contains(result.Log.Dials, d => d.Host == 1);
        Assert.Contains(result.Log.Dials, d => d.Host == 2);
    }

    [Fact]
    public async Task Sqlite_OneHostAnHourFastAndOneAnHourSlow_StoreTimelineStaysConsistentAndRealTimeDuplicatesAreReported()
    {
        var dir = Suite.NewDirectory("skew-sqlite");
        var settings = new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed())
        {
            Bursts = 3 * Suite.Scale,
            ProcessClockSkewMinutes = [0, 60, -60, 0],
        };

        var result = await RaceRunner.RunAsync(settings, dir);

        var stored = result.LoggedViolations().Concat(result.StoredViolations()).ToList();
        var realTime = result.RealTimeViolations();
        result.Report(output, "skew/sqlite (store timeline)", stored, "libfaketime: host 1 process clock +60 min, host 2 -60 min");
        output.WriteLine($"skew/sqlite (real time): {realTime.Count} violations — SQLite stamps attempts with each host's clock, so hosts whose clocks disagree by more than the window are not protected from each other in real time (run hosts with synchronised clocks or use PostgreSQL).");
        foreach (var v in realTime.Take(5))
        {
            output.WriteLine("  real-time: " + v);
        }

        Assert.Empty(stored);
        Assert.Empty(result.MissingFromStore());
    }
}
