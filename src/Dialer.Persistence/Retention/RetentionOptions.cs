namespace Dialer.Persistence;

/// <summary>
/// How long each type of stored data is kept before <see cref="RetentionService"/> purges it (section
/// <c>Dialer:Retention</c> by convention). A null duration keeps that type forever. Attempts are never purged inside
/// the longest protection rule horizon: a shorter <see cref="Attempts"/> is rejected by
/// <see cref="RetentionOptionsValidator"/>.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>The default of <see cref="Attempts"/> in days.</summary>
    public const int DefaultAttemptsDays = 90;

    /// <summary>The default of <see cref="ExpiredBlocks"/> in days.</summary>
    public const int DefaultExpiredBlocksDays = 30;

    /// <summary>The default of <see cref="FinishedRedialItems"/> in days.</summary>
    public const int DefaultFinishedRedialItemsDays = 30;

    /// <summary>The default of <see cref="AnsweringMachineStats"/> in days.</summary>
    public const int DefaultAnsweringMachineStatsDays = 90;

    /// <summary>The default of <see cref="EndedCampaigns"/> in days.</summary>
    public const int DefaultEndedCampaignsDays = 365;

    /// <summary>The default of <see cref="DailyStatistics"/> in days (kept well beyond the attempt history).</summary>
    public const int DefaultDailyStatisticsDays = 400;

    /// <summary>The default of <see cref="RunInBackground"/>.</summary>
    public const bool DefaultRunInBackground = true;

    /// <summary>The default of <see cref="RunInterval"/> in hours.</summary>
    public const int DefaultRunIntervalHours = 24;

    /// <summary>The longest retention accepted for any type, in days (100 years); use null for forever.</summary>
    public const int MaxRetentionDays = 36_600;

    /// <summary>How long attempts (with their outcomes) are kept after they were recorded; null keeps them forever.</summary>
    /// <value><see cref="DefaultAttemptsDays"/> days (<c>90.00:00:00</c>). Must be at least the longest protection rule horizon (and one day).</value>
    public TimeSpan? Attempts { get; set; } = TimeSpan.FromDays(DefaultAttemptsDays);

    /// <summary>How long blocks and do-not-call entries with an expiry are kept after they expired; null keeps them. Permanent blocks are never purged.</summary>
    /// <value><see cref="DefaultExpiredBlocksDays"/> days (<c>30.00:00:00</c>).</value>
    public TimeSpan? ExpiredBlocks { get; set; } = TimeSpan.FromDays(DefaultExpiredBlocksDays);

    /// <summary>How long completed or cancelled redial items are kept after their last change; null keeps them. Pending items are never purged.</summary>
    /// <value><see cref="DefaultFinishedRedialItemsDays"/> days (<c>30.00:00:00</c>).</value>
    public TimeSpan? FinishedRedialItems { get; set; } = TimeSpan.FromDays(DefaultFinishedRedialItemsDays);

    /// <summary>How long a number's answering-machine statistics are kept after its last outcome; null keeps them.</summary>
    /// <value><see cref="DefaultAnsweringMachineStatsDays"/> days (<c>90.00:00:00</c>).</value>
    public TimeSpan? AnsweringMachineStats { get; set; } = TimeSpan.FromDays(DefaultAnsweringMachineStatsDays);

    /// <summary>How long completed, cancelled or failed campaigns are kept after they ended; null keeps them.</summary>
    /// <value><see cref="DefaultEndedCampaignsDays"/> days (<c>365.00:00:00</c>).</value>
    public TimeSpan? EndedCampaigns { get; set; } = TimeSpan.FromDays(DefaultEndedCampaignsDays);

    /// <summary>How long daily statistics rows are kept after their date (whole UTC days); null keeps them.</summary>
    /// <value><see cref="DefaultDailyStatisticsDays"/> days (<c>400.00:00:00</c>).</value>
    public TimeSpan? DailyStatistics { get; set; } = TimeSpan.FromDays(DefaultDailyStatisticsDays);

    /// <summary>Whether the registered background service purges on start and then every <see cref="RunInterval"/>.</summary>
    /// <value><see cref="DefaultRunInBackground"/> (<see langword="true"/>).</value>
    public bool RunInBackground { get; set; } = DefaultRunInBackground;

    /// <summary>How often the background service purges.</summary>
    /// <value><see cref="DefaultRunIntervalHours"/> hours (<c>1.00:00:00</c>); between one minute and 7 days.</value>
    public TimeSpan RunInterval { get; set; } = TimeSpan.FromHours(DefaultRunIntervalHours);
}
