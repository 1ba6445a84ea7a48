using System.Diagnostics.Metrics;
using Dialer.Core;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Dialer.Redial;

/// <summary>The metric names of Dialer.Redial (one <see cref="Meter"/> named after the assembly).</summary>
public static class RedialMetrics
{
    /// <summary>The meter name: <c>Dialer.Redial</c>.</summary>
    public const string MeterName = "Dialer.Redial";

    /// <summary>Counter of redial decisions after outcomes, tagged <c>dialer.redial.verdict</c> and <c>dialer.redial.reason</c>.</summary>
    public const string Decisions = "dialer.redial.decisions";

    /// <summary>Counter of deferral requests, tagged <c>dialer.redial.result</c> (<c>queued</c>, <c>ignored</c>, <c>not_deferrable</c>).</summary>
    public const string Deferrals = "dialer.redial.deferrals";

    /// <summary>Counter of items claimed through <c>IDueDialQueue</c>.</summary>
    public const string Claims = "dialer.redial.claims";

    internal const string VerdictTag = "dialer.redial.verdict";
    internal const string ReasonTag = "dialer.redial.reason";
    internal const string ResultTag = "dialer.redial.result";

    internal static readonly Meter Meter = new(MeterName, typeof(RedialMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> DecisionCounter =
        Meter.CreateCounter<long>(Decisions, unit: "{decision}", description: "Redial decisions after call outcomes, by verdict and reason.");

    internal static readonly Counter<long> DeferralCounter =
        Meter.CreateCounter<long>(Deferrals, unit: "{request}", description: "Requests offered for deferral to the next open calling window, by result.");

    internal static readonly Counter<long> ClaimCounter =
        Meter.CreateCounter<long>(Claims, unit: "{item}", description: "Queued dials claimed through IDueDialQueue.");

    internal static string VerdictName(RedialVerdict verdict) => verdict switch
    {
        RedialVerdict.Schedule => "schedule",
        RedialVerdict.Terminal => "terminal",
        _ => "stop",
    };
}

internal static partial class RedialLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Scheduled {Kind} #{Attempt} as call {CallId} for lead {LeadId} ({Phone}) at {DueAt} after {Disposition}")]
    public static partial void Scheduled(ILogger logger, DueDialKind kind, int attempt, string callId, string leadId, string phone, Instant dueAt, string disposition);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "No redial for lead {LeadId} ({Phone}) after call {CallId} ({Disposition}): {Verdict} {Reason}")]
    public static partial void NotScheduled(ILogger logger, string leadId, string phone, string callId, string disposition, RedialVerdict verdict, string? reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "Deferred call {CallId} for lead {LeadId} ({Phone}) to {DueAt}: queued {Queued}")]
    public static partial void Deferred(ILogger logger, string callId, string leadId, string phone, Instant dueAt, bool queued);
}
