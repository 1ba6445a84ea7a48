using System.Diagnostics.Metrics;

namespace Dialer.Campaigns;

/// <summary>The metric names of Dialer.Campaigns (meter <see cref="MeterName"/>).</summary>
public static class CampaignsMetrics
{
    /// <summary>The meter name: <c>Dialer.Campaigns</c>.</summary>
    public const string MeterName = "Dialer.Campaigns";

    /// <summary>Counter of slot acquisitions, tagged <c>dialer.result</c> (<c>acquired</c>/<c>full</c>/<c>timeout</c>).</summary>
    public const string SlotAcquisitions = "dialer.campaigns.slots.acquisitions";

    /// <summary>Counter of expired slot leases reclaimed (orphans of calls that never reported an outcome).</summary>
    public const string SlotsReclaimed = "dialer.campaigns.slots.reclaimed";

    /// <summary>Counter of leads processed by campaign runners, tagged <c>dialer.outcome</c>.</summary>
    public const string LeadsProcessed = "dialer.campaigns.leads.processed";

    /// <summary>Counter of campaign takeovers (a runner claimed a campaign whose owner's heartbeat was stale).</summary>
    public const string Takeovers = "dialer.campaigns.takeovers";

    internal static readonly Meter Meter = new(MeterName, typeof(CampaignsMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_acquisitions =
        Meter.CreateCounter<long>(SlotAcquisitions, unit: "{acquisition}", description: "Slot acquisitions by result.");

    private static readonly Counter<long> s_reclaimed =
        Meter.CreateCounter<long>(SlotsReclaimed, unit: "{lease}", description: "Expired slot leases reclaimed.");

    private static readonly Counter<long> s_leads =
        Meter.CreateCounter<long>(LeadsProcessed, unit: "{lead}", description: "Leads processed by campaign runners, by outcome.");

    private static readonly Counter<long> s_takeovers =
        Meter.CreateCounter<long>(Takeovers, unit: "{takeover}", description: "Campaigns taken over from a stale owner.");

    internal static void RecordReclaimed(int count)
    {
        if (s_reclaimed.Enabled)
        {
            s_reclaimed.Add(count);
        }
    }

    internal static void RecordAcquisition(string result)
    {
        if (s_acquisitions.Enabled)
        {
            s_acquisitions.Add(1, new KeyValuePair<string, object?>("dialer.result", result));
        }
    }

    internal static void RecordLead(string outcome)
    {
        if (s_leads.Enabled)
        {
            s_leads.Add(1, new KeyValuePair<string, object?>("dialer.outcome", outcome));
        }
    }

    internal static void RecordTakeover()
    {
        if (s_takeovers.Enabled)
        {
            s_takeovers.Add(1);
        }
    }
}
