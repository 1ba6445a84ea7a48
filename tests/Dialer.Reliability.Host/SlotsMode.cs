using Dialer.Campaigns;
using Dialer.Core;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Reliability.Host;

/// <summary>
/// Slots across processes: workers acquire a lease in the global scope (limit <c>--cap</c>) with a TTL of
/// <c>--window-ms</c>, hold it for a short simulated call and release it, for <c>--bursts</c> × <c>--burst-ms</c> from
/// the shared start instant. Logs <c>L callId wallTicks acquireStartTicks</c> when an acquire returned and <c>R callId wallTicks</c> just
/// before the release call, so [L, R] lies inside the interval the store held the lease.
/// </summary>
public static class SlotsMode
{
    /// <summary>Runs the slot workers until the deadline.</summary>
    public static async Task<int> RunAsync(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        await using var services = HostServices.Build(args);
        var slots = services.GetRequiredService<ISlotStore>();
        var time = services.GetRequiredService<TimeProvider>();
        using var log = new LogWriter(args.Log);
        var scopes = new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, args.Cap));
        var ttl = Duration.FromMilliseconds(args.WindowMilliseconds);
        await slots.CountAsync(SlotScope.Global, time.GetCurrentInstant());
        Console.WriteLine("ready");
        var startAt = long.Parse(await Console.In.ReadLineAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(startAt + ((long)args.Bursts * args.BurstMilliseconds));
        var wait = DateTimeOffset.FromUnixTimeMilliseconds(startAt) - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var workers = new Task[args.Threads];
        for (var t = 0; t < args.Threads; t++)
        {
            var thread = t;
            workers[t] = Task.Run(async () =>
            {
                var random = new Random(HashCode.Combine(args.Seed, args.HostId, thread));
                for (var k = 0; TimeProvider.System.GetUtcNow() < deadline; k++)
                {
                    var callId = $"h{args.HostId}t{thread}k{k}";
                    var acquireStart = TimeProvider.System.GetUtcNow().UtcTicks;
                    var result = await slots.TryAcquireAsync(callId, scopes, time.GetCurrentInstant(), ttl);
                    if (!result.IsAcquired)
                    {
                        await Task.Delay(random.Next(2, 10));
                        continue;
                    }

                    log.Line($"L {callId} {TimeProvider.System.GetUtcNow().UtcTicks} {acquireStart}");
                    await Task.Delay(random.Next(10, 60)); // the simulated call
                    log.Line($"R {callId} {TimeProvider.System.GetUtcNow().UtcTicks}");
                    await slots.ReleaseAsync(callId);
                }
            });
        }

        await Task.WhenAll(workers);
        Console.WriteLine("done");
        return 0;
    }
}
