using NodaTime;

namespace Dialer.Core;

/// <summary>
/// The answer to "may this number be dialed for this lead right now — and if not, why, and when?".
/// Allowed (with what it holds, so the host can report the outcome or release it) or denied with every reason
/// that applies and <see cref="NextEligibleAt"/>.
/// </summary>
/// <remarks>
/// A value type: a denial with one reason allocates nothing. <c>default(AdmissionDecision)</c> is a denial with no
/// reasons and is never returned by <see cref="IDialAdmission"/>.
/// </remarks>
public readonly struct AdmissionDecision : IEquatable<AdmissionDecision>
{
    private AdmissionDecision(bool allowed, Instant evaluatedAt, DenialReasonList reasons, Instant? nextEligibleAt, string? attemptId, AdmissionHolds holds, Instant? recordedAt, Instant? leaseExpiresAt)
    {
        IsAllowed = allowed;
        EvaluatedAt = evaluatedAt;
        Reasons = reasons;
        NextEligibleAt = nextEligibleAt;
        AttemptId = attemptId;
        Holds = holds;
        AttemptRecordedAt = recordedAt;
        LeaseExpiresAt = leaseExpiresAt;
    }

    /// <summary>Whether the call may be placed now.</summary>
    public bool IsAllowed { get; }

    /// <summary>The instant the decision was made for.</summary>
    public Instant EvaluatedAt { get; }

    /// <summary>Every reason that applies (empty when allowed).</summary>
    public DenialReasonList Reasons { get; }

    /// <summary>
    /// When allowed: <see cref="EvaluatedAt"/>. When denied: the earliest instant at which every reason is expected to
    /// have cleared (moved to the next open calling window when a window service is registered), or
    /// <see langword="null"/> when a reason never clears by itself.
    /// </summary>
    public Instant? NextEligibleAt { get; }

    /// <summary>When allowed: the id of the recorded attempt (the request's call id), used to report the outcome.</summary>
    public string? AttemptId { get; }

    /// <summary>When allowed: what is held until the outcome is reported.</summary>
    public AdmissionHolds Holds { get; }

    /// <summary>When an attempt is held: the instant it was recorded at.</summary>
    public Instant? AttemptRecordedAt { get; }

    /// <summary>When a slot lease is held: when it expires unless renewed.</summary>
    public Instant? LeaseExpiresAt { get; }

    /// <summary>An allowed decision.</summary>
    public static AdmissionDecision Allow(Instant evaluatedAt, string attemptId, AdmissionHolds holds, Instant? recordedAt, Instant? leaseExpiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        return new(true, evaluatedAt, default, evaluatedAt, attemptId, holds, recordedAt, leaseExpiresAt);
    }

    /// <summary>A denied decision.</summary>
    /// <exception cref="ArgumentException">There are no reasons.</exception>
    public static AdmissionDecision Deny(Instant evaluatedAt, DenialReasonList reasons, Instant? nextEligibleAt)
    {
        if (reasons.Count == 0)
        {
            throw new ArgumentException("A denial needs at least one reason.", nameof(reasons));
        }

        return new(false, evaluatedAt, reasons, nextEligibleAt, null, AdmissionHolds.None, null, null);
    }

    /// <inheritdoc/>
    public override string ToString() => IsAllowed
        ? $"Allowed at {EvaluatedAt} (attempt {AttemptId}, holds {Holds})"
        : $"Denied at {EvaluatedAt}: {Reasons}; next eligible {(NextEligibleAt is { } n ? n.ToString() : "never")}";

    /// <inheritdoc/>
    public bool Equals(AdmissionDecision other) =>
        IsAllowed == other.IsAllowed && EvaluatedAt == other.EvaluatedAt && Reasons == other.Reasons &&
        NextEligibleAt == other.NextEligibleAt && string.Equals(AttemptId, other.AttemptId, StringComparison.Ordinal) &&
        Holds == other.Holds && AttemptRecordedAt == other.AttemptRecordedAt && LeaseExpiresAt == other.LeaseExpiresAt;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AdmissionDecision other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsAllowed, EvaluatedAt, Reasons, NextEligibleAt, AttemptId, Holds);

#pragma warning disable CS1591
    public static bool operator ==(AdmissionDecision left, AdmissionDecision right) => left.Equals(right);

    public static bool operator !=(AdmissionDecision left, AdmissionDecision right) => !left.Equals(right);
#pragma warning restore CS1591
}
