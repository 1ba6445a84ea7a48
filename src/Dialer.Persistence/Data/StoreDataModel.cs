using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>How <see cref="IStoreDataAccess.ImportAsync"/> treats rows that already exist.</summary>
public enum StoreImportMode
{
    /// <summary>Existing rows are kept and only new ones are added: importing twice changes nothing.</summary>
    Merge = 0,

    /// <summary>Every data row is deleted first, so the store ends with exactly the imported data (a restore).</summary>
    Replace = 1,
}

/// <summary>Which rows a read returns.</summary>
/// <param name="Phone">Only rows for this number (a privacy request); null for every number.</param>
/// <param name="From">Only attempts recorded at or after this instant; null for no lower bound. Other data types ignore it.</param>
/// <param name="To">Only attempts recorded before this instant; null for no upper bound. Other data types ignore it.</param>
public readonly record struct StoreDataFilter(PhoneNumber? Phone = null, Instant? From = null, Instant? To = null)
{
    /// <summary>Every row.</summary>
    public static StoreDataFilter All => default;

    /// <summary>Every row for one number.</summary>
    public static StoreDataFilter ForNumber(PhoneNumber phone) => new(Phone: phone);

    /// <summary>Attempts recorded in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static StoreDataFilter Between(Instant from, Instant to) => new(From: from, To: to);
}

/// <summary>Row counts per data type (written, deleted or stored, depending on the call).</summary>
/// <param name="Attempts">Attempts.</param>
/// <param name="Blocks">Blocks of every kind, do-not-call entries included.</param>
/// <param name="RedialItems">Redial queue items.</param>
/// <param name="AnsweringMachineStats">Answering-machine statistics rows.</param>
/// <param name="Campaigns">Campaigns.</param>
/// <param name="DailyStatistics">Daily statistics rows.</param>
public readonly record struct StoreDataCounts(
    long Attempts,
    long Blocks,
    long RedialItems,
    long AnsweringMachineStats,
    long Campaigns,
    long DailyStatistics)
{
    /// <summary>The sum over every data type.</summary>
    public long Total => Attempts + Blocks + RedialItems + AnsweringMachineStats + Campaigns + DailyStatistics;
}

/// <summary>A whole data set to import: what an export file or a backup holds.</summary>
public sealed class StoreDataSet
{
    /// <summary>Attempts with their outcomes.</summary>
    public IReadOnlyList<AttemptEntry> Attempts { get; init; } = [];

    /// <summary>Blocks of every kind.</summary>
    public IReadOnlyList<ProtectionBlock> Blocks { get; init; } = [];

    /// <summary>Redial queue items (claims are ignored on import: claimed items arrive pending).</summary>
    public IReadOnlyList<RedialItem> RedialItems { get; init; } = [];

    /// <summary>Answering-machine statistics per number.</summary>
    public IReadOnlyList<AnsweringMachineStats> AnsweringMachineStats { get; init; } = [];

    /// <summary>Campaigns.</summary>
    public IReadOnlyList<CampaignSnapshot> Campaigns { get; init; } = [];

    /// <summary>Daily statistics rows.</summary>
    public IReadOnlyList<DailyStatistics> DailyStatistics { get; init; } = [];

    /// <summary>The number of rows per data type.</summary>
    public StoreDataCounts Counts => new(Attempts.Count, Blocks.Count, RedialItems.Count, AnsweringMachineStats.Count, Campaigns.Count, DailyStatistics.Count);
}

/// <summary>
/// Per data type, the instant before which rows are deleted by <see cref="IStoreDataAccess.PurgeAsync"/>; null keeps
/// the type. Build it with <c>RetentionPolicy</c>, which never lets a cutoff fall inside the longest rule horizon.
/// </summary>
/// <param name="AttemptsRecordedBefore">Attempts recorded before this instant.</param>
/// <param name="BlocksExpiredBefore">Blocks whose expiry (<see cref="ProtectionBlock.Until"/>) is before this instant; permanent blocks and do-not-call entries without expiry are never purged.</param>
/// <param name="RedialItemsFinishedBefore">Completed or cancelled redial items last updated before this instant; pending items are never purged.</param>
/// <param name="AnsweringMachineStatsBefore">Answering-machine statistics whose last outcome is before this instant.</param>
/// <param name="CampaignsEndedBefore">Completed, cancelled or failed campaigns that ended before this instant.</param>
/// <param name="DailyStatisticsBefore">Daily statistics rows dated before this date.</param>
public readonly record struct RetentionCutoffs(
    Instant? AttemptsRecordedBefore = null,
    Instant? BlocksExpiredBefore = null,
    Instant? RedialItemsFinishedBefore = null,
    Instant? AnsweringMachineStatsBefore = null,
    Instant? CampaignsEndedBefore = null,
    LocalDate? DailyStatisticsBefore = null);

/// <summary>
/// One day's counters for one client and campaign: what the admission decided and what the calls ended as. Kept
/// beyond the attempt-history horizon (the seeds' <c>stats_YYYY-MM-DD.json</c>). As an increment (see
/// <see cref="IStoreDataAccess.AddDailyStatisticsAsync"/>) every counter is added to the stored row.
/// </summary>
public sealed record DailyStatistics
{
    /// <summary>The day, in the statistics' reporting zone.</summary>
    public required LocalDate Date { get; init; }

    /// <summary>The client.</summary>
    public required string ClientId { get; init; }

    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Admission decisions made (allowed plus denied).</summary>
    public long Requests { get; init; }

    /// <summary>Decisions that allowed the call.</summary>
    public long Admitted { get; init; }

    /// <summary>Decisions that denied the call.</summary>
    public long Denied { get; init; }

    /// <summary>Denials by reason code (a decision with several reasons counts once per reason).</summary>
    public IReadOnlyDictionary<string, long> DeniedByReason { get; init; } = EmptyCounts;

    /// <summary>Reported call outcomes by disposition code.</summary>
    public IReadOnlyDictionary<string, long> Outcomes { get; init; } = EmptyCounts;

    /// <summary>An empty counter map.</summary>
    public static IReadOnlyDictionary<string, long> EmptyCounts { get; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, long>.Empty;

    /// <inheritdoc/>
    public bool Equals(DailyStatistics? other) =>
        other is not null && Date == other.Date && ClientId == other.ClientId && CampaignId == other.CampaignId &&
        Requests == other.Requests && Admitted == other.Admitted && Denied == other.Denied &&
        SameCounts(DeniedByReason, other.DeniedByReason) && SameCounts(Outcomes, other.Outcomes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Date, ClientId, CampaignId, Requests, Admitted, Denied);

    private static bool SameCounts(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }
}
