using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Core;

/// <summary>
/// The composite admission (see <see cref="IDialAdmission"/>). Gates run in <see cref="AdmissionGate.Order"/>;
/// the first denial rolls back, in reverse order, what earlier gates took, then (when
/// <see cref="DialerOptions.ReportAllReasons"/> is set) the remaining gates are asked without taking anything so
/// the decision lists every reason (a gate that throws while only being asked for its reasons is logged and left out:
/// the call is denied either way). A gate that throws while deciding fails the admission closed: earlier holds are
/// rolled back and the exception propagates.
/// </summary>
/// <remarks>Thread-safe. When every gate completes synchronously and allows, an admission allocates nothing.</remarks>
public sealed class DialAdmission : IDialAdmission
{
    private const int MaxGates = 64;

    private readonly AdmissionGate[] _gates;
    private readonly TimeProvider _timeProvider;
    private readonly ICallingWindow? _callingWindow;
    private readonly ILogger _logger;
    private readonly bool _reportAllReasons;
    private readonly IAdmissionObserver[] _observers;

    /// <summary>Creates the composite admission.</summary>
    /// <param name="gates">The gates; run in <see cref="AdmissionGate.Order"/> (ties keep registration order).</param>
    /// <param name="timeProvider">The clock for <see cref="AdmitAsync(DialRequest, CancellationToken)"/>.</param>
    /// <param name="options">Suite options.</param>
    /// <param name="callingWindow">When present, a denial's next-eligible instant is moved to the next open window.</param>
    /// <param name="logger">Logs denials at Debug with the phone number masked.</param>
    /// <param name="observers">Told of every decision <see cref="AdmitAsync(DialRequest, Instant, CancellationToken)"/> makes.</param>
    public DialAdmission(
        IEnumerable<AdmissionGate> gates,
        TimeProvider timeProvider,
        IOptions<DialerOptions>? options = null,
        ICallingWindow? callingWindow = null,
        ILogger<DialAdmission>? logger = null,
        IEnumerable<IAdmissionObserver>? observers = null)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _gates = [.. gates.Select((g, i) => (g ?? throw new ArgumentException($"gates[{i}] is null.", nameof(gates)), i))
            .OrderBy(x => x.Item1.Order).ThenBy(x => x.i).Select(x => x.Item1)];
        if (_gates.Length > MaxGates)
        {
            throw new ArgumentException($"At most {MaxGates} gates are supported; got {_gates.Length}.", nameof(gates));
        }

