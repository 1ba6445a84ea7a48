using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Persistence;

/// <summary>Applies a <see cref="RetentionPolicy"/> to a store: computes the cutoffs for now and purges in one transaction.</summary>
/// <remarks>Thread-safe; runs may overlap (each purge is one transaction in the store).</remarks>
public sealed partial class RetentionService
{
    private readonly IStoreDataAccess _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public RetentionService(IStoreDataAccess store, RetentionPolicy policy, TimeProvider? timeProvider = null, ILogger<RetentionService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        _store = store;
        Policy = policy;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The policy applied.</summary>
    public RetentionPolicy Policy { get; }

    /// <summary>Purges what the policy lets go at the current instant.</summary>
    /// <returns>How many rows were deleted per data type.</returns>
    public async Task<StoreDataCounts> RunAsync(CancellationToken cancellationToken = default)
    {
        var cutoffs = Policy.ComputeCutoffs(_timeProvider.GetCurrentInstant());
        var deleted = await _store.PurgeAsync(cutoffs, cancellationToken).ConfigureAwait(false);
        PersistenceMetrics.RecordDeleted(deleted);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            LogPurged(_logger, _store.Provider, deleted.Attempts, deleted.Blocks, deleted.RedialItems, deleted.AnsweringMachineStats, deleted.Campaigns, deleted.DailyStatistics);
        }

        return deleted;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Retention purged from the {Provider} store: {Attempts} attempts, {Blocks} blocks, {RedialItems} redial items, {AnsweringMachineStats} answering-machine rows, {Campaigns} campaigns, {DailyStatistics} daily statistics rows.")]
    private static partial void LogPurged(ILogger logger, string provider, long attempts, long blocks, long redialItems, long answeringMachineStats, long campaigns, long dailyStatistics);
}
