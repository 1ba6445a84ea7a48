using NodaTime;

namespace Dialer.Core;

/// <summary>
/// What happened to an admitted call. Reported once through <see cref="ICallOutcomeReporter"/>, which hands it to
/// every package that cares (attempt history, redial, slot release); reporting the same
/// <see cref="AttemptId"/> again changes nothing (webhooks retry).
/// </summary>
public sealed class CallOutcome
{
    /// <summary>Creates an outcome.</summary>
    /// <param name="request">The request that was admitted.</param>
    /// <param name="disposition">What happened.</param>
    /// <param name="occurredAt">When the outcome happened (call end, or when the provider gave up).</param>
    public CallOutcome(DialRequest request, Disposition disposition, Instant occurredAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        Request = request;
        Disposition = disposition;
        OccurredAt = occurredAt;
    }

    /// <summary>The admitted request.</summary>
    public DialRequest Request { get; }

    /// <summary>The attempt id (the request's call id).</summary>
    public string AttemptId => Request.CallId;

    /// <summary>What happened.</summary>
    public Disposition Disposition { get; }

    /// <summary>When it happened.</summary>
    public Instant OccurredAt { get; }

    /// <summary>For <see cref="Disposition.CallbackRequested"/>: when the callee asked to be called back, if they named a time.</summary>
    public Instant? CallbackAt { get; init; }

    /// <summary>How long the callee was connected, when known.</summary>
    public Duration? TalkTime { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"CallOutcome(attempt={AttemptId}, {Disposition}, at {OccurredAt})";
}

/// <summary>A package's reaction to a reported outcome. Registered with <c>TryAddEnumerable</c>; must be idempotent by attempt id.</summary>
public interface ICallOutcomeHandler
{
    /// <summary>Where the handler runs; lower first (history is recorded before redials are scheduled and slots released).</summary>
    int Order { get; }

    /// <summary>Reacts to the outcome.</summary>
    ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>Reports a call's outcome to every registered <see cref="ICallOutcomeHandler"/>.</summary>
public interface ICallOutcomeReporter
{
    /// <summary>
    /// Hands <paramref name="outcome"/> to every handler in order. Every handler runs even if one fails; failures
    /// are then thrown together as an <see cref="AggregateException"/>. Safe to call again with the same outcome.
    /// </summary>
    ValueTask ReportAsync(CallOutcome outcome, CancellationToken cancellationToken = default);
}

/// <summary>Conventional <see cref="ICallOutcomeHandler.Order"/> values.</summary>
public static class CallOutcomeHandlerOrder
{
    /// <summary>Attempt history records the outcome first.</summary>
    public const int Protection = 100;

    /// <summary>Redial scheduling reads the recorded history.</summary>
    public const int Redial = 200;

    /// <summary>Slots are released last.</summary>
    public const int Concurrency = 300;
}
