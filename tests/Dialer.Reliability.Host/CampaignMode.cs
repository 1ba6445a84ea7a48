using System.Globalization;
using Dialer.Campaigns;
using Dialer.Core;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Reliability.Host;

/// <summary>
/// Slots and takeover: every process runs every campaign (<c>--bursts</c> campaigns of <c>--numbers</c> leads) with a
/// <see cref="CampaignRunner"/> of its own owner id (<c>h&lt;host&gt;</c>), claiming whatever it can and retrying what
/// it cannot, until every campaign is completed. Calls hold a global slot (limit <c>--cap</c>, TTL
/// <c>--lease-ttl-ms</c>); an owner whose heartbeat is older than <c>--window-ms</c> is taken over. The suite SIGSTOPs
/// an owner past both. Logs (written after each store call returned, with the wall-clock ticks around it):
/// <c>C campaign owner epoch cursor inFlight|- start end</c> (claimed), <c>W campaign owner epoch op ok|refusal|error start end</c>
/// (a fenced write), <c>P callId host ticks</c> (handed to the placer = dialed), <c>L</c>/<c>R</c> (slot held while
/// placing), <c>F campaign state cursor processed</c> (final state, read at exit).
/// </summary>
public static class CampaignMode
{
    /// <summary>Runs until every campaign is completed (or a minute and a half passed).</summary>
    public static async Task<int> RunAsync(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var log = new LogWriter(args.Log);
        var owner = "h" + args.HostId.ToString(CultureInfo.InvariantCulture);
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILeadSource>(new Leads(args.Numbers, args.FirstNumber));
        var admissionStarts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        services.AddSingleton<ICallPlacer>(new Placer(log, args.HostId, args.Seed, admissionStarts));
        var builder = services.AddDialer().AddCampaigns(o =>
        {
            o.Slots.GlobalMaxCalls = args.Cap;
            o.Slots.LeaseTtl = TimeSpan.FromMilliseconds(args.LeaseTtlMilliseconds);
            o.Slots.ReclaimInterval = TimeSpan.FromMilliseconds(args.LeaseTtlMilliseconds);
            o.Runner.OwnerId = owner;
            o.Runner.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.Runner.TakeoverAfter = TimeSpan.FromMilliseconds(args.WindowMilliseconds);
            o.Runner.PollInterval = TimeSpan.FromMilliseconds(100);
            o.Runner.RetryDelay = TimeSpan.FromMilliseconds(20);
        });
        HostServices.AddStore(builder, args);
        await using var provider = services.BuildServiceProvider();
        var time = provider.GetRequiredService<TimeProvider>();
        var store = provider.GetRequiredService<ICampaignStore>();
        var fenced = new LoggingCampaignStore(args.Broken ? new EpochIgnoringCampaignStore(store) : store, log);
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CampaignsOptions>>().Value;
        var runner = new CampaignRunner(
            fenced, provider.GetRequiredService<ILeadSource>(), provider.GetRequiredService<ICallPlacer>(),
            new TimedAdmission(provider.GetRequiredService<IDialAdmission>(), admissionStarts), provider.GetRequiredService<ICallOutcomeReporter>(), time,
            options.Runner, slots: provider.GetRequiredService<SlotManager>());

        // Every process creates and starts every campaign; create is idempotent and start a compare-and-set, so one wins.
        var ids = Enumerable.Range(0, args.Bursts).Select(c => "camp" + c.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var id in ids)
        {
            var (_, created) = await store.CreateAsync(new CampaignDefinition(id), time.GetCurrentInstant());
            if (created.State == CampaignState.Draft)
            {
                await store.TransitionAsync(id, CampaignCommand.Start, CampaignState.Draft, created.Epoch, time.GetCurrentInstant());
            }
        }

        Console.WriteLine("ready");
        var startAt = long.Parse(await Console.In.ReadLineAsync() ?? "0", CultureInfo.InvariantCulture);
        var wait = DateTimeOffset.FromUnixTimeMilliseconds(startAt) - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(90);
        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            while (TimeProvider.System.GetUtcNow() < deadline)
            {
                CampaignSnapshot? current;
                try
                {
                    current = await store.GetAsync(id);
                }
#pragma warning disable CA1031 // as above
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    log.Line($"E {id}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
                    await Task.Delay(150);
                    continue;
                }

                if (current is null || CampaignLifecycle.IsTerminal(current.State))
                {
                    return;
                }

                try
                {
                    var result = await runner.RunAsync(id);
                    if (result.Status is CampaignRunStatus.Completed or CampaignRunStatus.Cancelled or CampaignRunStatus.Failed)
                    {
                        return;
                    }
                }
#pragma warning disable CA1031 // A store error (e.g. busy past its timeout) ends this run; like the runner service, try again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    log.Line($"E {id}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
                }

                await Task.Delay(150); // not claimed (owner alive) or fenced: try again
            }
        })));

        foreach (var id in ids)
        {
            var final = await store.GetAsync(id);
            log.Line($"F {id} {final?.State} {final?.Cursor} {final?.Processed}");
        }

        Console.WriteLine("done");
        return 0;
    }

    private static long Ticks() => TimeProvider.System.GetUtcNow().UtcTicks;

    private sealed class Leads(int count, ulong firstNumber) : ILeadSource
    {
        public ValueTask<long> CountAsync(string campaignId, CancellationToken cancellationToken) => ValueTask.FromResult((long)count);

        public ValueTask<IReadOnlyList<CampaignLead>> GetLeadsAsync(string campaignId, long startIndex, int maxCount, CancellationToken cancellationToken)
        {
            var campaign = ulong.Parse(campaignId.AsSpan(4), CultureInfo.InvariantCulture);
            var list = new List<CampaignLead>();
            for (var i = startIndex; i < count && list.Count < maxCount; i++)
            {
                list.Add(new CampaignLead($"{campaignId}-lead{i}", PhoneNumber.FromValue(firstNumber + (campaign * 10_000UL) + (ulong)i)));
            }

            return ValueTask.FromResult<IReadOnlyList<CampaignLead>>(list);
        }
    }

    /// <summary>Notes when each admission (which acquires the call's slot lease) started, for the lease checker.</summary>
    private sealed class TimedAdmission(IDialAdmission inner, System.Collections.Concurrent.ConcurrentDictionary<string, long> starts) : IDialAdmission
    {
        public ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, CancellationToken cancellationToken = default)
        {
            starts[request.CallId] = Ticks();
            return inner.AdmitAsync(request, cancellationToken);
        }

        public ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default)
        {
            starts[request.CallId] = Ticks();
            return inner.AdmitAsync(request, at, cancellationToken);
        }

        public ValueTask<AdmissionDecision> CheckAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default) =>
            inner.CheckAsync(request, at, cancellationToken);
    }

    private sealed class Placer(LogWriter log, int host, int seed, System.Collections.Concurrent.ConcurrentDictionary<string, long> admissionStarts) : ICallPlacer
    {
        private readonly Random _random = new(HashCode.Combine(seed, host));

        public async ValueTask<CallOutcome> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
        {
            // Dialed: logged before the call (a pause right here still counts as placed).
            log.Line($"P {request.CallId} {host} {Ticks()}");
            log.Line($"L {request.CallId}@h{host} {Ticks()} {(admissionStarts.TryRemove(request.CallId, out var started) ? started : Ticks())}");
            int duration;
            lock (_random)
            {
                duration = _random.Next(10, 40);
            }

            await Task.Delay(duration, CancellationToken.None);
            log.Line($"R {request.CallId}@h{host} {Ticks()}");
            return new CallOutcome(request, Disposition.NoAnswer, Instant.FromDateTimeOffset(TimeProvider.System.GetUtcNow()));
        }
    }
}

