namespace Dialer.Campaigns;

/// <summary>How campaign runners claim, heartbeat, pace and give up.</summary>
public sealed class CampaignRunnerOptions
{
    /// <summary>The default of <see cref="HeartbeatInterval"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="TakeoverAfter"/>: 60 seconds.</summary>
    public static readonly TimeSpan DefaultTakeoverAfter = TimeSpan.FromSeconds(60);

    /// <summary>The default of <see cref="PollInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default of <see cref="RetryDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="ProgressWindow"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultProgressWindow = TimeSpan.FromMinutes(5);

    /// <summary>The default of <see cref="PlacementErrorBudget"/>.</summary>
    public const int DefaultPlacementErrorBudget = 10;

    /// <summary>The default of <see cref="LeadBatchSize"/>.</summary>
    public const int DefaultLeadBatchSize = 100;

    /// <summary>The default of <see cref="RedialBatchSize"/>.</summary>
    public const int DefaultRedialBatchSize = 10;

    /// <summary>The default of <see cref="MaxConcurrentCampaigns"/>.</summary>
    public const int DefaultMaxConcurrentCampaigns = 4;

    /// <summary>This host's owner id in campaign claims; null generates one per runner instance (machine name and a random suffix).</summary>
    /// <value><see langword="null"/>.</value>
    public string? OwnerId { get; set; }

    /// <summary>How often the owner heartbeats (and renews the lease of the call it is placing).</summary>
    /// <value><see cref="DefaultHeartbeatInterval"/> (10 seconds).</value>
    public TimeSpan HeartbeatInterval { get; set; } = DefaultHeartbeatInterval;

    /// <summary>How old an owner's heartbeat must be before another runner may take the campaign over; at least twice <see cref="HeartbeatInterval"/>.</summary>
    /// <value><see cref="DefaultTakeoverAfter"/> (60 seconds).</value>
    public TimeSpan TakeoverAfter { get; set; } = DefaultTakeoverAfter;

    /// <summary>How often a paused runner looks for resume/cancel, and the hosted service looks for campaigns to claim.</summary>
    /// <value><see cref="DefaultPollInterval"/> (5 seconds).</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>How long to wait before admitting a lead again after a transient denial (no slot free, store unavailable).</summary>
    /// <value><see cref="DefaultRetryDelay"/> (1 second).</value>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>How many placements in a row may throw before the campaign fails; the next one fails it.</summary>
    /// <value><see cref="DefaultPlacementErrorBudget"/> (10).</value>
    public int PlacementErrorBudget { get; set; } = DefaultPlacementErrorBudget;

    /// <summary>How many leads are read from the lead source at once.</summary>
    /// <value><see cref="DefaultLeadBatchSize"/> (100).</value>
    public int LeadBatchSize { get; set; } = DefaultLeadBatchSize;

    /// <summary>How many due redials are claimed between leads (when a due-dial queue is registered); 0 services none.</summary>
    /// <value><see cref="DefaultRedialBatchSize"/> (10).</value>
    public int RedialBatchSize { get; set; } = DefaultRedialBatchSize;

    /// <summary>The window over which the processing rate (and so the ETA) is measured.</summary>
    /// <value><see cref="DefaultProgressWindow"/> (5 minutes).</value>
    public TimeSpan ProgressWindow { get; set; } = DefaultProgressWindow;

    /// <summary>How many campaigns the hosted runner service runs at once.</summary>
    /// <value><see cref="DefaultMaxConcurrentCampaigns"/> (4).</value>
    public int MaxConcurrentCampaigns { get; set; } = DefaultMaxConcurrentCampaigns;
}
