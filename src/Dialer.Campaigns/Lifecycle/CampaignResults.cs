using System.Diagnostics.CodeAnalysis;

namespace Dialer.Campaigns;

/// <summary>
/// What a lifecycle transition, heartbeat or checkpoint answered: done, or refused and why, with the campaign's
/// current state and epoch when the store could read them.
/// </summary>
/// <remarks><c>default</c> is "succeeded in Draft at epoch 0" and is never returned by a store.</remarks>
public readonly struct CampaignResult : IEquatable<CampaignResult>
{
    private CampaignResult(CampaignRefusal refusal, CampaignState? state, long epoch)
    {
        Refusal = refusal;
        State = state;
        Epoch = epoch;
    }

    /// <summary>Whether the operation took effect.</summary>
    public bool Succeeded => Refusal == CampaignRefusal.None;

    /// <summary>Why it did not (<see cref="CampaignRefusal.None"/> when it did).</summary>
    public CampaignRefusal Refusal { get; }

    /// <summary>The campaign's state after the operation (on refusal: its current state; null when not found or not read).</summary>
    public CampaignState? State { get; }

    /// <summary>The campaign's epoch after the operation (on refusal: its current epoch, 0 when not found or not read).</summary>
    public long Epoch { get; }

    /// <summary>A fixed explanation of <see cref="Refusal"/>.</summary>
    public string Message => CampaignLifecycle.Describe(Refusal);

    /// <summary>The operation took effect; the campaign is now in <paramref name="state"/> at <paramref name="epoch"/>.</summary>
    public static CampaignResult Success(CampaignState state, long epoch) => new(CampaignRefusal.None, state, epoch);

    /// <summary>Refused for <paramref name="refusal"/>; the campaign is in <paramref name="state"/> at <paramref name="epoch"/> if known.</summary>
    /// <exception cref="ArgumentException"><paramref name="refusal"/> is <see cref="CampaignRefusal.None"/>.</exception>
    public static CampaignResult Refused(CampaignRefusal refusal, CampaignState? state = null, long epoch = 0)
    {
        if (refusal == CampaignRefusal.None)
        {
            throw new ArgumentException("A refusal needs a reason other than None.", nameof(refusal));
        }

        return new(refusal, state, epoch);
    }

    /// <inheritdoc/>
    public bool Equals(CampaignResult other) => Refusal == other.Refusal && State == other.State && Epoch == other.Epoch;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is CampaignResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Refusal, State, Epoch);

    /// <inheritdoc/>
    public override string ToString() => Succeeded
        ? $"Succeeded ({State}, epoch {Epoch})"
        : $"Refused: {Refusal} ({(State is { } s ? s.ToString() : "unknown")}, epoch {Epoch}): {Message}";

#pragma warning disable CS1591
    public static bool operator ==(CampaignResult left, CampaignResult right) => left.Equals(right);

    public static bool operator !=(CampaignResult left, CampaignResult right) => !left.Equals(right);
#pragma warning restore CS1591
}

/// <summary>
/// What <see cref="ICampaignStore.TryClaimAsync"/> answered: the claimed campaign (with its new epoch and the
/// checkpoint to resume from) or why it could not be claimed.
/// </summary>
public sealed class CampaignClaim
{
    private CampaignClaim(CampaignRefusal refusal, CampaignSnapshot? snapshot, string? previousOwnerId)
    {
        Refusal = refusal;
        Snapshot = snapshot;
        PreviousOwnerId = previousOwnerId;
    }

    /// <summary>Whether the caller now owns the campaign.</summary>
    [MemberNotNullWhen(true, nameof(Snapshot))]
    public bool Succeeded => Refusal == CampaignRefusal.None;

    /// <summary>Why not (<see cref="CampaignRefusal.NotFound"/>, <see cref="CampaignRefusal.NotRunning"/>, <see cref="CampaignRefusal.OwnerAlive"/>).</summary>
    public CampaignRefusal Refusal { get; }

    /// <summary>The campaign after the claim (on refusal: as read, or null when not found).</summary>
    public CampaignSnapshot? Snapshot { get; }

    /// <summary>The owner the campaign was taken from (null when it had none).</summary>
    public string? PreviousOwnerId { get; }

    /// <summary>Whether the claim took the campaign over from another owner whose heartbeat was stale.</summary>
    public bool IsTakeover => Succeeded && PreviousOwnerId is not null && !string.Equals(PreviousOwnerId, Snapshot.OwnerId, StringComparison.Ordinal);

    /// <summary>A fixed explanation of <see cref="Refusal"/>.</summary>
    public string Message => CampaignLifecycle.Describe(Refusal);

    /// <summary>The claim succeeded.</summary>
    public static CampaignClaim Claimed(CampaignSnapshot snapshot, string? previousOwnerId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(CampaignRefusal.None, snapshot, previousOwnerId);
    }

    /// <summary>The claim was refused.</summary>
    /// <exception cref="ArgumentException"><paramref name="refusal"/> is <see cref="CampaignRefusal.None"/>.</exception>
    public static CampaignClaim Refused(CampaignRefusal refusal, CampaignSnapshot? current)
    {
        if (refusal == CampaignRefusal.None)
        {
            throw new ArgumentException("A refusal needs a reason other than None.", nameof(refusal));
        }

        return new(refusal, current, current?.OwnerId);
    }

    /// <inheritdoc/>
    public override string ToString() => Succeeded
        ? $"Claimed {Snapshot.Id} at epoch {Snapshot.Epoch}{(IsTakeover ? $" (taken over from {PreviousOwnerId})" : string.Empty)}"
        : $"Refused: {Refusal}: {Message}";
}
