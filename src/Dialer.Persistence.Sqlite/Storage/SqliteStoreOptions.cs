namespace Dialer.Persistence.Sqlite;

/// <summary>How SQLite makes a commit durable (<c>PRAGMA synchronous</c>).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// <c>FULL</c> (the default): every commit fsyncs the write-ahead log before it returns, so an admission that was
    /// answered survives a power loss.
    /// </summary>
    Full = 0,

    /// <summary><c>EXTRA</c>: like <see cref="Full"/>, and the directory is synced too when the journal is created.</summary>
    Extra = 1,

    /// <summary>
    /// <c>NORMAL</c>: the log is synced only at checkpoints. Consistent after a crash, but the last commits may be lost
    /// on power failure (an admitted attempt could be forgotten). Not recommended for the attempt ledger.
    /// </summary>
    Normal = 2,
}

/// <summary>Options of the SQLite store (<c>UseSqlite(path, o => …)</c>). Binder-friendly; every default is a named constant.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The default of <see cref="BusyTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default of <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 256;

    /// <summary>The default of <see cref="MaxReadConnections"/>.</summary>
    public const int DefaultMaxReadConnections = 8;

    /// <summary>The default of <see cref="MigrateOnOpen"/>.</summary>
    public const bool DefaultMigrateOnOpen = true;

    /// <summary>The default of <see cref="Synchronous"/>.</summary>
    public const SqliteSynchronousMode DefaultSynchronous = SqliteSynchronousMode.Full;

    /// <summary>The default of <see cref="QuickCheckOnOpen"/>.</summary>
    public const bool DefaultQuickCheckOnOpen = false;

    /// <summary>The default of <see cref="ValidateRowsOnOpen"/>.</summary>
    public const bool DefaultValidateRowsOnOpen = true;

    /// <summary>The largest <see cref="MaxBatchSize"/> accepted.</summary>
    public const int MaxMaxBatchSize = 10_000;

    /// <summary>The largest <see cref="MaxReadConnections"/> accepted.</summary>
    public const int MaxMaxReadConnections = 256;

    /// <summary>The path of the database file (created if missing; its directory must exist). Required.</summary>
    /// <value>Empty by default; <c>UseSqlite(path)</c> sets it.</value>
    public string Path { get; set; } = string.Empty;

    /// <summary>How long a writer waits for another process's write lock before the operation fails (<c>busy_timeout</c>).</summary>
    /// <value>30 seconds (<see cref="DefaultBusyTimeout"/>); between 1 ms and 1 hour.</value>
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    /// <summary>Durability of each commit.</summary>
    /// <value><see cref="SqliteSynchronousMode.Full"/> (<see cref="DefaultSynchronous"/>).</value>
    public SqliteSynchronousMode Synchronous { get; set; } = DefaultSynchronous;

    /// <summary>
    /// The most write operations grouped into one transaction (group commit): callers arriving while a commit is being
    /// synced share the next one.
    /// </summary>
    /// <value>256 (<see cref="DefaultMaxBatchSize"/>); between 1 and <see cref="MaxMaxBatchSize"/>.</value>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    /// <summary>The most connections kept open for reads (WAL lets them read while the writer commits).</summary>
    /// <value>8 (<see cref="DefaultMaxReadConnections"/>); between 1 and <see cref="MaxMaxReadConnections"/>.</value>
    public int MaxReadConnections { get; set; } = DefaultMaxReadConnections;

    /// <summary>Whether missing migrations are applied when the store opens (otherwise call <see cref="IStoreMaintenance.MigrateAsync"/>).</summary>
    /// <value><see langword="true"/> (<see cref="DefaultMigrateOnOpen"/>).</value>
    public bool MigrateOnOpen { get; set; } = DefaultMigrateOnOpen;

    /// <summary>Whether <c>PRAGMA quick_check</c> runs when the store opens (reads the whole file; a failure fails the store closed).</summary>
    /// <value><see langword="false"/> (<see cref="DefaultQuickCheckOnOpen"/>).</value>
    public bool QuickCheckOnOpen { get; set; } = DefaultQuickCheckOnOpen;

    /// <summary>
    /// Whether every stored row is read through the stores' validation when the store opens. Lookups find rows by their
    /// key columns (phone, instants, block target), so a row whose key column is corrupt is never read by an admission
    /// and would silently stop protecting its number; scanning at open finds it, quarantines it and fails the store
    /// closed. Costs one pass over the file at start (about a second per million rows).
    /// </summary>
    /// <value><see langword="true"/> (<see cref="DefaultValidateRowsOnOpen"/>).</value>
    public bool ValidateRowsOnOpen { get; set; } = DefaultValidateRowsOnOpen;

    /// <summary>A copy (the store keeps its own, so later changes to this instance do not affect it).</summary>
    public SqliteStoreOptions Clone() => (SqliteStoreOptions)MemberwiseClone();
}
