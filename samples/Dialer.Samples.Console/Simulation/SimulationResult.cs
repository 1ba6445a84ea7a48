using NodaTime;

namespace Dialer.Samples.Console.Simulation;

/// <summary>What one run of the simulation did (this run only; campaign totals live in the campaign store).</summary>
internal sealed class SimulationResult
{
    public long Leads { get; set; }

    public long LeadsStarted { get; set; }

    public long CursorAtStart { get; set; }

    public long CursorAtEnd { get; set; }

    public long Admissions { get; set; }

    public long Admitted { get; set; }

    public long Denied { get; set; }

    public long Deferred { get; set; }

    public long RedialsPlaced { get; set; }

    public long DeferredPlaced { get; set; }

    public long PeakConcurrency { get; set; }

    public int ConcurrencyLimit { get; set; }

    public Dictionary<string, long> DeniedByReason { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> CampaignOutcomes { get; } = new(StringComparer.Ordinal);

    public long RedialsPending { get; set; }

    public Instant SimulatedFrom { get; set; }

    public Instant SimulatedTo { get; set; }

    public TimeSpan WallTime { get; set; }

    public string CampaignState { get; set; } = string.Empty;

    public bool Continued { get; set; }
}
