namespace Dialer.Protection;

/// <summary>
/// The protection rules: duplicate window, calendar-day and rolling caps, what each disposition does (final blocks,
/// cool-downs, do-not-call), bound from configuration (section <c>Dialer:Protection</c> by convention). Validated with
/// every error reported at once (<see cref="ProtectionOptionsValidator"/>).
/// </summary>
/// <remarks>
/// The seeds' keys map as follows (and are also accepted verbatim by
/// <c>AddProtection(IConfiguration)</c>): <c>enabled</c> → <see cref="Enabled"/>; <c>duplicate_window_minutes</c> →
/// <see cref="DuplicateWindow"/>; <c>max_daily_attempts_per_number</c> → <see cref="MaxDailyAttemptsPerNumber"/>;
/// <c>allow_different_lead_ids</c> → <see cref="AllowDifferentLeadIds"/>; <c>block_on_transferred</c>,
/// <c>block_on_sold</c>, <c>block_on_not_interested</c>, <c>allow_voicemail_retry</c>, <c>allow_no_answer_retry</c> →
/// the properties of the same names.
/// </remarks>
public sealed class ProtectionOptions
{
    /// <summary>The default of <see cref="Enabled"/>.</summary>
    public const bool DefaultEnabled = true;

    /// <summary>The default of <see cref="DuplicateWindow"/> in minutes.</summary>
    public const int DefaultDuplicateWindowMinutes = 10;

    /// <summary>The default of <see cref="MaxDailyAttemptsPerNumber"/>.</summary>
    public const int DefaultMaxDailyAttemptsPerNumber = 3;

    /// <summary>The default of <see cref="AllowDifferentLeadIds"/>.</summary>
    public const bool DefaultAllowDifferentLeadIds = false;

    /// <summary>The default of <see cref="FallbackZoneId"/>.</summary>
    public const string DefaultFallbackZoneId = "America/New_York";

    /// <summary>The default of <see cref="BlockOnTransferred"/>.</summary>
    public const bool DefaultBlockOnTransferred = false;

    /// <summary>The default of <see cref="BlockOnSold"/>.</summary>
    public const bool DefaultBlockOnSold = true;

    /// <summary>The default of <see cref="BlockOnNotInterested"/>.</summary>
    public const bool DefaultBlockOnNotInterested = true;

    /// <summary>The default of <see cref="AllowVoicemailRetry"/>.</summary>
    public const bool DefaultAllowVoicemailRetry = true;

    /// <summary>The default of <see cref="AllowNoAnswerRetry"/>.</summary>
    public const bool DefaultAllowNoAnswerRetry = true;

    /// <summary>The default of <see cref="TransferCooldown"/> in minutes.</summary>
    public const int DefaultTransferCooldownMinutes = 30;

    /// <summary>The default of <see cref="ConversationCooldown"/> in days.</summary>
    public const int DefaultConversationCooldownDays = 7;

    /// <summary>The default of <see cref="AbandonedCooldown"/> in hours.</summary>
    public const int DefaultAbandonedCooldownHours = 72;

    /// <summary>The default of <see cref="BlockScope"/>.</summary>
    public const LimitScope DefaultBlockScope = LimitScope.Global;

    /// <summary>The default of <see cref="StoreRetryDelay"/> in seconds.</summary>
    public const int DefaultStoreRetryDelaySeconds = 60;

    /// <summary>Whether protection runs. When off, the gate allows everything and records nothing, and outcomes are ignored.</summary>
    /// <value><see cref="DefaultEnabled"/> (<see langword="true"/>).</value>
    public bool Enabled { get; set; } = DefaultEnabled;

    /// <summary>
    /// No two attempts to one number inside this window (per number and lead when <see cref="AllowDifferentLeadIds"/>).
    /// <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    /// <value><see cref="DefaultDuplicateWindowMinutes"/> minutes (<c>00:10:00</c>).</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(DefaultDuplicateWindowMinutes);

    /// <summary>
    /// Whether different leads that share a number may each be called inside the duplicate window (the window then
    /// applies per number and lead).
    /// </summary>
    /// <value><see cref="DefaultAllowDifferentLeadIds"/> (<see langword="false"/>).</value>
    public bool AllowDifferentLeadIds { get; set; } = DefaultAllowDifferentLeadIds;

    /// <summary>
    /// At most this many attempts per number per calendar day in <see cref="DailyCapZoneId"/> (the callee's zone when
    /// null). 0 turns it off. More calendar-day caps go in <see cref="DailyCaps"/>.
    /// </summary>
    /// <value><see cref="DefaultMaxDailyAttemptsPerNumber"/> (3).</value>
    public int MaxDailyAttemptsPerNumber { get; set; } = DefaultMaxDailyAttemptsPerNumber;

