using Dialer.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// Writes each finished local day's calls to <c>calls_YYYY-MM-DD.jsonl</c> (<see cref="StoreDataTransfer.ExportDailyCallsAsync"/>):
/// as a hosted service it runs on start (catching up missing files of the last <see cref="DailyCallsExportOptions.CatchUpDays"/>
/// days) and then daily at <see cref="DailyCallsExportOptions.ExportAfter"/> past local midnight. A file that exists is
/// never rewritten, so restarts and several hosts sharing a directory do not fight; a failed day is logged and tried
/// again at the next run.
/// </summary>
public sealed partial class DailyCallsExportService : BackgroundService
{
    private readonly IStoreDataAccess _store;
    private readonly IStoreMaintenance? _maintenance;
    private readonly DateTimeZone _zone;
    private readonly Duration _exportAfter;
    private readonly int _catchUpDays;
    private readonly bool _runInBackground;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service, validating <paramref name="options"/> (every problem at once) and copying them.</summary>
    /// <param name="options">The options.</param>
    /// <param name="store">The store whose attempts are exported.</param>
    /// <param name="maintenance">The same store's maintenance interface, for the schema version in each file's header; optional.</param>
    /// <param name="zones">Resolves <see cref="DailyCallsExportOptions.ZoneId"/> (TZDB when null).</param>
    /// <param name="timeProvider">The clock (the system clock when null).</param>
    /// <param name="logger">Logs each file written and each failure.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid.</exception>
    public DailyCallsExportService(
        DailyCallsExportOptions options,
        IStoreDataAccess store,
        IStoreMaintenance? maintenance = null,
        IDateTimeZoneProvider? zones = null,
        TimeProvider? timeProvider = null,
        ILogger<DailyCallsExportService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        zones ??= DateTimeZoneProviders.Tzdb;
        new DailyCallsExportOptionsValidator(zones).ThrowIfInvalid(options);
        _store = store;
        _maintenance = maintenance;
        _zone = zones[options.ZoneId];
        _exportAfter = Duration.FromTimeSpan(options.ExportAfter);
        _catchUpDays = options.CatchUpDays;
        _runInBackground = options.RunInBackground;
        Directory = Path.GetFullPath(options.Directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute directory the files are written to.</summary>
    public string Directory { get; }

    /// <summary>
    /// Exports every finished day of the last <see cref="DailyCallsExportOptions.CatchUpDays"/> days whose file is missing
    /// (a day counts as finished <see cref="DailyCallsExportOptions.ExportAfter"/> after its local midnight ends it).
    /// </summary>
    /// <returns>The paths written, oldest day first (empty when every file already exists).</returns>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var lastFinished = LastFinishedDay(_timeProvider.GetCurrentInstant());
        var written = new List<string>();
        for (var day = lastFinished.PlusDays(1 - _catchUpDays); day <= lastFinished; day = day.PlusDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (File.Exists(Path.Combine(Directory, StoreDataTransfer.DailyCallsFileName(day))))
            {
                continue;
            }

            var path = await StoreDataTransfer.ExportDailyCallsAsync(_store, Directory, day, _zone, _maintenance, _timeProvider, cancellationToken)
                .ConfigureAwait(false);
            LogWritten(_logger, path);
            written.Add(path);
        }

        return written;
    }

    /// <summary>The last local day that is finished at <paramref name="now"/> (its next midnight plus the delay has passed).</summary>
    internal LocalDate LastFinishedDay(Instant now)
    {
        var today = now.InZone(_zone).Date;
        return now >= _zone.AtStartOfDay(today).ToInstant() + _exportAfter ? today.PlusDays(-1) : today.PlusDays(-2);
    }

    /// <summary>The next instant after <paramref name="now"/> at which a new day becomes finished.</summary>
    internal Instant NextRunAfter(Instant now)
    {
        var today = now.InZone(_zone).Date;
        var run = _zone.AtStartOfDay(today).ToInstant() + _exportAfter;
        return run > now ? run : _zone.AtStartOfDay(today.PlusDays(1)).ToInstant() + _exportAfter;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_runInBackground)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed export must not stop the host; the missing file is written by a later run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex, Directory);
            }

            var now = _timeProvider.GetCurrentInstant();
            try
            {
                await Task.Delay((NextRunAfter(now) - now).ToTimeSpan(), _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Daily calls export written to {Path}")]
    private static partial void LogWritten(ILogger logger, string path);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Error, Message = "Daily calls export into {Directory} failed; missing days are written at the next run")]
    private static partial void LogFailed(ILogger logger, Exception exception, string directory);
}
