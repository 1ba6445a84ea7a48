using System.Diagnostics.Metrics;

namespace Dialer.Persistence;

/// <summary>The metric names of Dialer.Persistence (meter <c>Dialer.Persistence</c>).</summary>
public static class PersistenceMetrics
{
    /// <summary>The meter name: <c>Dialer.Persistence</c>.</summary>
    public const string MeterName = "Dialer.Persistence";

    /// <summary>Counter of rows deleted by retention, tagged <c>dialer.data_type</c> (the JSON-lines record type, e.g. <c>attempt</c>).</summary>
    public const string RetentionDeleted = "dialer.persistence.retention.deleted";

    /// <summary>Counter of daily statistics rows written by flushes.</summary>
    public const string StatisticsRowsWritten = "dialer.persistence.statistics.rows_written";

    /// <summary>Counter of daily statistics flushes that failed (their counts are kept for the next flush).</summary>
    public const string StatisticsFlushFailures = "dialer.persistence.statistics.flush_failures";

    /// <summary>Counter of provider-neutral backups created.</summary>
    public const string BackupsCreated = "dialer.persistence.backups.created";

    internal static readonly Meter Meter = new(MeterName, typeof(PersistenceMetrics).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> RetentionDeletedCounter = Meter.CreateCounter<long>(RetentionDeleted, unit: "{row}", description: "Rows deleted by retention, by data type.");

    internal static readonly Counter<long> StatisticsRowsCounter = Meter.CreateCounter<long>(StatisticsRowsWritten, unit: "{row}", description: "Daily statistics increments written to the store.");

    internal static readonly Counter<long> StatisticsFailureCounter = Meter.CreateCounter<long>(StatisticsFlushFailures, unit: "{failure}", description: "Daily statistics flushes that failed; the counts stay for the next flush.");

    internal static readonly Counter<long> BackupCounter = Meter.CreateCounter<long>(BackupsCreated, unit: "{backup}", description: "Provider-neutral backups created.");

    internal static void RecordDeleted(StoreDataCounts deleted)
    {
        Add(deleted.Attempts, JsonLinesFormat.AttemptType);
        Add(deleted.Blocks, JsonLinesFormat.BlockType);
        Add(deleted.RedialItems, JsonLinesFormat.RedialType);
        Add(deleted.AnsweringMachineStats, JsonLinesFormat.AnsweringMachineType);
        Add(deleted.Campaigns, JsonLinesFormat.CampaignType);
        Add(deleted.DailyStatistics, JsonLinesFormat.DailyStatisticsType);

        static void Add(long count, string type)
        {
            if (count > 0)
            {
                RetentionDeletedCounter.Add(count, new KeyValuePair<string, object?>("dialer.data_type", type));
            }
        }
    }
}
