using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Persistence;

/// <summary>Runs <see cref="RetentionService"/> on start and then every <see cref="RetentionOptions.RunInterval"/>; a failed run is logged and retried at the next interval.</summary>
internal sealed partial class RetentionBackgroundService : BackgroundService
{
    private readonly RetentionService _service;
    private readonly TimeSpan _interval;
    private readonly bool _enabled;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public RetentionBackgroundService(RetentionService service, RetentionOptions options, TimeProvider timeProvider, ILogger<RetentionBackgroundService>? logger)
    {
        _service = service;
        _interval = options.RunInterval;
        _enabled = options.RunInBackground;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _service.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed purge must not stop the host; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(_interval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7102, Level = LogLevel.Error, Message = "Retention purge failed; it runs again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
