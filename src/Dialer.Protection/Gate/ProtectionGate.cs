using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The protection layer of the composite admission (<see cref="AdmissionGateOrder.Protection"/>: the commit point).
/// <see cref="AdmissionGate.EnterAsync"/> is the ledger's atomic check-and-record and holds the recorded attempt;
/// <see cref="AdmissionGate.CheckAsync"/> evaluates without recording; <see cref="AdmissionGate.RollbackAsync"/> voids
/// the attempt. Denials carry <see cref="DenialCategory.Protection"/> and every reason with its clear instant; a ledger
/// failure denies with <see cref="DenialCategory.Store"/> (fail closed).
/// </summary>
/// <remarks>
/// Thread-safe. With the in-memory ledger, allowed and single-reason denied admissions allocate nothing. Calendar-day
/// caps use the callee's zone: the first candidate of the <see cref="ICalleeZoneResolver"/> when one is registered,
/// else the request's <see cref="DialRequest.CalleeZoneId"/>, else <see cref="ProtectionOptions.FallbackZoneId"/>.
/// </remarks>
public sealed class ProtectionGate : AdmissionGate
{
    private readonly IAttemptLedger _ledger;
    private readonly ProtectionSettings _settings;
    private readonly IDateTimeZoneProvider _zones;
    private readonly ICalleeZoneResolver? _calleeZones;
    private readonly ILogger _logger;

    /// <summary>Creates the gate from options (validated here; every error is reported at once).</summary>
    /// <param name="ledger">The attempt ledger.</param>
    /// <param name="options">The rules.</param>
    /// <param name="zones">Resolves zone ids (TZDB when null).</param>
    /// <param name="calleeZones">Resolves the callee's zone for calendar-day caps, when registered.</param>
    /// <param name="logger">Logs ledger failures (and denials at Debug), numbers masked.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public ProtectionGate(IAttemptLedger ledger, ProtectionOptions options, IDateTimeZoneProvider? zones = null, ICalleeZoneResolver? calleeZones = null, ILogger<ProtectionGate>? logger = null)
        : this(ledger, new ProtectionSettings(options ?? throw new ArgumentNullException(nameof(options)), zones ?? DateTimeZoneProviders.Tzdb), zones ?? DateTimeZoneProviders.Tzdb, calleeZones, logger)
    {
    }

    /// <summary>Creates the gate from DI options.</summary>
    public ProtectionGate(IAttemptLedger ledger, IOptions<ProtectionOptions> options, IDateTimeZoneProvider zones, ICalleeZoneResolver? calleeZones = null, ILogger<ProtectionGate>? logger = null)
        : this(ledger, (options ?? throw new ArgumentNullException(nameof(options))).Value, zones, calleeZones, logger)
    {
    }

    internal ProtectionGate(IAttemptLedger ledger, ProtectionSettings settings, IDateTimeZoneProvider zones, ICalleeZoneResolver? calleeZones, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _ledger = ledger;
        _settings = settings;
        _zones = zones;
        _calleeZones = calleeZones;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public override string Name => "protection";

    /// <inheritdoc/>
    public override int Order => AdmissionGateOrder.Protection;

    /// <summary>The rules the gate passes to the ledger.</summary>
    public ProtectionRules Rules => _settings.Rules;

    /// <summary>Whether protection is enabled.</summary>
    public bool Enabled => _settings.Enabled;

    /// <summary>
    /// The zone whose local days calendar-day caps without a zone of their own count in, for <paramref name="request"/>.
    /// </summary>
    public DateTimeZone CalleeZoneFor(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_settings.Rules.NeedsCalleeZone)
        {
            return _settings.FallbackZone;
        }

        if (_calleeZones is not null)
        {
            var candidates = _calleeZones.Resolve(request);
            if (candidates.Count > 0)
            {
                return candidates[0].Zone;
            }
        }

        return request.CalleeZoneId is { } id && _zones.GetZoneOrNull(id) is { } zone ? zone : _settings.FallbackZone;
    }

    /// <inheritdoc/>
    protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        if (!_settings.Enabled)
        {
            return new(GateResult.Allowed);
        }

        ValueTask<LedgerResult> pending;
        try
        {
            pending = _ledger.EvaluateAsync(new AttemptContext(request, at, CalleeZoneFor(request)), _settings.Rules, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(StoreFailed(request, at, ex));
        }

        return pending.IsCompletedSuccessfully ? new(MapCheck(request, at, pending.Result)) : AwaitAsync(pending, request, at, enter: false);
    }

