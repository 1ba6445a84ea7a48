using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// What a ledger answered for one attempt: recorded (or already recorded, with the original instant), allowed
/// (evaluation only), or denied with every violated limit and block and the instant each clears. A small value; a
/// single-reason denial allocates nothing.
/// </summary>
/// <remarks><c>default(LedgerResult)</c> is a denial without reasons and is never returned by a ledger.</remarks>
public readonly struct LedgerResult : IEquatable<LedgerResult>
{
    private LedgerResult(LedgerStatus status, Instant evaluatedAt, Instant? recordedAt, DenialReasonList reasons)
    {
        Status = status;
        EvaluatedAt = evaluatedAt;
        RecordedAt = recordedAt;
        Reasons = reasons;
    }

    /// <summary>What happened.</summary>
    public LedgerStatus Status { get; }

    /// <summary>Whether the attempt may proceed (recorded, already recorded, or allowed on evaluation).</summary>
    public bool IsAllowed => Status != LedgerStatus.Denied;

    /// <summary>The instant the store evaluated at (its own clock where that is authoritative).</summary>
    public Instant EvaluatedAt { get; }

    /// <summary>For <see cref="LedgerStatus.Recorded"/> and <see cref="LedgerStatus.AlreadyRecorded"/>: when the attempt was recorded.</summary>
    public Instant? RecordedAt { get; }

    /// <summary>For <see cref="LedgerStatus.Denied"/>: every reason, each with the instant it clears (null: permanent).</summary>
    public DenialReasonList Reasons { get; }

    /// <summary>
    /// When allowed: <see cref="EvaluatedAt"/>. When denied: the instant every reason has cleared (the latest clear
    /// instant), or null when one is permanent.
    /// </summary>
    public Instant? NextEligibleAt => IsAllowed ? EvaluatedAt : Reasons.AllClearAt;

    /// <summary>Allowed and recorded at <paramref name="recordedAt"/>.</summary>
    public static LedgerResult Recorded(Instant recordedAt) => new(LedgerStatus.Recorded, recordedAt, recordedAt, default);

    /// <summary>Already recorded (at <paramref name="recordedAt"/>); nothing changed.</summary>
    public static LedgerResult AlreadyRecorded(Instant evaluatedAt, Instant recordedAt) => new(LedgerStatus.AlreadyRecorded, evaluatedAt, recordedAt, default);

    /// <summary>Allowed on evaluation; nothing recorded.</summary>
    public static LedgerResult Allowed(Instant evaluatedAt) => new(LedgerStatus.Allowed, evaluatedAt, null, default);

    /// <summary>An allowed result (recorded, already recorded or allowed), from the ledger's fast path.</summary>
    internal static LedgerResult Create(LedgerStatus status, Instant evaluatedAt, Instant recordedAt) =>
        new(status, evaluatedAt, status == LedgerStatus.Allowed ? null : recordedAt, default);

    /// <summary>Denied for <paramref name="reasons"/>; nothing recorded.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static LedgerResult Denied(Instant evaluatedAt, DenialReasonList reasons)
    {
        if (reasons.Count == 0)
        {
            throw new ArgumentException("A denial needs at least one reason.", nameof(reasons));
        }

        return new(LedgerStatus.Denied, evaluatedAt, null, reasons);
    }

    /// <inheritdoc/>
    public bool Equals(LedgerResult other)
    {
        if (Status != other.Status || EvaluatedAt != other.EvaluatedAt || RecordedAt != other.RecordedAt || Reasons.Count != other.Reasons.Count)
        {
            return false;
        }

        for (var i = 0; i < Reasons.Count; i++)
        {
            if (Reasons[i] != other.Reasons[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is LedgerResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Status, EvaluatedAt, RecordedAt, Reasons.Count);

    /// <inheritdoc/>
    public override string ToString() => Status switch
    {
        LedgerStatus.Denied => $"Denied at {EvaluatedAt}: {Reasons}",
        LedgerStatus.Allowed => $"Allowed at {EvaluatedAt}",
        _ => $"{Status} at {RecordedAt}",
    };

#pragma warning disable CS1591
    public static bool operator ==(LedgerResult left, LedgerResult right) => left.Equals(right);

    public static bool operator !=(LedgerResult left, LedgerResult right) => !left.Equals(right);
#pragma warning restore CS1591
}
