namespace Dialer.Redial;

/// <summary>
/// Options of Dialer.Redial, bound to a configuration section such as <c>Dialer:Redial</c>: the redial policy by
/// disposition, answering-machine handling, dayparts, callbacks and the queue's claim time-to-live.
/// </summary>
/// <remarks>
/// By category: a Retryable outcome (no answer, busy, machine, failed, abandoned) is redialed after
/// <see cref="Delays"/>; a Conversation outcome stops (except <c>callback_requested</c>, which queues a callback when
/// <see cref="CallbacksEnabled"/>); a Final outcome is terminal (the lead's pending item is cancelled); an Unknown
/// outcome is never redialed automatically. <see cref="Dispositions"/> overrides any of that per code.
/// </remarks>
public sealed class RedialOptions
{
    /// <summary>The default of <see cref="Enabled"/>.</summary>
    public const bool DefaultEnabled = true;

    /// <summary>The default of <see cref="MaxAttemptsPerLead"/>.</summary>
    public const int DefaultMaxAttemptsPerLead = 6;

    /// <summary>The default of <see cref="MaxAttemptsPerNumber"/>.</summary>
    public const int DefaultMaxAttemptsPerNumber = 8;

    /// <summary>The default of <see cref="RotateDayparts"/>.</summary>
    public const bool DefaultRotateDayparts = false;

    /// <summary>The default of <see cref="FallbackZoneId"/>.</summary>
    public const string DefaultFallbackZoneId = "America/New_York";

    /// <summary>The default of <see cref="CallbacksEnabled"/>.</summary>
    public const bool DefaultCallbacksEnabled = true;

    /// <summary>The default of <see cref="MaxJitter"/>, in seconds (none).</summary>
    public const int DefaultMaxJitterSeconds = 0;

    /// <summary>The default of <see cref="ClaimTtl"/>, in seconds (5 minutes).</summary>
    public const int DefaultClaimTtlSeconds = 300;

    /// <summary>The default of <see cref="CallbackDelay"/>, in seconds (1 hour).</summary>
    public const int DefaultCallbackDelaySeconds = 3600;

    /// <summary>
    /// The delay sequence used when <see cref="Delays"/> is empty: 15 minutes, 1 hour, 4 hours, 1 day (the last repeats).
    /// </summary>
    public static IReadOnlyList<TimeSpan> DefaultDelays { get; } =
        [TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromDays(1)];

    /// <summary>Whether outcomes schedule redials at all (deferrals and the queue work either way).</summary>
    /// <value><see cref="DefaultEnabled"/> (<see langword="true"/>).</value>
    public bool Enabled { get; set; } = DefaultEnabled;

    /// <summary>
    /// The most attempts for one lead in one chain of redials (the first call is attempt 1); no redial is scheduled
    /// past it. Callbacks the callee asked for are not limited by it. At least 1.
    /// </summary>
    /// <value><see cref="DefaultMaxAttemptsPerLead"/> (6).</value>
    public int MaxAttemptsPerLead { get; set; } = DefaultMaxAttemptsPerLead;

    /// <summary>
    /// The most outcomes recorded for one number (across leads, as counted by the answering-machine tracker); no
    /// redial is scheduled once it is reached. At least 1.
    /// </summary>
    /// <value><see cref="DefaultMaxAttemptsPerNumber"/> (8).</value>
    public int MaxAttemptsPerNumber { get; set; } = DefaultMaxAttemptsPerNumber;

    /// <summary>
    /// The delay sequence for redialed dispositions: after attempt n the next is due <c>Delays[n-1]</c> after the
    /// outcome (the last entry repeats). Each positive, at most 365 days.
    /// </summary>
    /// <value>Empty: <see cref="DefaultDelays"/> (15 min, 1 h, 4 h, 1 day) apply.</value>
    public List<TimeSpan> Delays { get; set; } = [];

    /// <summary>
    /// The largest random delay added to a redial's due time (uniform in [0, MaxJitter]), spreading redials that
    /// would fall on the same instant. Zero turns jitter off. Never makes a redial earlier.
    /// </summary>
    /// <value>Zero (<see cref="DefaultMaxJitterSeconds"/>).</value>
    public TimeSpan MaxJitter { get; set; } = TimeSpan.FromSeconds(DefaultMaxJitterSeconds);

    /// <summary>The seed of the jitter's random source, for reproducible schedules; null uses a shared unseeded source.</summary>
    /// <value>Null.</value>
    public int? JitterSeed { get; set; }

    /// <summary>
    /// Whether each redial moves to the daypart after the one the previous attempt ended in (morning → afternoon →
    /// evening → morning), in the callee's local time.
    /// </summary>
    /// <value><see cref="DefaultRotateDayparts"/> (<see langword="false"/>).</value>
    public bool RotateDayparts { get; set; } = DefaultRotateDayparts;

    /// <summary>The dayparts used by rotation.</summary>
    /// <value>Morning 09:00–12:00, afternoon 12:00–17:00, evening 17:00–20:00.</value>
    public DaypartOptions Dayparts { get; set; } = new();

    /// <summary>
    /// The callee's IANA zone when no callee-zone resolver is registered and the request names none (used for
    /// dayparts only; calling windows are the calling-window service's).
    /// </summary>
    /// <value><see cref="DefaultFallbackZoneId"/> (<c>America/New_York</c>).</value>
    public string FallbackZoneId { get; set; } = DefaultFallbackZoneId;

    /// <summary>Whether a <c>callback_requested</c> outcome queues a callback.</summary>
    /// <value><see cref="DefaultCallbacksEnabled"/> (<see langword="true"/>).</value>
    public bool CallbacksEnabled { get; set; } = DefaultCallbacksEnabled;

    /// <summary>When a callback is requested without a time: how long after the outcome it is due. Zero or more.</summary>
    /// <value>1 hour (<see cref="DefaultCallbackDelaySeconds"/>).</value>
    public TimeSpan CallbackDelay { get; set; } = TimeSpan.FromSeconds(DefaultCallbackDelaySeconds);

    /// <summary>How long a claim taken through <c>IDueDialQueue</c> lasts before the item is claimable again. Positive, at most 1 day.</summary>
    /// <value>5 minutes (<see cref="DefaultClaimTtlSeconds"/>).</value>
    public TimeSpan ClaimTtl { get; set; } = TimeSpan.FromSeconds(DefaultClaimTtlSeconds);

    /// <summary>Answering-machine handling.</summary>
    /// <value>Enabled; after 3 machines in a row leave a voicemail on the next attempt, then stop.</value>
    public AnsweringMachineOptions AnsweringMachine { get; set; } = new();

    /// <summary>Per-disposition overrides keyed by disposition code (e.g. <c>busy</c>, or a host code).</summary>
    /// <value>Empty.</value>
    public Dictionary<string, RedialRuleOptions> Dispositions { get; set; } = new(StringComparer.Ordinal);
}
