using Dialer.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dialer.Campaigns;

/// <summary>
/// A hosted service that keeps this host's share of campaigns running: every
/// <see cref="CampaignRunnerOptions.PollInterval"/> it looks for Running campaigns with no live owner and runs up to
/// <see cref="CampaignRunnerOptions.MaxConcurrentCampaigns"/> of them with <see cref="CampaignRunner"/>. On shutdown every
/// runner stops gracefully (checkpoint, slots released, ownership handed back). Registered by
/// <c>AddCampaignRunnerService()</c>.
/// </summary>
public sealed partial class CampaignRunnerService : BackgroundService
{
    private readonly CampaignRunner _runner;
    private readonly ICampaignStore _campaigns;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _pollInterval;
    private readonly int _maxCampaigns;
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    public CampaignRunnerService(CampaignRunner runner, ICampaignStore campaigns, TimeProvider timeProvider, IOptions<CampaignsOptions> options, ILogger<CampaignRunnerService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(campaigns);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _campaigns = campaigns;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _pollInterval = options.Value.Runner.PollInterval;
        _maxCampaigns = options.Value.Runner.MaxConcurrentCampaigns;
    }

    /// <summary>The ids of the campaigns this service is running now.</summary>
    public IReadOnlyCollection<string> RunningCampaigns
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Keys];
            }
        }
    }

    /// <summary>Looks once for claimable campaigns and starts runners for them (what each poll does).</summary>
    public async Task PollOnceAsync(CancellationToken stoppingToken)
    {
        var running = await _campaigns.ListAsync(CampaignState.Running, stoppingToken).ConfigureAwait(false);
        var now = _timeProvider.GetCurrentInstant();
        foreach (var campaign in running)
        {
            lock (_running)
            {
                if (_running.Count >= _maxCampaigns || _running.ContainsKey(campaign.Id))
                {
                    continue;
                }

                var mine = string.Equals(campaign.OwnerId, _runner.OwnerId, StringComparison.Ordinal);
                if (!mine && !campaign.IsOwnerStale(now, _runner.TakeoverAfter))
                {
                    continue;
                }

                // Each campaign runs on the thread pool; its cleanup takes this lock, so it cannot run before the add.
                _running[campaign.Id] = Task.Run(() => RunOneAsync(campaign.Id, stoppingToken), CancellationToken.None);
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PollOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
#pragma warning disable CA1031 // A failed poll (store briefly unavailable) is retried on the next one.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.PollFailed(_logger, ex);
                }

                await Task.Delay(_pollInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] remaining;
        lock (_running)
        {
            remaining = [.. _running.Values];
        }

        await Task.WhenAll(remaining).ConfigureAwait(false);
    }

    /// <summary>Completes when every run started so far has ended.</summary>
    internal Task WhenRunsEndAsync()
    {
        lock (_running)
        {
            return Task.WhenAll([.. _running.Values]);
        }
    }

    private async Task RunOneAsync(string campaignId, CancellationToken stoppingToken)
    {
        try
        {
            var result = await _runner.RunAsync(campaignId, stoppingToken).ConfigureAwait(false);
            Log.RunEnded(_logger, campaignId, result.Status, result.Cursor);
        }
#pragma warning disable CA1031 // One campaign's failure must not stop the others; the next poll may claim it again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RunFailed(_logger, ex, campaignId);
        }
        finally
        {
            lock (_running)
            {
                _running.Remove(campaignId);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Looking for campaigns to run failed; retrying on the next poll")]
        public static partial void PollFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Campaign {CampaignId} run ended: {Status} at lead {Cursor}")]
        public static partial void RunEnded(ILogger logger, string campaignId, CampaignRunStatus status, long cursor);

        [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Campaign {CampaignId} run failed")]
        public static partial void RunFailed(ILogger logger, Exception exception, string campaignId);
    }
}

/// <summary>A hosted service that reclaims expired slot leases every <see cref="SlotOptions.ReclaimInterval"/>. Registered by <c>AddCampaigns</c>.</summary>
public sealed partial class SlotMaintenanceService : BackgroundService
{
    private readonly SlotManager _slots;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public SlotMaintenanceService(SlotManager slots, TimeProvider timeProvider, IOptions<CampaignsOptions> options, ILogger<SlotMaintenanceService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _slots = slots;
        _timeProvider = timeProvider;
        _interval = options.Value.Slots.ReclaimInterval;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_interval, _timeProvider, stoppingToken).ConfigureAwait(false);
                try
                {
                    await _slots.ReclaimExpiredAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // Retried on the next interval; acquires also skip expired leases meanwhile.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.ReclaimFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6301, Level = LogLevel.Warning, Message = "Reclaiming expired slot leases failed; retrying on the next interval")]
        public static partial void ReclaimFailed(ILogger logger, Exception exception);
    }
}
