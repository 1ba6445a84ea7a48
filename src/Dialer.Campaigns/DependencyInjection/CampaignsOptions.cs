namespace Dialer.Campaigns;

/// <summary>Options of Dialer.Campaigns (conventionally bound to a <c>Campaigns</c> configuration section).</summary>
public sealed class CampaignsOptions
{
    /// <summary>Concurrency slot limits and lease timing.</summary>
    /// <value>A <see cref="SlotOptions"/> with its defaults.</value>
    public SlotOptions Slots { get; set; } = new();

    /// <summary>Campaign runner behaviour.</summary>
    /// <value>A <see cref="CampaignRunnerOptions"/> with its defaults.</value>
    public CampaignRunnerOptions Runner { get; set; } = new();
}