    /// <summary>
    /// The IANA zone whose midnight resets <see cref="MaxDailyAttemptsPerNumber"/>; null for the callee's zone (the
    /// first candidate of the registered <c>ICalleeZoneResolver</c>, else the request's <c>CalleeZoneId</c>, else
    /// <see cref="FallbackZoneId"/>). Never the server's zone.
    /// </summary>
    /// <value>null (the callee's zone).</value>
    public string? DailyCapZoneId { get; set; }

    /// <summary>The IANA zone used for the callee when nothing else tells it.</summary>
    /// <value><see cref="DefaultFallbackZoneId"/> (<c>America/New_York</c>).</value>
    public string FallbackZoneId { get; set; } = DefaultFallbackZoneId;

    /// <summary>Rolling caps ("3 per 24 h", "7 per 7 days"), each keyed by number, lead or subject and scoped.</summary>
    /// <value>Empty.</value>
    public List<RollingCapOptions> RollingCaps { get; set; } = [];

    /// <summary>More calendar-day caps (besides <see cref="MaxDailyAttemptsPerNumber"/>), each keyed, scoped and zoned.</summary>
    /// <value>Empty.</value>
    public List<DailyCapOptions> DailyCaps { get; set; } = [];

    /// <summary>Whether a transfer blocks the number for good; when false, <see cref="TransferCooldown"/> applies instead.</summary>
    /// <value><see cref="DefaultBlockOnTransferred"/> (<see langword="false"/>).</value>
    public bool BlockOnTransferred { get; set; } = DefaultBlockOnTransferred;

    /// <summary>Whether a sale blocks the number for good.</summary>
    /// <value><see cref="DefaultBlockOnSold"/> (<see langword="true"/>).</value>
    public bool BlockOnSold { get; set; } = DefaultBlockOnSold;

    /// <summary>Whether "not interested" blocks the number for good.</summary>
    /// <value><see cref="DefaultBlockOnNotInterested"/> (<see langword="true"/>).</value>
    public bool BlockOnNotInterested { get; set; } = DefaultBlockOnNotInterested;

    /// <summary>Whether a number that reached an answering machine may be called again; when false it is blocked for good.</summary>
    /// <value><see cref="DefaultAllowVoicemailRetry"/> (<see langword="true"/>).</value>
    public bool AllowVoicemailRetry { get; set; } = DefaultAllowVoicemailRetry;

    /// <summary>Whether a number that did not answer may be called again; when false it is blocked for good.</summary>
    /// <value><see cref="DefaultAllowNoAnswerRetry"/> (<see langword="true"/>).</value>
    public bool AllowNoAnswerRetry { get; set; } = DefaultAllowNoAnswerRetry;

    /// <summary>The cool-down after a transfer (unless <see cref="BlockOnTransferred"/>); <see cref="TimeSpan.Zero"/> for none.</summary>
    /// <value><see cref="DefaultTransferCooldownMinutes"/> minutes (<c>00:30:00</c>).</value>
    public TimeSpan TransferCooldown { get; set; } = TimeSpan.FromMinutes(DefaultTransferCooldownMinutes);

    /// <summary>The cool-down after a conversation; <see cref="TimeSpan.Zero"/> for none.</summary>
    /// <value><see cref="DefaultConversationCooldownDays"/> days (<c>7.00:00:00</c>).</value>
    public TimeSpan ConversationCooldown { get; set; } = TimeSpan.FromDays(DefaultConversationCooldownDays);

    /// <summary>The cool-down after an abandoned call; <see cref="TimeSpan.Zero"/> for none.</summary>
    /// <value><see cref="DefaultAbandonedCooldownHours"/> hours (<c>3.00:00:00</c>).</value>
    public TimeSpan AbandonedCooldown { get; set; } = TimeSpan.FromHours(DefaultAbandonedCooldownHours);

    /// <summary>Which requests a block created by an outcome applies to: every client, the outcome's client or its campaign.</summary>
    /// <value><see cref="DefaultBlockScope"/> (<see cref="LimitScope.Global"/>).</value>
    public LimitScope BlockScope { get; set; } = DefaultBlockScope;

    /// <summary>
    /// What each disposition code does, overriding the defaults above (keys are disposition codes such as <c>sold</c>
    /// or host codes; codes not listed follow the defaults: final → block the number for good, conversation →
    /// <see cref="ConversationCooldown"/>, others → nothing).
    /// </summary>
    /// <value>Empty.</value>
    public Dictionary<string, DispositionRuleOptions> Dispositions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// When the ledger fails (fail closed: denied with category Store), how long until the denial says to try again.
    /// </summary>
    /// <value><see cref="DefaultStoreRetryDelaySeconds"/> seconds (<c>00:01:00</c>).</value>
    public TimeSpan StoreRetryDelay { get; set; } = TimeSpan.FromSeconds(DefaultStoreRetryDelaySeconds);