/// <summary>Logs every claim and every fenced write (with the caller's owner and epoch) around the inner store's answer.</summary>
internal sealed class LoggingCampaignStore(ICampaignStore inner, LogWriter log) : ICampaignStore
{
    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default) =>
        inner.CreateAsync(definition, now, cancellationToken);

    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetAsync(campaignId, cancellationToken);

    public ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default) => inner.ListAsync(state, cancellationToken);

    public async ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default)
    {
        var start = Ticks();
        var claim = await inner.TryClaimAsync(campaignId, ownerId, now, staleAfter, cancellationToken);
        if (claim.Succeeded)
        {
            log.Line($"C {campaignId} {ownerId} {claim.Snapshot.Epoch} {claim.Snapshot.Cursor} {claim.Snapshot.InFlightCallId ?? "-"} {start} {Ticks()}");
        }

        return claim;
    }

    public ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default) =>
        Logged(campaignId, "-", expectedEpoch, "transition-" + command, () => inner.TransitionAsync(campaignId, command, expectedState, expectedEpoch, now, error, cancellationToken));

    public ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default) =>
        Logged(campaignId, ownerId, epoch, "heartbeat", () => inner.HeartbeatAsync(campaignId, ownerId, epoch, now, cancellationToken));

    public ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default) =>
        Logged(checkpoint.CampaignId, checkpoint.OwnerId, checkpoint.Epoch, "checkpoint@" + checkpoint.Cursor.ToString(CultureInfo.InvariantCulture), () => inner.CheckpointAsync(checkpoint, now, cancellationToken));

    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default) =>
        Logged(campaignId, ownerId, epoch, "release", () => inner.ReleaseOwnershipAsync(campaignId, ownerId, epoch, now, cancellationToken));

    private static long Ticks() => TimeProvider.System.GetUtcNow().UtcTicks;

    private async ValueTask<CampaignResult> Logged(string campaignId, string ownerId, long epoch, string op, Func<ValueTask<CampaignResult>> write)
    {
        var start = Ticks();
        try
        {
            var result = await write();
            log.Line($"W {campaignId} {ownerId} {epoch} {op} {(result.Succeeded ? "ok" : result.Refusal.ToString())} {start} {Ticks()}");
            return result;
        }
        catch
        {
            log.Line($"W {campaignId} {ownerId} {epoch} {op} error {start} {Ticks()}");
            throw;
        }
    }
}

