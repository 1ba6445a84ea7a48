using System.Diagnostics;
using System.Globalization;
using Dialer.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace Dialer.Reliability.Racing;

/// <summary>
/// Family 3, slots and takeover: 4 processes each run every one of 3 campaigns (60 leads each) with a runner of their
/// own owner id, on one SQLite file and on PostgreSQL; calls hold a global slot (limit 2, TTL 1.5 s); an owner silent
/// for 1.5 s is taken over. The suite SIGSTOPs a process that owns a campaign and holds it stopped until another
/// process has claimed that campaign (and at least the lease TTL has passed), then resumes it. The checkers: the
/// resumed owner's writes are rejected (no write accepted after a higher epoch was claimed), held leases never exceed
/// the limit except past-TTL pauses (counted), and no lead is skipped or placed twice. A store wrapper that ignores the
/// epoch (test only) must be caught.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class TakeoverTests(ITestOutputHelper output)
{
    private const int Campaigns = 3;
    private const int Leads = 60;
    private const int SlotLimit = 2;
    private const int TakeoverAfterMs = 1500;
    private const int LeaseTtlMs = 1500; // the host's default (--lease-ttl-ms)

    [Fact]
    public async Task Sqlite_PausedOwnerTakenOver_FencedNoLeadSkippedOrPlacedTwice()
    {
        var dir = Suite.NewDirectory("takeover-sqlite");
        var (violations, run) = await RunAsync(new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed()), dir);
        AssertClean(violations, run);
    }

    [Fact]
    public async Task Postgres_PausedOwnerTakenOver_FencedNoLeadSkippedOrPlacedTwice()
    {
        var (violations, run) = await RunAsync(new RaceSettings("postgres", Suite.PostgresConnectionString, Suite.NewSchema(), Suite.Seed()), Suite.NewDirectory("takeover-pg"));
        AssertClean(violations, run);
    }

    [Fact]
    public async Task Checker_EpochIgnoringStore_IsCaught()
    {
        var dir = Suite.NewDirectory("takeover-broken");
        var (violations, run) = await RunAsync(new RaceSettings("sqlite", Path.Combine(dir, "dialer.db"), "dialer", Suite.Seed()) { Broken = true }, dir, "broken variant (epoch-ignoring campaign store)");
        Assert.True(run.TookOver, "the paused owner was never taken over");
        Assert.Contains(violations, v => v.StartsWith("fencing:", StringComparison.Ordinal));
    }

    private static void AssertClean(List<string> violations, PauseRecord run)
    {
        Assert.Empty(violations);
        Assert.True(run.TookOver, "the paused owner was never taken over");
        Assert.True(run.StaleRejectedFromVictim > 0, "the resumed owner never had a write rejected");
    }

    private async Task<(List<string> Violations, PauseRecord Run)> RunAsync(RaceSettings baseSettings, string dir, string? label = null)
    {
        var settings = baseSettings with
        {
            Mode = "campaign", Hosts = 4, Threads = 1, Numbers = Leads * Suite.Scale, Bursts = Campaigns, Cap = SlotLimit,
            WindowMilliseconds = TakeoverAfterMs, FirstNumber = 14156600000UL,
        };
        var logs = Enumerable.Range(0, settings.Hosts).Select(h => Path.Combine(dir, $"host{h}.log")).ToArray();
        var pause = new PauseRecord();
        var result = await RaceRunner.RunAsync(settings, dir, (hosts, ct) => PauseAnOwnerAsync(hosts, logs, pause, ct));

        var ids = Enumerable.Range(0, Campaigns).Select(c => "camp" + c.ToString(CultureInfo.InvariantCulture)).ToList();
        var (violations, stats) = CampaignChecker.Check(result.Log, ids, settings.Numbers);
        var (leaseViolations, pauseOverruns, maxHeld) = LeaseChecker.Check(result.Log.Leases, SlotLimit, TimeSpan.FromMilliseconds(LeaseTtlMs), result.Log.LeaseStarts);
        violations.AddRange(leaseViolations);
        pause.StaleRejectedFromVictim = result.Log.Writes.Count(w => w.Host == pause.Victim && w.Result == "StaleEpoch");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label ?? "takeover/" + settings.Store}: seed {settings.Seed}; {settings.Hosts} processes x {Campaigns} campaigns x {settings.Numbers} leads; slot limit {SlotLimit}, lease TTL {LeaseTtlMs} ms, takeover after {TakeoverAfterMs} ms; " +
            $"trials: {stats.Placements} placements, {stats.Claims} claims ({stats.Takeovers} takeovers), {stats.AcceptedWrites} accepted writes; " +
            $"faults: SIGSTOP of host {pause.Victim} (owner of {pause.Campaign}) for {pause.PausedMs} ms until taken over: {pause.TookOver} ({pause.StalledPauses} earlier pauses landed while it held the store's write lock, stalling every host, and were retried); " +
            $"stale writes rejected: {stats.StaleRejected} ({pause.StaleRejectedFromVictim} from the resumed owner); in flight at a takeover and never placed (possibly dialed): {stats.InFlightUnplaced}; " +
            $"leases: {result.Log.Leases.Count}, max {maxHeld} held at once, past-TTL pause overruns: {pauseOverruns}; store errors retried: {result.Log.Errors.Count}; violations: {violations.Count}"));
        violations.Take(15).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        return (violations, pause);
    }

    /// <summary>
    /// Stops the process owning the least advanced campaign and holds it stopped until another process has claimed that
    /// campaign at a higher epoch and the lease TTL has passed (no timing luck: it waits for the takeover to be logged).
    /// </summary>
    private static async Task PauseAnOwnerAsync(IReadOnlyList<HostProcess> hosts, string[] logs, PauseRecord pause, CancellationToken ct)
    {
        ClaimEntry? target = null;
        var watch = Stopwatch.StartNew();
        while (target is null && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                await Task.Delay(300, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var log = RunLog.Read(logs);
            target = log.Claims
                .GroupBy(c => c.Campaign)
                .Select(g => (Claim: g.MaxBy(c => c.Epoch)!, Cursor: CursorOf(log, g.Key)))
                .Where(x => x.Cursor is >= 3 && x.Cursor < Leads - 15)
                .OrderBy(x => x.Cursor)
                .Select(x => x.Claim)
                .FirstOrDefault();
        }

        if (target is null)
        {
            return;
        }

        var victim = hosts[target.Host];
        pause.Victim = target.Host;
        pause.Campaign = target.Campaign;
        for (var attempt = 0; attempt < 10 && !pause.TookOver; attempt++)
        {
            victim.Signal("STOP");
            var stopped = Stopwatch.StartNew();
            try
            {
                while (stopped.ElapsedMilliseconds < TakeoverAfterMs + 4000)
                {
                    await Task.Delay(100, CancellationToken.None);
                    var log = RunLog.Read(logs);
                    if (log.Claims.Any(c => c.Campaign == target.Campaign && c.Epoch > target.Epoch && c.Host != target.Host)
                        && stopped.ElapsedMilliseconds > LeaseTtlMs + 300)
                    {
                        pause.TookOver = true;
                        await Task.Delay(300, CancellationToken.None); // let the new owner write before the old one wakes
                        break;
                    }
                }
            }
            finally
            {
                victim.Signal("CONT");
                pause.PausedMs = stopped.ElapsedMilliseconds;
            }

            if (!pause.TookOver)
            {
                // Stopped while holding the store's write lock (SQLite's single writer, or a PostgreSQL row lock): every
                // other process waits on it, so nobody can take over. Counted; resume briefly and stop it elsewhere.
                pause.StalledPauses++;
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private static long? CursorOf(RunLog log, string campaign) =>
        log.Writes.Where(w => w.Campaign == campaign && w.Result == "ok" && w.Op.StartsWith("checkpoint@", StringComparison.Ordinal))
            .Select(w => (long?)long.Parse(w.Op["checkpoint@".Length..], CultureInfo.InvariantCulture))
            .Max();

    private sealed class PauseRecord
    {
        public int Victim { get; set; } = -1;
        public string Campaign { get; set; } = "-";
        public bool TookOver { get; set; }
        public long PausedMs { get; set; }
        public int StaleRejectedFromVictim { get; set; }
        public int StalledPauses { get; set; }
    }
}
