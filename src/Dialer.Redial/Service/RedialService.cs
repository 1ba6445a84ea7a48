using System.Diagnostics;
using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// Applies the <see cref="RedialPolicy"/> to the queue: schedules the next attempt when an outcome is reported,
/// queues callbacks and defers requests denied only because calling is closed (the "request queue").
/// Registered by <c>AddRedial()</c>; its outcome handler calls <see cref="HandleOutcomeAsync"/>. Thread-safe.
/// </summary>
public sealed class RedialService
{
    private readonly IRedialQueue _queue;
    private readonly IAnsweringMachineTracker _tracker;
    private readonly RedialPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    public RedialService(IRedialQueue queue, IAnsweringMachineTracker tracker, RedialPolicy policy, TimeProvider? timeProvider = null, ILogger<RedialService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(policy);
        _queue = queue;
        _tracker = tracker;
        _policy = policy;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The policy applied.</summary>
    public RedialPolicy Policy => _policy;

    /// <summary>The queue written to.</summary>
    public IRedialQueue Queue => _queue;

    /// <summary>
    /// Reacts to a call's outcome: records it with the answering-machine tracker, asks the policy, then enqueues the
    /// next attempt (or callback), or cancels the lead's pending item on a terminal disposition. Idempotent by attempt
    /// id: the tracker records an attempt once, the next attempt's call id is derived from this one
    /// (<see cref="RedialCallIds"/>) so enqueueing it again changes nothing once it is claimed or done, and a late
    /// outcome never replaces a later attempt of the same chain (<see cref="RedialReasons.Superseded"/>).
    /// </summary>
    /// <returns>What was decided (a superseded schedule is reported as a stop with <see cref="RedialReasons.Superseded"/>).</returns>
    public async ValueTask<RedialDecision> HandleOutcomeAsync(CallOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var request = outcome.Request;
        var stats = await _tracker.RecordAsync(request.Phone, outcome.AttemptId, _policy.IsMachine(outcome.Disposition), outcome.OccurredAt, cancellationToken).ConfigureAwait(false);
        var decision = _policy.Decide(outcome, stats);
        var now = _timeProvider.GetCurrentInstant();
        if (decision.IsScheduled)
        {
            var existing = await _queue.GetAsync(request.LeadId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && IsLaterInSameChain(existing, decision))
            {
                decision = RedialDecision.Stop(RedialReasons.Superseded);
            }
            else
            {
                await _queue.EnqueueAsync(decision.ToEntry(), now, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (decision.Verdict == RedialVerdict.Terminal)
        {
            await _queue.CancelAsync(request.LeadId, now, cancellationToken).ConfigureAwait(false);
        }

        RedialMetrics.DecisionCounter.Add(
            1,
            new KeyValuePair<string, object?>(RedialMetrics.VerdictTag, RedialMetrics.VerdictName(decision.Verdict)),
            new KeyValuePair<string, object?>(RedialMetrics.ReasonTag, decision.Reason));
        if (_logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above; the masked number is only built when Debug is on.
            if (decision.IsScheduled)
            {
                RedialLog.Scheduled(_logger, decision.Kind, decision.Attempt, decision.Request.CallId, request.LeadId, request.Phone.ToMaskedString(), decision.DueAt.Value, outcome.Disposition.Code);
            }
            else
            {
                RedialLog.NotScheduled(_logger, request.LeadId, request.Phone.ToMaskedString(), request.CallId, outcome.Disposition.Code, decision.Verdict, decision.Reason);
            }
#pragma warning restore CA1873
        }

        return decision;
    }

    /// <summary>
    /// Defers a request that admission denied only because calling is closed: when every reason of
    /// <paramref name="decision"/> is a <see cref="DenialCategory.CallingWindow"/> reason and it names a next eligible
    /// instant, the same request (same call id) is queued due then, kind <see cref="DueDialKind.Deferred"/>.
    /// </summary>
    /// <returns>Whether the request is now queued.</returns>
    public async ValueTask<bool> TryDeferAsync(DialRequest request, AdmissionDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deferral = RedialPolicy.DecideDeferral(request, decision);
        if (!deferral.IsScheduled)
        {
            RedialMetrics.DeferralCounter.Add(1, new KeyValuePair<string, object?>(RedialMetrics.ResultTag, "not_deferrable"));
            return false;
        }

        var queued = await _queue.EnqueueAsync(deferral.ToEntry(), _timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        RedialMetrics.DeferralCounter.Add(1, new KeyValuePair<string, object?>(RedialMetrics.ResultTag, queued ? "queued" : "ignored"));
        if (_logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above; the masked number is only built when Debug is on.
            RedialLog.Deferred(_logger, request.CallId, request.LeadId, request.Phone.ToMaskedString(), deferral.DueAt.Value, queued);
#pragma warning restore CA1873
        }

        return queued;
    }

    /// <summary>
    /// Queues a callback the callee asked for outside a call outcome (e.g. by SMS): the next attempt after
    /// <paramref name="lastCall"/>, flagged as a callback, due at <paramref name="at"/> (not before now), moved to the
    /// next open window when a calling-window service is registered.
    /// </summary>
    /// <returns>The decision (a stop with <see cref="RedialReasons.NoOpenWindow"/> when no window opens).</returns>
    public async ValueTask<RedialDecision> ScheduleCallbackAsync(DialRequest lastCall, Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lastCall);
        var now = _timeProvider.GetCurrentInstant();
        var decision = _policy.DecideCallback(lastCall, at, now);
        if (decision.IsScheduled)
        {
            await _queue.EnqueueAsync(decision.ToEntry(), now, cancellationToken).ConfigureAwait(false);
        }

        return decision;
    }

    /// <summary>Cancels the lead's pending or claimed item (e.g. the lead was reached another way).</summary>
    /// <returns>Whether an item was cancelled.</returns>
    public ValueTask<bool> CancelAsync(string leadId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leadId);
        return _queue.CancelAsync(leadId, _timeProvider.GetCurrentInstant(), cancellationToken);
    }

    private static bool IsLaterInSameChain(RedialItem existing, RedialDecision decision)
    {
        Debug.Assert(decision.IsScheduled, "Only a scheduled decision is compared.");
        if (existing.Attempt <= decision.Attempt)
        {
            return false;
        }

        RedialCallIds.ParseAttempt(existing.CallId, out var existingRoot);
        RedialCallIds.ParseAttempt(decision.Request!.CallId, out var root);
        return string.Equals(existingRoot, root, StringComparison.Ordinal);
    }
}
