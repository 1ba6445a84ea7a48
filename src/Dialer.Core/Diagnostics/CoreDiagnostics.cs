using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Dialer.Core;

/// <summary>The metrics names of Dialer.Core. Every package has one <see cref="Meter"/> named after its assembly.</summary>
public static class CoreMetrics
{
    /// <summary>The meter name: <c>Dialer.Core</c>.</summary>
    public const string MeterName = "Dialer.Core";

    /// <summary>Counter of admission decisions, tagged <c>dialer.decision</c> (<c>allowed</c>/<c>denied</c>) and <c>dialer.reason</c> (the first reason's code).</summary>
    public const string Decisions = "dialer.admission.decisions";

    /// <summary>Histogram of admission durations in seconds, tagged <c>dialer.decision</c>.</summary>
    public const string Duration = "dialer.admission.duration";

    internal static readonly Meter Meter = new(MeterName, typeof(CoreMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> DecisionCounter =
        Meter.CreateCounter<long>(Decisions, unit: "{decision}", description: "Admission decisions by outcome and first reason.");

    internal static readonly Histogram<double> DurationHistogram =
        Meter.CreateHistogram<double>(Duration, unit: "s", description: "Time taken by composite admissions.");
}

internal static partial class CoreLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Admission denied for call {CallId} to {Phone}: {Reasons}")]
    public static partial void AdmissionDenied(ILogger logger, string callId, string phone, DenialReasonList reasons);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Gate {Gate} failed to roll back call {CallId}; what it holds expires with its lease or horizon")]
    public static partial void RollbackFailed(ILogger logger, Exception exception, string gate, string callId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Gate {Gate} failed while listing the reasons of denied call {CallId}; the call stays denied without them")]
    public static partial void ReasonCheckFailed(ILogger logger, Exception exception, string gate, string callId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Admission observer {Observer} failed for call {CallId}; the decision stands")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string observer, string callId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Outcome handler {Handler} failed for attempt {AttemptId}")]
    public static partial void OutcomeHandlerFailed(ILogger logger, Exception exception, string handler, string attemptId);
}