/// <summary>
/// Deliberately broken (the checker must catch it): writes go through with whatever owner and epoch the store holds
/// now, so a paused former owner's late writes are accepted instead of fenced.
/// </summary>
internal sealed class EpochIgnoringCampaignStore(ICampaignStore inner) : ICampaignStore
{
    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default) =>
        inner.CreateAsync(definition, now, cancellationToken);

    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetAsync(campaignId, cancellationToken);

    public ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default) => inner.ListAsync(state, cancellationToken);

    public ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default) =>
        inner.TryClaimAsync(campaignId, ownerId, now, staleAfter, cancellationToken);

    public async ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default)
    {
        var current = await inner.GetAsync(campaignId, cancellationToken);
        return await inner.TransitionAsync(campaignId, command, expectedState, current?.Epoch ?? expectedEpoch, now, error, cancellationToken);
    }

    public async ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        var current = await inner.GetAsync(campaignId, cancellationToken);
        return await inner.HeartbeatAsync(campaignId, current?.OwnerId ?? ownerId, current?.Epoch ?? epoch, now, cancellationToken);
    }

    public async ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default)
    {
        var current = await inner.GetAsync(checkpoint.CampaignId, cancellationToken);
        if (current?.OwnerId is not { } owner || current.Epoch <= 0)
        {
            return await inner.CheckpointAsync(checkpoint, now, cancellationToken);
        }

        return await inner.CheckpointAsync(
            new CampaignCheckpoint(checkpoint.CampaignId, owner, current.Epoch)
            {
                Cursor = checkpoint.Cursor,
                InFlightCallId = checkpoint.InFlightCallId,
                Processed = checkpoint.Processed,
                TotalLeads = checkpoint.TotalLeads,
                OutcomeCounts = checkpoint.OutcomeCounts,
                PlacementErrors = checkpoint.PlacementErrors,
                ConsecutivePlacementErrors = checkpoint.ConsecutivePlacementErrors,
            },
            now,
            cancellationToken);
    }

    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default) =>
        inner.ReleaseOwnershipAsync(campaignId, ownerId, epoch, now, cancellationToken);
}
