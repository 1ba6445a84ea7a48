using Dialer.Core;

namespace Dialer.Campaigns;

/// <summary>One lead of a campaign as the host's lead source supplies it.</summary>
public sealed class CampaignLead
{
    /// <summary>Creates a lead.</summary>
    /// <exception cref="ArgumentException"><paramref name="leadId"/> is empty or whitespace, or <paramref name="phone"/> is default.</exception>
    public CampaignLead(string leadId, PhoneNumber phone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(leadId);
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }

        LeadId = leadId;
        Phone = phone;
    }

    /// <summary>The lead id.</summary>
    public string LeadId { get; }

    /// <summary>The number to dial.</summary>
    public PhoneNumber Phone { get; }

    /// <summary>See <see cref="DialRequest.CalleeZoneId"/>.</summary>
    public string? CalleeZoneId { get; init; }

    /// <summary>See <see cref="DialRequest.RegionCode"/>.</summary>
    public string? RegionCode { get; init; }

    /// <summary>See <see cref="DialRequest.PostalCode"/>.</summary>
    public string? PostalCode { get; init; }

    /// <summary>See <see cref="DialRequest.SubjectKey"/>.</summary>
    public string? SubjectKey { get; init; }
}

/// <summary>
/// The host's leads for a campaign, addressed by a stable 0-based index (the runner's cursor). The order must not
/// change while the campaign runs; leads may be appended.
/// </summary>
public interface ILeadSource
{
    /// <summary>How many leads the campaign has.</summary>
    ValueTask<long> CountAsync(string campaignId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> leads starting at <paramref name="startIndex"/> (fewer at the end).</summary>
    ValueTask<IReadOnlyList<CampaignLead>> GetLeadsAsync(string campaignId, long startIndex, int maxCount, CancellationToken cancellationToken);
}

/// <summary>The host's telephony: places an admitted call and returns how it ended.</summary>
public interface ICallPlacer
{
    /// <summary>
    /// Places the call for <paramref name="request"/> (already admitted) and returns its outcome for that request. Throwing
    /// marks the lead failed (<see cref="Disposition.Failed"/>); the runner goes on until the error budget is spent.
    /// </summary>
    ValueTask<CallOutcome> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken);
}

/// <summary>How a <see cref="CampaignRunner.RunAsync"/> ended.</summary>
public enum CampaignRunStatus
{
    /// <summary>The runner could not claim the campaign (see <see cref="CampaignRunResult.Refusal"/>).</summary>
    NotClaimed = 0,

    /// <summary>Every lead was processed and the campaign is Completed.</summary>
    Completed = 1,

    /// <summary>The campaign was cancelled.</summary>
    Cancelled = 2,

    /// <summary>The campaign failed (e.g. the placement error budget was spent).</summary>
    Failed = 3,

    /// <summary>The host stopped the runner (cancellation); the checkpoint is written and ownership released.</summary>
    Stopped = 4,

    /// <summary>Another runner took the campaign over; this one stopped writing.</summary>
    Fenced = 5,
}

/// <summary>How a run ended, and where.</summary>
public sealed class CampaignRunResult
{
    internal CampaignRunResult(CampaignRunStatus status, CampaignRefusal refusal, long cursor, long processed, long redialsPlaced, string? error)
    {
        Status = status;
        Refusal = refusal;
        Cursor = cursor;
        Processed = processed;
        RedialsPlaced = redialsPlaced;
        Error = error;
    }

    /// <summary>How the run ended.</summary>
    public CampaignRunStatus Status { get; }

    /// <summary>For <see cref="CampaignRunStatus.NotClaimed"/>: why.</summary>
    public CampaignRefusal Refusal { get; }

    /// <summary>The next lead index when the run ended.</summary>
    public long Cursor { get; }

    /// <summary>Leads processed in total (all runs).</summary>
    public long Processed { get; }

    /// <summary>Due redials placed by this run.</summary>
    public long RedialsPlaced { get; }

    /// <summary>For <see cref="CampaignRunStatus.Failed"/>: why.</summary>
    public string? Error { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Status} at cursor {Cursor} ({Processed} processed, {RedialsPlaced} redials){(Error is null ? string.Empty : ": " + Error)}";
}
