using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Dialer.Persistence.Sqlite;

/// <summary>The package's meter and instruments.</summary>
internal static class SqliteMetrics
{
    public static readonly Meter Meter = new("Dialer.Persistence.Sqlite");

    public static readonly Counter<long> Commits = Meter.CreateCounter<long>("dialer.sqlite.commits", unit: "{commit}", description: "Write transactions committed (each one fsync with synchronous=FULL).");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("dialer.sqlite.batch_size", unit: "{operation}", description: "Write operations grouped into one commit (group commit).");

    public static readonly Counter<long> Quarantined = Meter.CreateCounter<long>("dialer.sqlite.quarantined_rows", unit: "{row}", description: "Rows that failed validation and were copied to the quarantine table.");

    public static readonly Counter<long> FailedClosed = Meter.CreateCounter<long>("dialer.sqlite.fail_closed", unit: "{event}", description: "Times the store started refusing operations (newer schema, corrupt state).");
}

/// <summary>Source-generated log messages. Phone numbers are never logged (locations are table and rowid).</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "SQLite store {Path} opened at schema version {Version} (WAL, synchronous={Synchronous}).")]
    public static partial void Opened(ILogger logger, string path, int version, SqliteSynchronousMode synchronous);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "SQLite store {Path} migrated from schema version {From} to {To}.")]
    public static partial void Migrated(ILogger logger, string path, int from, int to);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "SQLite store {Path} fails closed and refuses every operation: {Reason}")]
    public static partial void FailedClosed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Corrupt row quarantined: {Location}.")]
    public static partial void Quarantined(ILogger logger, string location);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "SQLite write batch of {Count} operation(s) failed to commit.")]
    public static partial void CommitFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "SQLite store {Path}: imported {Written} of {Offered} row(s) ({Mode}).")]
    public static partial void Imported(ILogger logger, string path, long written, long offered, StoreImportMode mode);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "SQLite store {Path}: retention purged {Deleted} row(s) ({Counts}).")]
    public static partial void Purged(ILogger logger, string path, long deleted, StoreDataCounts counts);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "SQLite store {Path}: erased {Deleted} row(s) of {Phone} (do-not-call entries kept).")]
    public static partial void Erased(ILogger logger, string path, long deleted, string phone);
}
