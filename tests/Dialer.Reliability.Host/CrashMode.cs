using Dialer.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Reliability.Host;

/// <summary>
/// Crash runs: workers admit new numbers (every fifth one a repeat that must be denied) and report a seeded outcome
/// for each admitted call, logging each step only after the store call returned; the suite kills the process at a
/// random instant and checks the store holds everything logged.
/// </summary>
public static class CrashMode
{
    private static readonly Disposition[] Outcomes =
    [
        Disposition.NoAnswer, Disposition.Busy, Disposition.AnsweringMachine, Disposition.Conversation,
        Disposition.Sold, Disposition.NotInterested, Disposition.UnknownOutcome, Disposition.Transferred,
    ];

    /// <summary>Admits and reports until <c>--bursts</c> admissions per worker are done (normally killed before).</summary>
    public static async Task<int> RunAsync(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        await using var services = HostServices.Build(args);
        var admission = services.GetRequiredService<IDialAdmission>();
        var reporter = services.GetRequiredService<ICallOutcomeReporter>();
        var time = services.GetRequiredService<TimeProvider>();
        using var log = new LogWriter(args.Log);
        Console.WriteLine("ready");

        var workers = new Task[args.Threads];
        for (var t = 0; t < args.Threads; t++)
        {
            var thread = t;
            workers[t] = Task.Run(async () =>
            {
                var random = new Random(HashCode.Combine(args.Seed, thread));
                for (var k = 0; k < args.Bursts; k++)
                {
                    var n = k % 5 == 4 ? k - 1 : k;
                    var phone = PhoneNumber.FromValue(args.FirstNumber + ((ulong)thread * 100_000UL) + (ulong)n);
                    var request = new DialRequest($"s{args.Seed}t{thread}k{k}", $"lead-{thread}-{n}", phone);
                    var startTicks = TimeProvider.System.GetUtcNow().UtcTicks;
                    var decision = await admission.AdmitAsync(request);
                    if (!decision.IsAllowed)
                    {
                        log.Line($"N {request.CallId} {phone.Value}");
                        continue;
                    }

                    log.Line($"A {request.CallId} {phone.Value} {decision.AttemptRecordedAt.GetValueOrDefault().ToUnixTimeTicks()} {startTicks} {TimeProvider.System.GetUtcNow().UtcTicks}");
                    var disposition = Outcomes[random.Next(Outcomes.Length)];
                    await reporter.ReportAsync(new CallOutcome(request, disposition, time.GetCurrentInstant()));
                    log.Line($"O {request.CallId} {disposition.Code}");
                }
            });
        }

        await Task.WhenAll(workers);
        Console.WriteLine("done");
        return 0;
    }
}
