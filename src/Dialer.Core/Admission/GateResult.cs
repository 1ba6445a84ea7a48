using NodaTime;

namespace Dialer.Core;

/// <summary>
/// What one <see cref="AdmissionGate"/> answered: allowed (and what it took, if anything) or denied with its reasons.
/// A small value; the common results allocate nothing.
/// </summary>
public readonly struct GateResult : IEquatable<GateResult>
{
    private GateResult(bool allowed, DenialReasonList reasons, AdmissionHolds holds, Instant? recordedAt, Instant? leaseExpiresAt)
    {
        IsAllowed = allowed;
        Reasons = reasons;
        Holds = holds;
        RecordedAt = recordedAt;
        LeaseExpiresAt = leaseExpiresAt;
    }

    /// <summary>Allowed, nothing taken.</summary>
    public static GateResult Allowed => new(true, default, AdmissionHolds.None, null, null);

    /// <summary>Whether the gate lets the call through.</summary>
    public bool IsAllowed { get; }

    /// <summary>The reasons for a denial; empty when allowed.</summary>
    public DenialReasonList Reasons { get; }

    /// <summary>What the gate took for this call (rolled back if a later gate denies).</summary>
    public AdmissionHolds Holds { get; }

    /// <summary>When <see cref="AdmissionHolds.Attempt"/> is held: the instant the store recorded the attempt at (the store's clock may be authoritative).</summary>
    public Instant? RecordedAt { get; }

    /// <summary>When <see cref="AdmissionHolds.SlotLease"/> is held: when the lease expires unless renewed.</summary>
    public Instant? LeaseExpiresAt { get; }

    /// <summary>Allowed, having recorded an attempt at <paramref name="recordedAt"/>.</summary>
    public static GateResult AllowedWithAttempt(Instant recordedAt) => new(true, default, AdmissionHolds.Attempt, recordedAt, null);

    /// <summary>Allowed, holding a slot lease that expires at <paramref name="expiresAt"/>.</summary>
    public static GateResult AllowedWithLease(Instant expiresAt) => new(true, default, AdmissionHolds.SlotLease, null, expiresAt);

    /// <summary>Denied for one reason (allocates nothing).</summary>
    public static GateResult Denied(DenialReason reason) => new(false, new DenialReasonList(reason), AdmissionHolds.None, null, null);

    /// <summary>Denied for the given reasons.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static GateResult Denied(DenialReasonList reasons)
    {
        if (reasons.Count == 0)
        {
            throw new ArgumentException("A denial needs at least one reason.", nameof(reasons));
        }

        return new(false, reasons, AdmissionHolds.None, null, null);
    }

    /// <inheritdoc/>
    public bool Equals(GateResult other) =>
        IsAllowed == other.IsAllowed && Reasons == other.Reasons && Holds == other.Holds &&
        RecordedAt == other.RecordedAt && LeaseExpiresAt == other.LeaseExpiresAt;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GateResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsAllowed, Reasons, Holds, RecordedAt, LeaseExpiresAt);

    /// <inheritdoc/>
    public override string ToString() => IsAllowed ? $"Allowed (holds {Holds})" : $"Denied: {Reasons}";

#pragma warning disable CS1591
    public static bool operator ==(GateResult left, GateResult right) => left.Equals(right);

    public static bool operator !=(GateResult left, GateResult right) => !left.Equals(right);
#pragma warning restore CS1591
}
