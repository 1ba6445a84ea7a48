using Microsoft.Extensions.Hosting;

namespace Dialer.Persistence;

/// <summary>Flushes the <see cref="DailyStatisticsCollector"/> every <see cref="DailyStatisticsOptions.FlushInterval"/> and once more when the host stops.</summary>
internal sealed class DailyStatisticsFlusher(DailyStatisticsCollector collector, TimeProvider timeProvider) : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await collector.TryFlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(collector.FlushInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                await collector.TryFlushAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