    /// <inheritdoc/>
    protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        if (!_settings.Enabled)
        {
            return new(GateResult.Allowed);
        }

        ValueTask<LedgerResult> pending;
        try
        {
            pending = _ledger.TryRecordAttemptAsync(new AttemptContext(request, at, CalleeZoneFor(request)), _settings.Rules, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new(StoreFailed(request, at, ex));
        }

        return pending.IsCompletedSuccessfully ? new(MapEnter(request, at, pending.Result)) : AwaitAsync(pending, request, at, enter: true);
    }

    /// <inheritdoc/>
    protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken)
    {
        if (!_settings.Enabled)
        {
            return ValueTask.CompletedTask;
        }

        // No state machine when the ledger voids synchronously (the in-memory one always does).
        ValueTask<bool> pending;
        try
        {
            pending = _ledger.VoidAttemptAsync(request, cancellationToken);
        }
#pragma warning disable CA1031 // Not swallowed: returned as the faulted task, as the async method this replaces did.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromException(ex);
        }

        if (pending.IsCompletedSuccessfully)
        {
            _ = pending.Result;
            return ValueTask.CompletedTask;
        }

        return AwaitVoidAsync(pending);
    }

    private static async ValueTask AwaitVoidAsync(ValueTask<bool> pending) => await pending.ConfigureAwait(false);

    private async ValueTask<GateResult> AwaitAsync(ValueTask<LedgerResult> pending, DialRequest request, Instant at, bool enter)
    {
        LedgerResult result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StoreFailed(request, at, ex);
        }

        return enter ? MapEnter(request, at, result) : MapCheck(request, at, result);
    }

    private GateResult MapEnter(DialRequest request, Instant at, in LedgerResult result)
    {
        switch (result.Status)
        {
            case LedgerStatus.Recorded when result.RecordedAt is { } recordedAt:
                if (ProtectionMetrics.AttemptCounter.Enabled)
                {
                    ProtectionMetrics.AttemptCounter.Add(1);
                }

                return GateResult.AllowedWithAttempt(recordedAt);
            case LedgerStatus.AlreadyRecorded when result.RecordedAt is { } recordedAt:
                return GateResult.AllowedWithAttempt(recordedAt);
            case LedgerStatus.Denied when result.Reasons.Count > 0:
                return Denied(request, result.Reasons);
            default:
                return Inconsistent(request, at, result.Status);
        }
    }

    private GateResult MapCheck(DialRequest request, Instant at, in LedgerResult result) => result.Status switch
    {
        LedgerStatus.Allowed or LedgerStatus.AlreadyRecorded => GateResult.Allowed,
        LedgerStatus.Denied when result.Reasons.Count > 0 => Denied(request, result.Reasons),
        _ => Inconsistent(request, at, result.Status),
    };

    private GateResult Denied(DialRequest request, DenialReasonList reasons)
    {
        if (ProtectionMetrics.DenialCounter.Enabled)
        {
            ProtectionMetrics.DenialCounter.Add(1, new KeyValuePair<string, object?>("dialer.reason", reasons[0].Code));
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above.
            ProtectionLog.Denied(_logger, request.CallId, request.Phone.ToMaskedString(), reasons);
#pragma warning restore CA1873
        }

        return GateResult.Denied(reasons);
    }

    private GateResult Inconsistent(DialRequest request, Instant at, LedgerStatus status)
    {
        ProtectionLog.LedgerInconsistent(_logger, status, request.CallId);
        return StoreDenial(at);
    }

    private GateResult StoreFailed(DialRequest request, Instant at, Exception exception)
    {
        if (_logger.IsEnabled(LogLevel.Error))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above.
            ProtectionLog.LedgerFailed(_logger, exception, request.CallId, request.Phone.ToMaskedString());
#pragma warning restore CA1873
        }

        return StoreDenial(at);
    }

    private GateResult StoreDenial(Instant at)
    {
        if (ProtectionMetrics.StoreFailureCounter.Enabled)
        {
            ProtectionMetrics.StoreFailureCounter.Add(1);
        }

        return GateResult.Denied(ProtectionReasons.StoreFailure(at + _settings.StoreRetryDelay));
    }
}
