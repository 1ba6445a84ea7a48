using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// The port for campaign state shared by every host: lifecycle, ownership and checkpoints. Each operation is one
/// atomic step, implementable as one SQL statement (<c>UPDATE … WHERE state = @expected AND epoch = @epoch</c>) plus,
/// on a refusal, a read that explains it. The caller passes "now" (a store may use its own clock consistently).
/// </summary>
/// <remarks>
/// <para>
/// Ownership: a runner claims a Running campaign (<see cref="TryClaimAsync"/>) when nobody owns it or the owner's
/// heartbeat is older than a threshold; every claim increments <see cref="CampaignSnapshot.Epoch"/>. Heartbeats and
/// checkpoints carry the writer's owner id and epoch and are rejected with <see cref="CampaignRefusal.StaleEpoch"/>
/// once someone else has claimed the campaign (fencing). Lifecycle transitions are compare-and-set on the expected
/// state and epoch and never change ownership.
/// </para>
/// <para>Implementations are thread-safe; in-memory ones complete synchronously.</para>
/// </remarks>
public interface ICampaignStore
{
    /// <summary>Creates a campaign in <see cref="CampaignState.Draft"/> at epoch 0. Idempotent by id: an existing campaign is returned with <see cref="CampaignRefusal.AlreadyExists"/>.</summary>
    /// <returns>The result (<see cref="CampaignResult.Succeeded"/> when created) and the stored campaign.</returns>
    ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default);

    /// <summary>The campaign, or null.</summary>
    ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Every campaign (in <paramref name="state"/> when given), ordered by id (ordinal).</summary>
    ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="command"/> if the campaign is in <paramref name="expectedState"/> at
    /// <paramref name="expectedEpoch"/> (compare-and-set). First the command is checked against
    /// <see cref="CampaignLifecycle"/> from <paramref name="expectedState"/> (refusals <see cref="CampaignRefusal.AlreadyInState"/>,
    /// <see cref="CampaignRefusal.NotAllowedFromState"/>, <see cref="CampaignRefusal.Terminal"/>; nothing is read and the
    /// result echoes <paramref name="expectedState"/> and <paramref name="expectedEpoch"/>); then
    /// the compare-and-set runs and, if it matches nothing, the refusal is <see cref="CampaignRefusal.NotFound"/>,
    /// <see cref="CampaignRefusal.StateChanged"/> (the state differs) or <see cref="CampaignRefusal.StaleEpoch"/> (only the epoch differs).
    /// Ownership, epoch and checkpoint are unchanged; Start sets <see cref="CampaignSnapshot.StartedAt"/>, a terminal
    /// state sets <see cref="CampaignSnapshot.EndedAt"/>, Fail sets <see cref="CampaignSnapshot.Error"/>.
    /// </summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="command">The command.</param>
    /// <param name="expectedState">The state the caller read.</param>
    /// <param name="expectedEpoch">The epoch the caller read.</param>
    /// <param name="now">The current instant.</param>
    /// <param name="error">For <see cref="CampaignCommand.Fail"/>: why (required); ignored otherwise.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="ownerId"/> the owner of a Running campaign when it has no owner, the owner is
    /// <paramref name="ownerId"/> itself, or the owner's heartbeat is at or before <c>now - staleAfter</c>. Increments the
    /// epoch and sets the heartbeat to <paramref name="now"/>; the checkpoint (cursor, in-flight call, counts) is kept
    /// for the new owner to resume from. Refusals: <see cref="CampaignRefusal.NotFound"/>,
    /// <see cref="CampaignRefusal.NotRunning"/>, <see cref="CampaignRefusal.OwnerAlive"/>.
    /// </summary>
    ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the owner is alive (in any state). Refused with <see cref="CampaignRefusal.StaleEpoch"/> unless
    /// <paramref name="ownerId"/> and <paramref name="epoch"/> are current. The result carries the current state, so the
    /// owner learns of a pause or cancel in the same round trip.
    /// </summary>
    ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the checkpoint (and counts as a heartbeat) in any state, never changing the state. Refused with
    /// <see cref="CampaignRefusal.StaleEpoch"/> unless the checkpoint's owner and epoch are current (a late write from
    /// a stalled former owner is rejected). The result carries the current state.
    /// </summary>
    ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives up ownership (graceful shutdown) so another runner can claim the campaign at once instead of waiting for
    /// the heartbeat to go stale: clears <see cref="CampaignSnapshot.OwnerId"/>, keeping epoch, state and checkpoint.
    /// Refused with <see cref="CampaignRefusal.StaleEpoch"/> unless <paramref name="ownerId"/> and <paramref name="epoch"/>
    /// are current. Every later write with that owner and epoch is rejected.
    /// </summary>
    ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default);
}
