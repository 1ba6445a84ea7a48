namespace Dialer.Persistence;

/// <summary>
/// How <see cref="DailyStatisticsCollector"/> counts and flushes (section <c>Dialer:DailyStatistics</c> by convention).
/// </summary>
public sealed class DailyStatisticsOptions
{
    /// <summary>The default of <see cref="ReportingZoneId"/>.</summary>
    public const string DefaultReportingZoneId = "UTC";

    /// <summary>The default of <see cref="FlushInterval"/> in seconds.</summary>
    public const int DefaultFlushIntervalSeconds = 60;

    /// <summary>The default of <see cref="OutcomeDeduplicationWindow"/> in hours.</summary>
    public const int DefaultOutcomeDeduplicationWindowHours = 24;

    /// <summary>The IANA zone whose local dates the statistics are kept by (a decision at 23:30 local counts on that local day).</summary>
    /// <value><see cref="DefaultReportingZoneId"/> (<c>UTC</c>).</value>
    public string ReportingZoneId { get; set; } = DefaultReportingZoneId;

    /// <summary>How often the registered background flusher writes the counts to the store (and once more when the host stops).</summary>
    /// <value><see cref="DefaultFlushIntervalSeconds"/> seconds (<c>00:01:00</c>); between one second and one day.</value>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(DefaultFlushIntervalSeconds);

    /// <summary>
    /// How long an attempt id whose outcome was counted is remembered, so that an outcome reported again (a retried
    /// webhook) is not counted twice. <see cref="TimeSpan.Zero"/> counts every report. Memory grows with the outcomes
    /// reported inside the window (one small entry per attempt id; forgotten at the first flush after the window).
    /// </summary>
    /// <value><see cref="DefaultOutcomeDeduplicationWindowHours"/> hours (<c>1.00:00:00</c>); between zero and 30 days.</value>
    public TimeSpan OutcomeDeduplicationWindow { get; set; } = TimeSpan.FromHours(DefaultOutcomeDeduplicationWindowHours);
}
