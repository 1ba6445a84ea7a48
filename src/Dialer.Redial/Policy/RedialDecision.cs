using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>What the redial policy decided after an outcome.</summary>
public enum RedialVerdict
{
    /// <summary>Another dial is scheduled (<see cref="RedialDecision.DueAt"/>, <see cref="RedialDecision.Request"/>).</summary>
    Schedule = 0,

    /// <summary>Nothing is scheduled.</summary>
    Stop = 1,

    /// <summary>Nothing is scheduled and the lead's pending item is cancelled.</summary>
    Terminal = 2,
}

/// <summary>
/// The redial policy's decision for one outcome: schedule (which request, kind, attempt, when, with which hints) or
/// not, and why (<see cref="Reason"/>, one of <see cref="RedialReasons"/>). <c>default</c> is a stop with no reason.
/// </summary>
public readonly struct RedialDecision : IEquatable<RedialDecision>
{
    private RedialDecision(RedialVerdict verdict, string reason, DialRequest? request, DueDialKind kind, int attempt, Instant? dueAt, RedialFlags flags)
    {
        Verdict = verdict;
        Reason = reason;
        Request = request;
        Kind = kind;
        Attempt = attempt;
        DueAt = dueAt;
        Flags = flags;
    }

    /// <summary>What was decided.</summary>
    public RedialVerdict Verdict { get; }

    /// <summary>Why, as a stable code from <see cref="RedialReasons"/>.</summary>
    public string? Reason { get; }

    /// <summary>When scheduled: the request to dial (with the next attempt's call id).</summary>
    public DialRequest? Request { get; }

    /// <summary>When scheduled: why it is queued.</summary>
    public DueDialKind Kind { get; }

    /// <summary>When scheduled: the attempt number of the scheduled dial; otherwise 0.</summary>
    public int Attempt { get; }

    /// <summary>When scheduled: when the dial is due.</summary>
    public Instant? DueAt { get; }

    /// <summary>When scheduled: hints for the dial.</summary>
    public RedialFlags Flags { get; }

    /// <summary>Whether a dial is scheduled.</summary>
    [MemberNotNullWhen(true, nameof(Request), nameof(DueAt))]
    public bool IsScheduled => Verdict == RedialVerdict.Schedule && Request is not null && DueAt is not null;

    /// <summary>A decision to schedule <paramref name="request"/>.</summary>
    public static RedialDecision Schedule(DialRequest request, DueDialKind kind, int attempt, Instant dueAt, RedialFlags flags, string reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(RedialVerdict.Schedule, reason, request, kind, attempt, dueAt, flags);
    }

    /// <summary>A decision to schedule nothing.</summary>
    public static RedialDecision Stop(string reason) => new(RedialVerdict.Stop, reason, null, default, 0, null, RedialFlags.None);

    /// <summary>A decision to end redialing the lead.</summary>
    public static RedialDecision Terminal(string reason) => new(RedialVerdict.Terminal, reason, null, default, 0, null, RedialFlags.None);

    /// <summary>The queue entry for a scheduled decision.</summary>
    /// <exception cref="InvalidOperationException">Nothing is scheduled.</exception>
    public RedialEntry ToEntry() => IsScheduled
        ? new RedialEntry(Request, Kind, Attempt, DueAt.Value, Flags, Reason)
        : throw new InvalidOperationException($"Only a scheduled decision has a queue entry; this one is {Verdict} ({Reason}).");

    /// <inheritdoc/>
    public bool Equals(RedialDecision other) =>
        Verdict == other.Verdict && string.Equals(Reason, other.Reason, StringComparison.Ordinal) &&
        RedialEntry.RequestEquals(Request, other.Request) && Kind == other.Kind && Attempt == other.Attempt &&
        DueAt == other.DueAt && Flags == other.Flags;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is RedialDecision other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Verdict, Reason, Request?.CallId, Kind, Attempt, DueAt, Flags);

    /// <inheritdoc/>
    public override string ToString() => IsScheduled
        ? $"Schedule {Kind} #{Attempt} ({Request.CallId}) at {DueAt} [{Reason}{(Flags == RedialFlags.None ? string.Empty : ", " + Flags)}]"
        : $"{Verdict} [{Reason}]";

#pragma warning disable CS1591
    public static bool operator ==(RedialDecision left, RedialDecision right) => left.Equals(right);

    public static bool operator !=(RedialDecision left, RedialDecision right) => !left.Equals(right);
#pragma warning restore CS1591
}

/// <summary>The stable reason codes of <see cref="RedialDecision.Reason"/> (lower-case, dotted).</summary>
public static class RedialReasons
{
    /// <summary>A redial is scheduled by the disposition's delay sequence.</summary>
    public const string Scheduled = "redial.scheduled";

    /// <summary>A callback is scheduled at the time the callee asked for.</summary>
    public const string Callback = "redial.callback";

    /// <summary>A request was deferred to the next open calling window.</summary>
    public const string Deferred = "redial.deferred";

    /// <summary>Redialing is turned off.</summary>
    public const string Disabled = "redial.disabled";

    /// <summary>The outcome is unknown; it is never redialed automatically.</summary>
    public const string UnknownOutcome = "redial.unknown_outcome";

    /// <summary>The disposition is not redialed (its action is Stop).</summary>
    public const string NotRedialed = "redial.not_redialed";

    /// <summary>The disposition ends redialing the lead (its action is Terminal).</summary>
    public const string TerminalDisposition = "redial.terminal_disposition";

    /// <summary>The lead reached its most attempts.</summary>
    public const string MaxAttemptsPerLead = "redial.max_attempts_per_lead";

    /// <summary>The number reached its most recorded outcomes.</summary>
    public const string MaxAttemptsPerNumber = "redial.max_attempts_per_number";

    /// <summary>The answering-machine policy stops redialing the number.</summary>
    public const string AnsweringMachine = "redial.answering_machine";

    /// <summary>The calling-window service has no open instant within its horizon.</summary>
    public const string NoOpenWindow = "redial.no_open_window";

    /// <summary>The admission decision is not a denial by calling windows alone (or names no next eligible instant), so the request is not deferred.</summary>
    public const string NotDeferrable = "redial.not_deferrable";

    /// <summary>A newer attempt of the lead's chain is already queued (a late, retried outcome), so nothing changed.</summary>
    public const string Superseded = "redial.superseded";
}
