using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Reliability.Host;

/// <summary>
/// Racing hosts: every worker of every process walks all numbers (in its own seeded order) in each burst; bursts start
/// at shared wall-clock instants (<c>--start-at</c> + n × <c>--burst-ms</c>), so the processes collide on purpose.
/// </summary>
public static class RaceMode
{
    private const int MaxLoggedErrors = 20;

    /// <summary>Runs the race and returns 0 (what happened is in the log, not in the exit code).</summary>
    public static async Task<int> RunAsync(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        await using var services = HostServices.Build(args);
        var admission = services.GetRequiredService<IDialAdmission>();
        var ledger = services.GetRequiredService<IAttemptLedger>();
        var time = services.GetRequiredService<TimeProvider>();
        using var log = new LogWriter(args.Log);
        var harness = args.HarnessClock;

        // Open (and migrate) the store before the barrier so the race is about admissions, not start-up.
        await admission.CheckAsync(new DialRequest("warm-up", "warm-up", PhoneNumber.FromValue(args.FirstNumber - 1)), time.GetCurrentInstant());
        // The process clock as the stores see it (under libfaketime, shifted): the suite checks the skew took effect.
        Console.WriteLine($"clock {TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()}");
        Console.WriteLine("ready");
        var startAt = args.StartAtUnixMilliseconds;
        if (startAt == 0)
        {
            // The barrier: the suite writes the shared start instant (Unix ms) once every process is ready.
            var line = await Console.In.ReadLineAsync();
            startAt = long.Parse(line ?? throw new InvalidOperationException("no start instant on stdin"), System.Globalization.CultureInfo.InvariantCulture);
        }

        var brokenRules = new ProtectionRules(
        [
            CountLimit.DuplicateWindow(Duration.FromMilliseconds(args.WindowMilliseconds)),
            CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, args.Cap, DateTimeZone.Utc),
        ]);
        var counters = new Counters();
        for (var burst = 0; burst < args.Bursts; burst++)
        {
            var due = DateTimeOffset.FromUnixTimeMilliseconds(startAt + ((long)burst * args.BurstMilliseconds));
            var wait = due - harness.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait); // the barrier: every process starts the burst at the same wall-clock instant
            }

            var workers = new Task[args.Threads];
            for (var t = 0; t < args.Threads; t++)
            {
                var (thread, b) = (t, burst);
                workers[t] = Task.Run(() => WorkerAsync(args, thread, b, admission, ledger, brokenRules, time, harness, log, counters));
            }

            await Task.WhenAll(workers);
        }

        log.Line($"D {counters.Denied}");
        Console.WriteLine($"done admitted={counters.Admitted} denied={counters.Denied} unknown={counters.Unknown}");
        return 0;
    }

    private static async Task WorkerAsync(HostArgs args, int thread, int burst, IDialAdmission admission, IAttemptLedger ledger, ProtectionRules brokenRules, TimeProvider time, TimeProvider harness, LogWriter log, Counters counters)
    {
        var order = new int[args.Numbers];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        new Random(HashCode.Combine(args.Seed, args.HostId, thread, burst)).Shuffle(order);
        foreach (var n in order)
        {
            var phone = PhoneNumber.FromValue(args.FirstNumber + (ulong)n);
            var request = new DialRequest($"h{args.HostId}t{thread}b{burst}n{n}", "lead-" + n, phone);
            var startTicks = harness.GetUtcNow().UtcTicks;
            try
            {
                Instant? recordedAt;
                if (!args.Broken)
                {
                    var decision = await admission.AdmitAsync(request);
                    recordedAt = decision.IsAllowed ? decision.AttemptRecordedAt ?? decision.EvaluatedAt : null;
                }
                else
                {
                    // Deliberately broken: read, decide in the client, then write without the check.
                    var context = new AttemptContext(request, time.GetCurrentInstant(), DateTimeZone.Utc);
                    var evaluated = await ledger.EvaluateAsync(context, brokenRules);
                    recordedAt = null;
                    if (evaluated.IsAllowed)
                    {
                        await Task.Delay(2);
                        var written = await ledger.TryRecordAttemptAsync(context, ProtectionRules.None);
                        recordedAt = written.Status == LedgerStatus.Recorded ? written.RecordedAt : null;
                    }
                }

                if (recordedAt is { } at)
                {
                    Interlocked.Increment(ref counters.Admitted);
                    log.Line($"A {request.CallId} {phone.Value} {at.ToUnixTimeTicks()} {startTicks} {harness.GetUtcNow().UtcTicks}");
                }
                else
                {
                    Interlocked.Increment(ref counters.Denied);
                }
            }
#pragma warning disable CA1031 // A store failure is an unknown outcome: logged as possibly recorded, never dialed.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (Interlocked.Increment(ref counters.Unknown) <= MaxLoggedErrors)
                {
                    log.Line($"E {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
                }

                log.Line($"U {request.CallId} {phone.Value} {harness.GetUtcNow().UtcTicks}");
            }
        }
    }

    private sealed class Counters
    {
        public long Admitted;
        public long Denied;
        public long Unknown;
    }
}
