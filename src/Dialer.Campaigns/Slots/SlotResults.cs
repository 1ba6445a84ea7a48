using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// What <see cref="ISlotStore.TryAcquireAsync"/> answered: a lease (new or, for a retried call id, the one already
/// held) or the first scope that is full and when it could next have room.
/// </summary>
/// <remarks><c>default</c> is a refusal with no full scope and is never returned by a store.</remarks>
public readonly struct SlotAcquireResult : IEquatable<SlotAcquireResult>
{
    private const byte AcquiredFlag = 1;
    private const byte AlreadyHeldFlag = 2;
    private const byte ClearsFlag = 4;

    // Kept small (the hot path copies it): one instant serves as the expiry when acquired and the clear instant when full.
    private readonly Instant _instant;
    private readonly SlotScope _fullScope;
    private readonly int _fullIndex;
    private readonly byte _flags;

    private SlotAcquireResult(byte flags, Instant instant, int fullIndex, SlotScope fullScope)
    {
        _flags = flags;
        _instant = instant;
        _fullIndex = fullIndex;
        _fullScope = fullScope;
    }

    /// <summary>Whether the call holds a lease now.</summary>
    public bool IsAcquired => (_flags & AcquiredFlag) != 0;

    /// <summary>Whether the lease was already held by this call id (a retry); nothing new was taken.</summary>
    public bool WasAlreadyHeld => (_flags & AlreadyHeldFlag) != 0;

    /// <summary>When acquired: when the lease expires unless renewed.</summary>
    public Instant ExpiresAt => IsAcquired ? _instant : default;

    /// <summary>When refused: the index in the set of the first full scope; -1 when acquired.</summary>
    public int FullScopeIndex => _fullIndex;

    /// <summary>When refused: the first full scope.</summary>
    public SlotScope FullScope => _fullScope;

    /// <summary>
    /// When refused: the earliest expiry of an unexpired lease in <see cref="FullScope"/> (the latest instant by which
    /// a slot frees up even if nobody releases), or <see langword="null"/> when the scope holds no lease (limit 0).
    /// </summary>
    public Instant? ClearsAt => (_flags & ClearsFlag) != 0 ? _instant : null;

    /// <summary>A lease is held until <paramref name="expiresAt"/>.</summary>
    public static SlotAcquireResult Acquired(Instant expiresAt, bool alreadyHeld = false) =>
        new(alreadyHeld ? (byte)(AcquiredFlag | AlreadyHeldFlag) : AcquiredFlag, expiresAt, -1, default);

    /// <summary>Refused because <paramref name="scope"/> (at <paramref name="index"/> in the set) is full.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static SlotAcquireResult Full(int index, SlotScope scope, Instant? clearsAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return clearsAt is { } clears ? new(ClearsFlag, clears, index, scope) : new(0, default, index, scope);
    }

    /// <inheritdoc/>
    public bool Equals(SlotAcquireResult other) =>
        _flags == other._flags && _instant == other._instant && _fullIndex == other._fullIndex && _fullScope == other._fullScope;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SlotAcquireResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_flags, _instant, _fullIndex, _fullScope);

    /// <inheritdoc/>
    public override string ToString() => IsAcquired
        ? $"Acquired until {ExpiresAt}{(WasAlreadyHeld ? " (already held)" : string.Empty)}"
        : $"Full: {FullScope} (clears {(ClearsAt is { } c ? c.ToString() : "never")})";

#pragma warning disable CS1591
    public static bool operator ==(SlotAcquireResult left, SlotAcquireResult right) => left.Equals(right);

    public static bool operator !=(SlotAcquireResult left, SlotAcquireResult right) => !left.Equals(right);
#pragma warning restore CS1591
}

/// <summary>What <see cref="ISlotStore.RenewAsync"/> did.</summary>
public enum SlotRenewStatus
{
    /// <summary>The lease was renewed.</summary>
    Renewed = 0,

    /// <summary>No lease is held under the call id (never acquired, released or reclaimed).</summary>
    NotHeld = 1,

    /// <summary>The lease had already expired; it is not resurrected (its slot may already count as free) and will be reclaimed.</summary>
    Expired = 2,
}

/// <summary>What <see cref="ISlotStore.RenewAsync"/> answered.</summary>
public readonly struct SlotRenewResult : IEquatable<SlotRenewResult>
{
    private SlotRenewResult(SlotRenewStatus status, Instant? expiresAt)
    {
        Status = status;
        ExpiresAt = expiresAt;
    }

    /// <summary>What happened.</summary>
    public SlotRenewStatus Status { get; }

    /// <summary>Whether the lease was renewed.</summary>
    public bool IsRenewed => Status == SlotRenewStatus.Renewed;

    /// <summary>When renewed: the new expiry.</summary>
    public Instant? ExpiresAt { get; }

    /// <summary>Renewed until <paramref name="expiresAt"/>.</summary>
    public static SlotRenewResult Renewed(Instant expiresAt) => new(SlotRenewStatus.Renewed, expiresAt);

    /// <summary>No lease is held.</summary>
    public static SlotRenewResult NotHeld => new(SlotRenewStatus.NotHeld, null);

    /// <summary>The lease had expired.</summary>
    public static SlotRenewResult Expired => new(SlotRenewStatus.Expired, null);

    /// <inheritdoc/>
    public bool Equals(SlotRenewResult other) => Status == other.Status && ExpiresAt == other.ExpiresAt;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SlotRenewResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Status, ExpiresAt);

    /// <inheritdoc/>
    public override string ToString() => ExpiresAt is { } e ? $"{Status} until {e}" : Status.ToString();

#pragma warning disable CS1591
    public static bool operator ==(SlotRenewResult left, SlotRenewResult right) => left.Equals(right);

    public static bool operator !=(SlotRenewResult left, SlotRenewResult right) => !left.Equals(right);
#pragma warning restore CS1591
}

/// <summary>A lease as a store holds it (for inspection; the hot path never builds one).</summary>
public sealed class SlotLease
{
    /// <summary>Creates a lease description.</summary>
    public SlotLease(string callId, IReadOnlyList<SlotScope> scopes, Instant acquiredAt, Instant expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        CallId = callId;
        Scopes = scopes;
        AcquiredAt = acquiredAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>The call id the lease is held under.</summary>
    public string CallId { get; }

    /// <summary>Every scope the lease counts in, outermost first.</summary>
    public IReadOnlyList<SlotScope> Scopes { get; }

    /// <summary>When the lease was first acquired.</summary>
    public Instant AcquiredAt { get; }

    /// <summary>When it expires unless renewed (a lease is live while <c>now &lt; ExpiresAt</c>).</summary>
    public Instant ExpiresAt { get; }

    /// <inheritdoc/>
    public override string ToString() => $"SlotLease({CallId}, [{string.Join(", ", Scopes)}], until {ExpiresAt})";
}