        _timeProvider = timeProvider;
        _callingWindow = callingWindow;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var o = options?.Value ?? new DialerOptions();
        DialerOptionsValidator.ThrowIfInvalid(o);
        _reportAllReasons = o.ReportAllReasons;
        _observers = observers is null
            ? []
            : [.. observers.Select((x, i) => x ?? throw new ArgumentException($"observers[{i}] is null.", nameof(observers)))];
    }

    /// <summary>The gates in the order they run.</summary>
    public IReadOnlyList<AdmissionGate> Gates => _gates;

    /// <inheritdoc/>
    public ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, CancellationToken cancellationToken = default) =>
        AdmitAsync(request, _timeProvider.GetCurrentInstant(), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(request, at, enter: true, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask<AdmissionDecision> CheckAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RunAsync(request, at, enter: false, cancellationToken);
    }

    /// <summary>
    /// The synchronous fast path: while every gate completes synchronously and allows, no async state machine runs.
    /// The first gate that denies, is still pending, faults or throws (or a cancellation) hands the run, with what is
    /// held so far, to <see cref="ContinueAsync"/>, which behaves exactly as the whole run would have.
    /// </summary>
    private ValueTask<AdmissionDecision> RunAsync(DialRequest request, Instant at, bool enter, CancellationToken cancellationToken)
    {
        var progress = new Progress(CoreMetrics.DurationHistogram.Enabled ? Stopwatch.GetTimestamp() : 0L);
        var gates = _gates;
        for (var i = 0; i < gates.Length; i++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ContinueAsync(request, at, enter, i, asked: false, default, progress, cancellationToken);
            }

            var gate = gates[i];
#pragma warning disable CA2012 // Consumed once: either read here (completed) or awaited once by ContinueAsync (pending).
            ValueTask<GateResult> pending;
            try
            {
                pending = enter ? gate.EnterAsync(request, at, cancellationToken) : gate.CheckAsync(request, at, cancellationToken);
            }
#pragma warning disable CA1031 // Not swallowed: handed to the general path, which rolls back and rethrows it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                pending = ValueTask.FromException<GateResult>(ex);
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return ContinueAsync(request, at, enter, i, asked: true, pending, progress, cancellationToken);
            }

            var result = pending.Result;
            if (!result.IsAllowed)
            {
                // The denial path (rollback, every reason) is the general one; the answer is passed on as a fresh value.
                return ContinueAsync(request, at, enter, i, asked: true, new ValueTask<GateResult>(result), progress, cancellationToken);
            }

            progress.Add(i, result);
#pragma warning restore CA2012
        }

        var decision = AdmissionDecision.Allow(at, request.CallId, progress.Holds, progress.RecordedAt, progress.LeaseExpiresAt);
        Finish(request, decision, enter, progress.Started);
        return new(decision);
    }

    /// <summary>
    /// The general path, from gate <paramref name="index"/> on. When <paramref name="asked"/>, <paramref name="pending"/> is
    /// that gate's answer, not yet awaited; otherwise the gate has not been asked (cancellation was requested first).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AdmissionDecision> ContinueAsync(DialRequest request, Instant at, bool enter, int index, bool asked, ValueTask<GateResult> pending, Progress progress, CancellationToken cancellationToken)
    {
        var started = progress.Started;
        var held = progress.Held;
        var holds = progress.Holds;
        Instant? recordedAt = progress.RecordedAt;
        Instant? leaseExpiresAt = progress.LeaseExpiresAt;
        AdmissionDecision decision;
        try
        {
            var deniedAt = -1;
            var reasons = DenialReasonList.Empty;
            for (var i = index; i < _gates.Length; i++)
            {
                GateResult result;
                if (i == index && asked)
                {
                    result = await pending.ConfigureAwait(false);
                }
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var gate = _gates[i];
                    result = enter
                        ? await gate.EnterAsync(request, at, cancellationToken).ConfigureAwait(false)
                        : await gate.CheckAsync(request, at, cancellationToken).ConfigureAwait(false);
                }

                if (!result.IsAllowed)
                {
                    deniedAt = i;
                    reasons = result.Reasons;
                    break;
                }

                if (result.Holds != AdmissionHolds.None)
                {
                    held |= 1UL << i;
                    holds |= result.Holds;
                    recordedAt ??= result.RecordedAt;
                    leaseExpiresAt ??= result.LeaseExpiresAt;
                }
            }

            if (deniedAt < 0)
            {
                decision = AdmissionDecision.Allow(at, request.CallId, holds, recordedAt, leaseExpiresAt);
            }
            else
            {
                await RollbackAsync(request, held, cancellationToken).ConfigureAwait(false);
                held = 0;
                if (_reportAllReasons)
                {
                    for (var j = deniedAt + 1; j < _gates.Length; j++)
                    {
                        GateResult more;
                        try
                        {
                            more = await _gates[j].CheckAsync(request, at, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            // The call is already denied; a gate that cannot answer the extra question must not turn
                            // the denial into an error. Its reasons are simply missing from the list.
                            CoreLog.ReasonCheckFailed(_logger, ex, _gates[j].Name, request.CallId);
                            continue;
                        }

                        if (!more.IsAllowed)
                        {
                            reasons = reasons.Concat(more.Reasons);
                        }
                    }
                }

                decision = AdmissionDecision.Deny(at, reasons, NextEligible(request, reasons));
                if (_logger.IsEnabled(LogLevel.Debug))
                {
#pragma warning disable CA1873 // Guarded by IsEnabled above; the masked number is only built when Debug is on.
                    CoreLog.AdmissionDenied(_logger, request.CallId, request.Phone.ToMaskedString(), reasons);
#pragma warning restore CA1873
                }
            }
        }
        catch
        {
            if (held != 0)
            {
                await RollbackAsync(request, held, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        Finish(request, decision, enter, started);
        return decision;
    }

    private void Finish(DialRequest request, in AdmissionDecision decision, bool enter, long started)
    {
        Record(decision, started);
        if (enter && _observers.Length != 0)
        {
            Notify(request, decision);
        }
    }

    private void Notify(DialRequest request, in AdmissionDecision decision)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnAdmission(request, decision);
            }
#pragma warning disable CA1031 // An observer must never change or fail a decision that is already final.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CoreLog.ObserverFailed(_logger, ex, observer.GetType().Name, request.CallId);
            }
        }
    }

    private Instant? NextEligible(DialRequest request, DenialReasonList reasons)
    {
        var allClear = reasons.AllClearAt;
        if (allClear is not { } at || _callingWindow is null || reasons.AllOf(DenialCategory.CallingWindow))
        {
            // A window reason's clear instant already is the next open instant.
            return allClear;
        }

        return _callingWindow.NextOpen(request, at);
    }

    private async ValueTask RollbackAsync(DialRequest request, ulong held, CancellationToken cancellationToken)
    {
        for (var i = _gates.Length - 1; i >= 0; i--)
        {
            if ((held & (1UL << i)) == 0)
            {
                continue;
            }

            try
            {
                await _gates[i].RollbackAsync(request, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed rollback must not hide the denial; what the gate holds expires on its own.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CoreLog.RollbackFailed(_logger, ex, _gates[i].Name, request.CallId);
            }
        }
    }

    private static void Record(in AdmissionDecision decision, long started)
    {
        if (started == 0 && !CoreMetrics.DecisionCounter.Enabled)
        {
            return;
        }

        var outcome = new KeyValuePair<string, object?>("dialer.decision", decision.IsAllowed ? "allowed" : "denied");
        if (CoreMetrics.DecisionCounter.Enabled)
        {
            CoreMetrics.DecisionCounter.Add(
                1,
                outcome,
                new KeyValuePair<string, object?>("dialer.reason", decision.IsAllowed ? "none" : decision.Reasons[0].Code));
        }

        if (started != 0)
        {
            CoreMetrics.DurationHistogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, outcome);
        }
    }

    /// <summary>What the gates that allowed so far took (carried from the synchronous path to the general one).</summary>
    private struct Progress(long started)
    {
        public readonly long Started = started;
        public ulong Held;
        public AdmissionHolds Holds;
        public Instant? RecordedAt;
        public Instant? LeaseExpiresAt;

        public void Add(int index, in GateResult result)
        {
            if (result.Holds != AdmissionHolds.None)
            {
                Held |= 1UL << index;
                Holds |= result.Holds;
                RecordedAt ??= result.RecordedAt;
                LeaseExpiresAt ??= result.LeaseExpiresAt;
            }
        }
    }
}
