namespace Dialer.Campaigns;

/// <summary>
/// Concurrency slot limits and lease timing. Every call holds one slot in the global scope, in its client's scope
/// and in its campaign's scope (a scope whose limit is unset is not tracked).
/// </summary>
public sealed class SlotOptions
{
    /// <summary>The default of <see cref="GlobalMaxCalls"/>.</summary>
    public const int DefaultGlobalMaxCalls = 100;

    /// <summary>The default of <see cref="LeaseTtl"/>: 10 minutes.</summary>
    public static readonly TimeSpan DefaultLeaseTtl = TimeSpan.FromMinutes(10);

    /// <summary>The default of <see cref="MaxWait"/>: zero (do not wait).</summary>
    public static readonly TimeSpan DefaultMaxWait = TimeSpan.Zero;

    /// <summary>The default of <see cref="WaitPollInterval"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultWaitPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The default of <see cref="ReclaimInterval"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultReclaimInterval = TimeSpan.FromSeconds(30);

    /// <summary>The most calls in progress at once across every client (the seeds' <c>GLOBAL_MAX_CALLS</c>).</summary>
    /// <value><see cref="DefaultGlobalMaxCalls"/> (100).</value>
    public int GlobalMaxCalls { get; set; } = DefaultGlobalMaxCalls;

    /// <summary>The per-client limit for clients without an entry in <see cref="Clients"/>; null tracks no client scope for them.</summary>
    /// <value><see langword="null"/>.</value>
    public int? DefaultClientMaxCalls { get; set; }

    /// <summary>The per-campaign limit for campaigns without an entry in <see cref="Campaigns"/>; null tracks no campaign scope for them.</summary>
    /// <value><see langword="null"/>.</value>
    public int? DefaultCampaignMaxCalls { get; set; }

    /// <summary>Per-client overrides by client id (the seeds' per-client <c>maxConcurrentCalls</c>).</summary>
    /// <value>Empty.</value>
    public Dictionary<string, SlotLimitOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per-campaign overrides by campaign id (of any client).</summary>
    /// <value>Empty.</value>
    public Dictionary<string, SlotLimitOptions> Campaigns { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Limits of host-named scopes (<see cref="SlotScope.ForKey"/>), by key; used by <c>SlotManager.ScopesFor(request, key)</c>.</summary>
    /// <value>Empty.</value>
    public Dictionary<string, int> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a lease lives unless renewed; an orphaned slot (a call that never reports) frees up after this.</summary>
    /// <value><see cref="DefaultLeaseTtl"/> (10 minutes).</value>
    public TimeSpan LeaseTtl { get; set; } = DefaultLeaseTtl;

    /// <summary>
    /// How long the admission gate waits for a slot when every slot is taken (the seeds' <c>MAX_CONCURRENT_CALL_WAIT</c>);
    /// zero denies at once.
    /// </summary>
    /// <value><see cref="DefaultMaxWait"/> (zero).</value>
    public TimeSpan MaxWait { get; set; } = DefaultMaxWait;

    /// <summary>How often waiters retry while waiting (slots released by other hosts are only seen by retrying).</summary>
    /// <value><see cref="DefaultWaitPollInterval"/> (1 second).</value>
    public TimeSpan WaitPollInterval { get; set; } = DefaultWaitPollInterval;

    /// <summary>How often the hosted maintenance service reclaims expired leases.</summary>
    /// <value><see cref="DefaultReclaimInterval"/> (30 seconds).</value>
    public TimeSpan ReclaimInterval { get; set; } = DefaultReclaimInterval;
}

/// <summary>A concurrency limit override for one client or campaign.</summary>
public sealed class SlotLimitOptions
{
    /// <summary>The most calls in progress at once; null means "not limited at this level".</summary>
    /// <value><see langword="null"/>.</value>
    public int? MaxConcurrentCalls { get; set; }
}
