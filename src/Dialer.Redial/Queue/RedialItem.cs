using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// A lead's item as stored in an <see cref="IRedialQueue"/>: the <see cref="Entry"/> plus its state, claim and
/// bookkeeping. Immutable and thread-safe; every change in the store produces a new value.
/// </summary>
public sealed class RedialItem
{
    /// <summary>Creates an item (stores use this to rebuild a row).</summary>
    /// <param name="entry">What is queued.</param>
    /// <param name="state">The item's state.</param>
    /// <param name="enqueuedAt">When the entry (this call id) was first put in the queue.</param>
    /// <param name="updatedAt">When the item last changed.</param>
    /// <param name="claimToken">The current claim's token: required when <paramref name="state"/> is <see cref="RedialItemState.Claimed"/>, otherwise null.</param>
    /// <param name="claimExpiresAt">When the current claim lapses: required exactly when <paramref name="claimToken"/> is set.</param>
    /// <param name="claimCount">How many times this entry has been claimed (a poison-item signal); at least 0.</param>
    /// <exception cref="ArgumentException">The state and claim fields do not fit together; the message says how.</exception>
    public RedialItem(
        RedialEntry entry,
        RedialItemState state,
        Instant enqueuedAt,
        Instant updatedAt,
        string? claimToken = null,
        Instant? claimExpiresAt = null,
        int claimCount = 0)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(state))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, $"state = {(int)state} is not a defined {nameof(RedialItemState)}.");
        }

        if (state == RedialItemState.Claimed && (string.IsNullOrEmpty(claimToken) || claimExpiresAt is null))
        {
            throw new ArgumentException($"A {RedialItemState.Claimed} item needs a claim token and a claim expiry; got token '{claimToken}', expiry {claimExpiresAt?.ToString() ?? "null"}.", nameof(claimToken));
        }

        if (state != RedialItemState.Claimed && (claimToken is not null || claimExpiresAt is not null))
        {
            throw new ArgumentException($"Only a {RedialItemState.Claimed} item has a claim; state {state} got token '{claimToken}', expiry {claimExpiresAt?.ToString() ?? "null"}.", nameof(claimToken));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(claimCount);
        Entry = entry;
        State = state;
        EnqueuedAt = enqueuedAt;
        UpdatedAt = updatedAt;
        ClaimToken = claimToken;
        ClaimExpiresAt = claimExpiresAt;
        ClaimCount = claimCount;
    }

    /// <summary>What is queued.</summary>
    public RedialEntry Entry { get; }

    /// <summary>The request to dial (with the call id of this attempt).</summary>
    public DialRequest Request => Entry.Request;

    /// <summary>The lead (the queue's key).</summary>
    public string LeadId => Entry.Request.LeadId;

    /// <summary>The call id the queued dial uses.</summary>
    public string CallId => Entry.Request.CallId;

    /// <summary>Why it is queued.</summary>
    public DueDialKind Kind => Entry.Kind;

    /// <summary>Which attempt for the lead this dial is (1 = first).</summary>
    public int Attempt => Entry.Attempt;

    /// <summary>When it is (or was) due.</summary>
    public Instant DueAt => Entry.DueAt;

    /// <summary>The item's state. A <see cref="RedialItemState.Claimed"/> item whose claim has lapsed is claimable again.</summary>
    public RedialItemState State { get; }

    /// <summary>When this call id was first put in the queue.</summary>
    public Instant EnqueuedAt { get; }

    /// <summary>When the item last changed (what <see cref="IRedialQueue.PurgeAsync"/> compares).</summary>
    public Instant UpdatedAt { get; }

    /// <summary>The current claim's token (only when <see cref="State"/> is <see cref="RedialItemState.Claimed"/>).</summary>
    public string? ClaimToken { get; }

    /// <summary>When the current claim lapses (only when <see cref="State"/> is <see cref="RedialItemState.Claimed"/>).</summary>
    public Instant? ClaimExpiresAt { get; }

    /// <summary>How many times this entry has been claimed.</summary>
    public int ClaimCount { get; }

    /// <summary>Whether a claim is held and has not lapsed at <paramref name="now"/> (a claim lapses at its expiry instant).</summary>
    public bool IsClaimedAt(Instant now) => State == RedialItemState.Claimed && ClaimExpiresAt > now;

    /// <summary>Whether a caller could claim the item at <paramref name="now"/>: pending and due, or claimed with a lapsed claim.</summary>
    public bool IsClaimableAt(Instant now) => State switch
    {
        RedialItemState.Pending => DueAt <= now,
        RedialItemState.Claimed => ClaimExpiresAt <= now,
        _ => false,
    };

    /// <summary>The claimed item as the <see cref="DueDial"/> handed to <see cref="IDueDialQueue"/> consumers.</summary>
    /// <exception cref="InvalidOperationException">The item is not claimed.</exception>
    public DueDial ToDueDial() => State == RedialItemState.Claimed
        ? new DueDial(Request, Kind, DueAt, ClaimToken!, ClaimExpiresAt!.Value, Attempt)
        : throw new InvalidOperationException($"Only a claimed item is a DueDial; lead {LeadId} is {State}.");

    /// <inheritdoc/>
    public override string ToString() => State == RedialItemState.Claimed
        ? $"RedialItem({Kind} #{Attempt} lead={LeadId} call={CallId} due {DueAt}, claimed until {ClaimExpiresAt})"
        : $"RedialItem({Kind} #{Attempt} lead={LeadId} call={CallId} due {DueAt}, {State})";
}
