using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Dialer.Protection;

/// <summary>The metric names of Dialer.Protection (meter <c>Dialer.Protection</c>).</summary>
public static class ProtectionMetrics
{
    /// <summary>The meter name: <c>Dialer.Protection</c>.</summary>
    public const string MeterName = "Dialer.Protection";

    /// <summary>Counter of attempts recorded by the gate.</summary>
    public const string Attempts = "dialer.protection.attempts";

    /// <summary>Counter of denials by the gate, tagged <c>dialer.reason</c> (the first reason's code).</summary>
    public const string Denials = "dialer.protection.denials";

    /// <summary>Counter of ledger failures (admissions failed closed).</summary>
    public const string StoreFailures = "dialer.protection.store_failures";

    /// <summary>Counter of outcomes handled, tagged <c>dialer.outcome_status</c> (recorded, updated, unchanged, recorded_as_new_attempt).</summary>
    public const string Outcomes = "dialer.protection.outcomes";

    internal static readonly Meter Meter = new(MeterName, typeof(ProtectionMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> AttemptCounter = Meter.CreateCounter<long>(Attempts, unit: "{attempt}", description: "Attempts recorded by the protection gate.");

    internal static readonly Counter<long> DenialCounter = Meter.CreateCounter<long>(Denials, unit: "{denial}", description: "Denials by the protection gate, by first reason.");

    internal static readonly Counter<long> StoreFailureCounter = Meter.CreateCounter<long>(StoreFailures, unit: "{failure}", description: "Attempt-ledger failures; each admission failed closed.");

    internal static readonly Counter<long> OutcomeCounter = Meter.CreateCounter<long>(Outcomes, unit: "{outcome}", description: "Outcomes recorded in the attempt ledger, by status.");
}

internal static partial class ProtectionLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Attempt ledger failed for call {CallId} to {Phone}; the admission fails closed")]
    public static partial void LedgerFailed(ILogger logger, Exception exception, string callId, string phone);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Protection denied call {CallId} to {Phone}: {Reasons}")]
    public static partial void Denied(ILogger logger, string callId, string phone, Dialer.Core.DenialReasonList reasons);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Outcome {Disposition} for attempt {AttemptId} to {Phone}: {Status}, {Blocks} block(s)")]
    public static partial void OutcomeRecorded(ILogger logger, string disposition, string attemptId, string phone, OutcomeRecordStatus status, int blocks);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "The attempt ledger returned an inconsistent answer ({Status}) for call {CallId}; the admission fails closed")]
    public static partial void LedgerInconsistent(ILogger logger, LedgerStatus status, string callId);
}
