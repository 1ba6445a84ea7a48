using System.Collections.ObjectModel;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>What a host supplies to create a campaign.</summary>
public sealed class CampaignDefinition
{
    /// <summary>Creates a definition.</summary>
    /// <param name="id">The campaign id (unique in the store; also <see cref="Core.DialRequest.CampaignId"/> of its calls).</param>
    /// <param name="clientId">The client (tenant); <see cref="Core.DialRequest.DefaultClientId"/> when null.</param>
    /// <param name="name">A display name; the id when null.</param>
    /// <exception cref="ArgumentException">An id is empty, whitespace or longer than 256 characters.</exception>
    public CampaignDefinition(string id, string? clientId = null, string? name = null)
    {
        Id = CampaignIds.Check(id, nameof(id));
        ClientId = clientId is null ? Core.DialRequest.DefaultClientId : CampaignIds.Check(clientId, nameof(clientId));
        Name = string.IsNullOrWhiteSpace(name) ? Id : name;
    }

    /// <summary>The campaign id.</summary>
    public string Id { get; }

    /// <summary>The client (tenant).</summary>
    public string ClientId { get; }

    /// <summary>The display name.</summary>
    public string Name { get; }
}

/// <summary>
/// A campaign as a store holds it: lifecycle state, ownership (owner, epoch, heartbeat) and the checkpoint (cursor,
/// in-flight call, processed and outcome counts). Immutable; stores build a new one for every change.
/// </summary>
public sealed record CampaignSnapshot
{
    /// <summary>An empty, read-only outcome count map.</summary>
    public static IReadOnlyDictionary<string, long> NoOutcomes { get; } = ReadOnlyDictionary<string, long>.Empty;

    /// <summary>The campaign id.</summary>
    public required string Id { get; init; }

    /// <summary>The client (tenant).</summary>
    public required string ClientId { get; init; }

    /// <summary>The display name.</summary>
    public required string Name { get; init; }

    /// <summary>The lifecycle state.</summary>
    public CampaignState State { get; init; }

    /// <summary>For <see cref="CampaignState.Failed"/>: why.</summary>
    public string? Error { get; init; }

    /// <summary>The ownership epoch: incremented by every successful claim. Writes carrying an older epoch are rejected.</summary>
    public long Epoch { get; init; }

    /// <summary>The runner that owns the campaign, or null when none has claimed it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The owner's last heartbeat (or checkpoint, which counts as one).</summary>
    public Instant? HeartbeatAt { get; init; }

    /// <summary>The index of the next lead to process (0-based); every lead below it has been processed.</summary>
    public long Cursor { get; init; }

    /// <summary>
    /// When not null, the lead at <see cref="Cursor"/> was being placed under this call id when the checkpoint was
    /// written: a runner taking over must not place it again (it counts it as <c>unknown_outcome</c> and moves on).
    /// </summary>
    public string? InFlightCallId { get; init; }

    /// <summary>How many leads have been processed (placed, denied, deferred or failed).</summary>
    public long Processed { get; init; }

    /// <summary>The number of leads as last reported by the lead source, when known.</summary>
    public long? TotalLeads { get; init; }

    /// <summary>Processed leads by outcome: disposition codes of placed calls, plus <c>admission_denied</c>, <c>deferred</c>, <c>unknown_outcome</c>.</summary>
    public IReadOnlyDictionary<string, long> OutcomeCounts { get; init; } = NoOutcomes;

    /// <summary>How many placements threw (each counted as <c>failed</c>).</summary>
    public long PlacementErrors { get; init; }

    /// <summary>How many placements in a row threw, up to the last checkpoint (the error budget counts these).</summary>
    public int ConsecutivePlacementErrors { get; init; }

    /// <summary>When the campaign was created.</summary>
    public Instant CreatedAt { get; init; }

    /// <summary>When the campaign last changed.</summary>
    public Instant UpdatedAt { get; init; }

    /// <summary>When the campaign was started, if it was.</summary>
    public Instant? StartedAt { get; init; }

    /// <summary>When the campaign reached a terminal state, if it did.</summary>
    public Instant? EndedAt { get; init; }

    /// <summary>Whether the owner's heartbeat is older than <paramref name="staleAfter"/> at <paramref name="now"/> (or there is no owner).</summary>
    public bool IsOwnerStale(Instant now, Duration staleAfter) =>
        OwnerId is null || HeartbeatAt is not { } hb || hb + staleAfter <= now;
}

/// <summary>
/// The progress a runner writes after every lead (and before placing one, with <see cref="InFlightCallId"/> set).
/// Values are absolute, not deltas, so a retried write is harmless; the store accepts it only from the current
/// owner and epoch (fencing).
/// </summary>
public sealed class CampaignCheckpoint
{
    /// <summary>Creates a checkpoint for the owner <paramref name="ownerId"/> at <paramref name="epoch"/>.</summary>
    /// <exception cref="ArgumentException">An id is empty, whitespace or longer than 256 characters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is not positive.</exception>
    public CampaignCheckpoint(string campaignId, string ownerId, long epoch)
    {
        CampaignId = CampaignIds.Check(campaignId, nameof(campaignId));
        OwnerId = CampaignIds.Check(ownerId, nameof(ownerId));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        Epoch = epoch;
    }

    /// <summary>The campaign.</summary>
    public string CampaignId { get; }

    /// <summary>The writing owner.</summary>
    public string OwnerId { get; }

    /// <summary>The writing owner's epoch.</summary>
    public long Epoch { get; }

    /// <summary>See <see cref="CampaignSnapshot.Cursor"/>.</summary>
    public long Cursor { get; init => field = NonNegative(value); }

    /// <summary>See <see cref="CampaignSnapshot.InFlightCallId"/>.</summary>
    public string? InFlightCallId { get; init; }

    /// <summary>See <see cref="CampaignSnapshot.Processed"/>.</summary>
    public long Processed { get; init => field = NonNegative(value); }

    /// <summary>See <see cref="CampaignSnapshot.TotalLeads"/>.</summary>
    public long? TotalLeads { get; init => field = value is { } v ? NonNegative(v) : null; }

    /// <summary>See <see cref="CampaignSnapshot.OutcomeCounts"/>.</summary>
    public IReadOnlyDictionary<string, long> OutcomeCounts { get; init => field = value ?? throw new ArgumentNullException(nameof(OutcomeCounts)); } = CampaignSnapshot.NoOutcomes;

    /// <summary>See <see cref="CampaignSnapshot.PlacementErrors"/>.</summary>
    public long PlacementErrors { get; init => field = NonNegative(value); }

    /// <summary>See <see cref="CampaignSnapshot.ConsecutivePlacementErrors"/>.</summary>
    public int ConsecutivePlacementErrors { get; init => field = (int)NonNegative(value); }

    private static long NonNegative(long value, [System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        value < 0 ? throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.") : value;
}

internal static class CampaignIds
{
    public static string Check(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} must not be empty or whitespace; got '{value}'.", name);
        }

        if (value.Length > 256)
        {
            throw new ArgumentException($"{name} must be at most 256 characters; got {value.Length}.", name);
        }

        return value;
    }
}