    /// <summary>Problems found while reading the seeds' keys, reported by the validator with every other error.</summary>
    internal List<(string Path, string? Value, string Problem)> BindingErrors { get; } = [];
}

/// <summary>A rolling cap: at most <see cref="MaxAttempts"/> attempts per <see cref="Window"/>.</summary>
public sealed class RollingCapOptions
{
    /// <summary>The default of <see cref="Key"/>.</summary>
    public const AttemptKeyKind DefaultKey = AttemptKeyKind.Number;

    /// <summary>The default of <see cref="Scope"/>.</summary>
    public const LimitScope DefaultScope = LimitScope.Global;

    /// <summary>Which attempts count together.</summary>
    /// <value><see cref="DefaultKey"/> (<see cref="AttemptKeyKind.Number"/>).</value>
    public AttemptKeyKind Key { get; set; } = DefaultKey;

    /// <summary>Across which clients or campaigns they count.</summary>
    /// <value><see cref="DefaultScope"/> (<see cref="LimitScope.Global"/>).</value>
    public LimitScope Scope { get; set; } = DefaultScope;

    /// <summary>The window length (positive), e.g. <c>1.00:00:00</c>.</summary>
    /// <value><see cref="TimeSpan.Zero"/> (must be set).</value>
    public TimeSpan Window { get; set; }

    /// <summary>The most attempts the window may hold (at least 1).</summary>
    /// <value>0 (must be set).</value>
    public int MaxAttempts { get; set; }
}

/// <summary>A calendar-day cap: at most <see cref="MaxAttempts"/> attempts per local day of <see cref="ZoneId"/>.</summary>
public sealed class DailyCapOptions
{
    /// <summary>The default of <see cref="Key"/>.</summary>
    public const AttemptKeyKind DefaultKey = AttemptKeyKind.Number;

    /// <summary>The default of <see cref="Scope"/>.</summary>
    public const LimitScope DefaultScope = LimitScope.Global;

    /// <summary>Which attempts count together.</summary>
    /// <value><see cref="DefaultKey"/> (<see cref="AttemptKeyKind.Number"/>).</value>
    public AttemptKeyKind Key { get; set; } = DefaultKey;

    /// <summary>Across which clients or campaigns they count.</summary>
    /// <value><see cref="DefaultScope"/> (<see cref="LimitScope.Global"/>).</value>
    public LimitScope Scope { get; set; } = DefaultScope;

    /// <summary>The most attempts per day (at least 1).</summary>
    /// <value>0 (must be set).</value>
    public int MaxAttempts { get; set; }

    /// <summary>The IANA zone whose midnight resets the cap; null for the callee's zone.</summary>
    /// <value>null (the callee's zone).</value>
    public string? ZoneId { get; set; }
}

/// <summary>What an outcome with a disposition does.</summary>
public enum DispositionAction
{
    /// <summary>Nothing: the number may be retried (subject to the caps).</summary>
    None = 0,

    /// <summary>Block the number or lead (a final disposition), for good or for <see cref="DispositionRuleOptions.Duration"/>.</summary>
    Block = 1,

    /// <summary>A cool-down of <see cref="DispositionRuleOptions.Duration"/> on the number or lead.</summary>
    Cooldown = 2,

    /// <summary>Put the number on the internal do-not-call list (for good, or for <see cref="DispositionRuleOptions.Duration"/>).</summary>
    DoNotCall = 3,
}

/// <summary>What one disposition code does.</summary>
public sealed class DispositionRuleOptions
{
    /// <summary>The default of <see cref="Target"/>.</summary>
    public const BlockTarget DefaultTarget = BlockTarget.Number;

    /// <summary>What the outcome does.</summary>
    /// <value><see cref="DispositionAction.None"/>.</value>
    public DispositionAction Action { get; set; }

    /// <summary>Whether the block or cool-down is on the number or on the lead (do-not-call is always on the number).</summary>
    /// <value><see cref="DefaultTarget"/> (<see cref="BlockTarget.Number"/>).</value>
    public BlockTarget Target { get; set; } = DefaultTarget;

    /// <summary>
    /// How long it lasts from the outcome's instant: required (positive) for a cool-down; for a block or do-not-call,
    /// null means for good.
    /// </summary>
    /// <value>null.</value>
    public TimeSpan? Duration { get; set; }

    /// <summary>Which requests it applies to; null for <see cref="ProtectionOptions.BlockScope"/>.</summary>
    /// <value>null.</value>
    public LimitScope? Scope { get; set; }
}
