using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The store port of the redial queue: one item per lead (keyed by <see cref="Dialer.Core.DialRequest.LeadId"/>, ordinal),
/// claimed exclusively with a time-to-live. Dialer.Redial ships <see cref="InMemoryRedialQueue"/>; the persistence
/// packages implement it durably. The contract tests in <c>Dialer.Persistence.Contracts.Redial</c> pin the behaviour.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is atomic and idempotent, takes "now" explicitly (a store never reads a clock) and is safe to
/// call from any number of threads, processes or hosts sharing the store. "Not possible" is a <see langword="false"/>
/// result, never an exception. A claim is identified by the lead and its token: an operation with a token that is
/// not the lead's current claim token (stale, completed, released, replaced, cancelled) changes nothing.
/// </para>
/// <para>
/// A claim lapses at its expiry instant: from then on the item is claimable again (and counts as due). Until
/// another caller claims it, the lapsed claim's holder may still complete or release it with its token.
/// </para>
/// <para>
/// SQL sketch. One row per lead (primary key <c>lead_id</c>), an index on <c>(due_at)</c> (and
/// <c>(campaign_id, due_at)</c>) over live rows, and an index on <c>claim_expires_at</c>. Claim on PostgreSQL:
/// <c>UPDATE q SET state=claimed, claim_token=@t, claim_expires_at=@now+@ttl, claim_count=claim_count+1, updated_at=@now
/// WHERE lead_id IN (SELECT lead_id FROM q WHERE (state=pending AND due_at&lt;=@now) OR (state=claimed AND claim_expires_at&lt;=@now)
/// ORDER BY due_at, lead_id LIMIT @n FOR UPDATE SKIP LOCKED) RETURNING *</c>; on SQLite the same inside one
/// <c>BEGIN IMMEDIATE</c> transaction. Enqueue is one <c>INSERT … ON CONFLICT(lead_id) DO UPDATE … WHERE …</c>.
/// </para>
/// </remarks>
public interface IRedialQueue
{
    /// <summary>
    /// Puts <paramref name="entry"/> in the queue as its lead's pending item.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>The lead has no item: the entry is added (<see cref="RedialItemState.Pending"/>,
    /// <see cref="RedialItem.EnqueuedAt"/> = <see cref="RedialItem.UpdatedAt"/> = <paramref name="now"/>, claim count 0).</item>
    /// <item>The lead's item has another call id (in any state): it is replaced by the entry as above; a claim on
    /// the old item is void.</item>
    /// <item>The lead's item has the same call id and is pending, or claimed with a lapsed claim: it becomes pending with
    /// the entry's fields (due time, kind, attempt, flags, reason, request fields); <see cref="RedialItem.EnqueuedAt"/>
    /// and the claim count are kept, a lapsed claim is dropped.</item>
    /// <item>The lead's item has the same call id and is claimed (claim not lapsed at <paramref name="now"/>),
    /// completed or cancelled: nothing changes and the result is <see langword="false"/>. (A retried outcome
    /// webhook therefore never resurrects a dial that was placed or cancelled. A holder that wants its claimed item
    /// back in the queue releases it.)</item>
    /// </list>
    /// </remarks>
    /// <returns><see langword="true"/> when the entry is now the lead's pending item; <see langword="false"/> when ignored.</returns>
    ValueTask<bool> EnqueueAsync(RedialEntry entry, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxItems"/> items claimable at <paramref name="now"/> — pending with
    /// <see cref="RedialItem.DueAt"/> ≤ <paramref name="now"/>, or claimed with a lapsed claim — earliest due first
    /// (ties in any order), optionally only those of <paramref name="campaignId"/>. Each returned item is
    /// <see cref="RedialItemState.Claimed"/> with a token no other caller holds, expiring at
    /// <paramref name="now"/> + <paramref name="claimTtl"/>, and its claim count incremented. No item is returned to
    /// two callers while its claim has not lapsed.
    /// </summary>
    /// <param name="now">The instant to claim at.</param>
    /// <param name="maxItems">At least 1.</param>
    /// <param name="claimTtl">How long the claim lasts; positive.</param>
    /// <param name="campaignId">Only items of this campaign when not null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The claimed items (empty when nothing is due), earliest due first. Stores may give every item of one call the same token.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is less than 1 or <paramref name="claimTtl"/> is not positive.</exception>
    ValueTask<IReadOnlyList<RedialItem>> ClaimDueAsync(Instant now, int maxItems, Duration claimTtl, string? campaignId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the lead's claimed item <see cref="RedialItemState.Completed"/> when <paramref name="claimToken"/> is its
    /// current claim token. Idempotent: completing again, or with a stale token, changes nothing.
    /// </summary>
    /// <returns><see langword="true"/> when this call completed the item.</returns>
    ValueTask<bool> CompleteAsync(string leadId, string claimToken, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the lead's claimed item to <see cref="RedialItemState.Pending"/>, due at <paramref name="dueAt"/> (its
    /// current due time when null), when <paramref name="claimToken"/> is its current claim token. The claim count is kept.
    /// Idempotent: releasing again, or with a stale token, changes nothing.
    /// </summary>
    /// <returns><see langword="true"/> when this call released the item.</returns>
    ValueTask<bool> ReleaseAsync(string leadId, string claimToken, Instant? dueAt, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the lead's item to due at <paramref name="dueAt"/> when it is pending, or claimed with a lapsed claim
    /// (which is dropped: the item becomes pending). A claimed (not lapsed), completed or cancelled item is left alone.
    /// </summary>
    /// <returns><see langword="true"/> when the item is now pending and due at <paramref name="dueAt"/>.</returns>
    ValueTask<bool> RescheduleAsync(string leadId, Instant dueAt, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the lead's live item (pending or claimed, lapsed or not): it becomes <see cref="RedialItemState.Cancelled"/>
    /// and any claim is void. Idempotent.
    /// </summary>
    /// <returns><see langword="true"/> when this call cancelled an item.</returns>
    ValueTask<bool> CancelAsync(string leadId, Instant now, CancellationToken cancellationToken = default);

    /// <summary>The lead's item in whatever state, or null when the queue holds none (or it was purged).</summary>
    ValueTask<RedialItem?> GetAsync(string leadId, CancellationToken cancellationToken = default);

    /// <summary>How many items are in each state at <paramref name="now"/>, optionally only those of <paramref name="campaignId"/>.</summary>
    ValueTask<RedialQueueCounts> GetCountsAsync(Instant now, string? campaignId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes completed and cancelled items whose <see cref="RedialItem.UpdatedAt"/> is before
    /// <paramref name="olderThan"/>. Live items are never removed.
    /// </summary>
    /// <returns>How many items were removed.</returns>
    ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default);
}
