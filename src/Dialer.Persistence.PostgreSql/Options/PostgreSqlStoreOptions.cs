namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// Options of the PostgreSQL store (<c>UsePostgreSql(...)</c>, or <see cref="PostgreSqlStore"/> directly). Binder-friendly.
/// </summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The default of <see cref="Schema"/>.</summary>
    public const string DefaultSchema = "dialer";

    /// <summary>The default of <see cref="MigrateOnStart"/>.</summary>
    public const bool DefaultMigrateOnStart = true;

    /// <summary>The default of <see cref="UseDatabaseClock"/>.</summary>
    public const bool DefaultUseDatabaseClock = true;

    /// <summary>The default of <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 64;

    /// <summary>The largest <see cref="MaxBatchSize"/> accepted.</summary>
    public const int MaxMaxBatchSize = 1024;

    /// <summary>The default of <see cref="CommandTimeout"/> (30 seconds).</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="MaxClockSkew"/> (1 day).</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromDays(1);

    /// <summary>The longest <see cref="MaxClockSkew"/> accepted (7 days).</summary>
    public static readonly TimeSpan MaxMaxClockSkew = TimeSpan.FromDays(7);

    /// <summary>
    /// The PostgreSQL schema that holds every table and function: lower-case letters, digits and underscores, starting
    /// with a letter or underscore, at most 63 characters. Several independent stores can share one database in
    /// different schemas.
    /// </summary>
    /// <value><see cref="DefaultSchema"/> (<c>dialer</c>).</value>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Whether the first operation applies missing migrations (under a transaction-level advisory lock, so hosts starting
    /// together do not race). When false, the store only checks the version and refuses to work until
    /// <see cref="IStoreMaintenance.MigrateAsync"/> has run.
    /// </summary>
    /// <value><see cref="DefaultMigrateOnStart"/> (<see langword="true"/>).</value>
    public bool MigrateOnStart { get; set; } = DefaultMigrateOnStart;

    /// <summary>
    /// Whether the attempt ledger evaluates and records at the database clock (<c>clock_timestamp()</c>, read after the
    /// locks are held) rather than at <c>AttemptContext.At</c>, so a host with a skewed clock cannot cause a double dial.
    /// Turn it off only to replay history or in tests that travel in time.
    /// </summary>
    /// <value><see cref="DefaultUseDatabaseClock"/> (<see langword="true"/>).</value>
    public bool UseDatabaseClock { get; set; } = DefaultUseDatabaseClock;

    /// <summary>How long one statement may run before it is cancelled; positive, at most 1 hour.</summary>
    /// <value><see cref="DefaultCommandTimeout"/> (30 seconds).</value>
    public TimeSpan CommandTimeout { get; set; } = DefaultCommandTimeout;

    /// <summary>
    /// How far the database clock may be from the host clock for calendar-day caps: the host sends the local day bounds
    /// around its own clock ± this (plus a day), and the database refuses (fails closed) when its clock lies outside
    /// them. Positive, at most <see cref="MaxMaxClockSkew"/>.
    /// </summary>
    /// <value><see cref="DefaultMaxClockSkew"/> (1 day).</value>
    public TimeSpan MaxClockSkew { get; set; } = DefaultMaxClockSkew;

    /// <summary>
    /// Group commit: the most check-and-records and outcomes of concurrent callers of one store that are sent as one
    /// <c>ledger_batch</c> call — one round trip, one transaction, one WAL flush — while the previous batch commits.
    /// Each item is still atomic and evaluated exactly as its single call would be (items of one batch see each other
    /// in arrival order); a batch the server rejects is re-run item by item. <c>1</c> turns group commit off (every
    /// call is its own round trip and commit). Between 1 and <see cref="MaxMaxBatchSize"/>.
    /// </summary>
    /// <value><see cref="DefaultMaxBatchSize"/> (64).</value>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    internal PostgreSqlStoreOptions Clone() => new()
    {
        Schema = Schema,
        MigrateOnStart = MigrateOnStart,
        UseDatabaseClock = UseDatabaseClock,
        CommandTimeout = CommandTimeout,
        MaxClockSkew = MaxClockSkew,
        MaxBatchSize = MaxBatchSize,
    };
}
