using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// Records call outcomes in the attempt ledger (<see cref="CallOutcomeHandlerOrder.Protection"/>: first, so redial
/// reads the recorded history) and creates what each disposition calls for: a final block, a cool-down or a
/// do-not-call entry, per <see cref="ProtectionOptions"/>. Idempotent by attempt id (webhooks retry): the blocks'
/// ids derive from the attempt id, and the ledger stores an outcome once.
/// </summary>
public sealed class ProtectionOutcomeHandler : ICallOutcomeHandler
{
    private readonly IAttemptLedger _ledger;
    private readonly ProtectionSettings _settings;
    private readonly ILogger _logger;

    /// <summary>Creates the handler from options (validated here; every error reported at once).</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public ProtectionOutcomeHandler(IAttemptLedger ledger, ProtectionOptions options, IDateTimeZoneProvider? zones = null, ILogger<ProtectionOutcomeHandler>? logger = null)
        : this(ledger, new ProtectionSettings(options ?? throw new ArgumentNullException(nameof(options)), zones ?? DateTimeZoneProviders.Tzdb), logger)
    {
    }

    /// <summary>Creates the handler from DI options.</summary>
    public ProtectionOutcomeHandler(IAttemptLedger ledger, IOptions<ProtectionOptions> options, IDateTimeZoneProvider zones, ILogger<ProtectionOutcomeHandler>? logger = null)
        : this(ledger, (options ?? throw new ArgumentNullException(nameof(options))).Value, zones, logger)
    {
    }

    internal ProtectionOutcomeHandler(IAttemptLedger ledger, ProtectionSettings settings, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _ledger = ledger;
        _settings = settings;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public int Order => CallOutcomeHandlerOrder.Protection;

    /// <summary>The blocks an outcome creates under the configured rules (empty when it creates none).</summary>
    public IReadOnlyList<ProtectionBlock> BlocksFor(CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return _settings.BlocksFor(outcome);
    }

    /// <inheritdoc/>
    public async ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_settings.Enabled)
        {
            return;
        }

        var blocks = _settings.BlocksFor(outcome);
        var status = await _ledger.RecordOutcomeAsync(outcome, blocks, cancellationToken).ConfigureAwait(false);
        if (ProtectionMetrics.OutcomeCounter.Enabled)
        {
            ProtectionMetrics.OutcomeCounter.Add(1, new KeyValuePair<string, object?>("dialer.outcome_status", StatusTag(status)));
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above.
            ProtectionLog.OutcomeRecorded(_logger, outcome.Disposition.Code, outcome.AttemptId, outcome.Request.Phone.ToMaskedString(), status, status == OutcomeRecordStatus.Unchanged ? 0 : blocks.Count);
#pragma warning restore CA1873
        }
    }

    private static string StatusTag(OutcomeRecordStatus status) => status switch
    {
        OutcomeRecordStatus.Recorded => "recorded",
        OutcomeRecordStatus.Updated => "updated",
        OutcomeRecordStatus.Unchanged => "unchanged",
        _ => "recorded_as_new_attempt",
    };
}
