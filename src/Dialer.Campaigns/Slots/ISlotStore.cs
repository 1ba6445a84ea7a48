using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// The port for concurrency-slot leases shared by every host that dials. Each operation is one atomic step
/// (one transaction or one statement in SQL); the caller passes "now" (a store may use its own clock instead, e.g.
/// PostgreSQL's <c>now()</c>, as long as it does so consistently).
/// </summary>
/// <remarks>
/// <para>
/// A lease is held under a call id in every scope of a <see cref="SlotScopeSet"/> and is <em>live</em> while
/// <c>now &lt; ExpiresAt</c>. Only live leases count against a limit. Every lease ends exactly once: released
/// (<see cref="ReleaseAsync"/>) or reclaimed after expiry (<see cref="ReclaimExpiredAsync"/>, or as a side effect of
/// an acquire that needs the room). Counts can therefore never go negative or leak.
/// </para>
/// <para>Implementations are thread-safe; in-memory ones complete synchronously and allocate nothing on acquire/release.</para>
/// </remarks>
public interface ISlotStore
{
    /// <summary>
    /// Takes a lease for <paramref name="callId"/> in every scope of <paramref name="scopes"/>, all or nothing: only
    /// when every scope holds fewer live leases than its limit. Idempotent by call id: when the call already holds a
    /// live lease, answers <see cref="SlotAcquireResult.Acquired"/> with its current expiry and
    /// <see cref="SlotAcquireResult.WasAlreadyHeld"/> set, taking nothing more (even if <paramref name="scopes"/>
    /// differs). An expired lease under the same call id is reclaimed first.
    /// </summary>
    /// <param name="callId">The call (attempt) id; the idempotency key.</param>
    /// <param name="scopes">The scopes and their limits, outermost first.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="ttl">How long the lease lives unless renewed; positive.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lease, or the first full scope (in set order) and when it clears.</returns>
    ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, Instant now, Duration ttl, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers what <see cref="TryAcquireAsync"/> would, taking nothing. <see cref="SlotAcquireResult.IsAcquired"/>
    /// means "would be granted"; <see cref="SlotAcquireResult.ExpiresAt"/> is the held lease's expiry when
    /// <paramref name="callId"/> already holds one, otherwise <paramref name="now"/>.
    /// </summary>
    ValueTask<SlotAcquireResult> CheckAsync(string callId, SlotScopeSet scopes, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends the lease held under <paramref name="callId"/>, freeing one slot in each of its scopes. Idempotent: a second
    /// release (a double hang-up event) or a release of a reclaimed lease changes nothing and answers false.
    /// </summary>
    /// <returns>Whether this call ended a lease.</returns>
    ValueTask<bool> ReleaseAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a live lease to <c>now + ttl</c> (heartbeat). An expired lease is not resurrected
    /// (<see cref="SlotRenewStatus.Expired"/>): its slot may already have been counted as free.
    /// </summary>
    ValueTask<SlotRenewResult> RenewAsync(string callId, Instant now, Duration ttl, CancellationToken cancellationToken = default);

    /// <summary>Ends every lease that expired at or before <paramref name="now"/> (orphans of calls that never reported).</summary>
    /// <returns>The number of leases this call reclaimed.</returns>
    ValueTask<int> ReclaimExpiredAsync(Instant now, CancellationToken cancellationToken = default);

    /// <summary>The number of live leases counted in <paramref name="scope"/> at <paramref name="now"/>.</summary>
    ValueTask<int> CountAsync(SlotScope scope, Instant now, CancellationToken cancellationToken = default);

    /// <summary>The lease held under <paramref name="callId"/> (live or expired but not yet reclaimed), or null.</summary>
    ValueTask<SlotLease?> GetLeaseAsync(string callId, CancellationToken cancellationToken = default);
}
