using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// What every store of one <see cref="PostgreSqlStore"/> shares: the data source, the schema, readiness (migrated or
/// version-checked once) and the fail-closed state set when a newer schema or a corrupt row is found.
/// </summary>
internal sealed partial class PgContext
{
    private static readonly Meter Meter = new("Dialer.Persistence.PostgreSql");
    private static readonly Counter<long> StoreErrors = Meter.CreateCounter<long>("dialer.postgresql.store.errors", description: "Schema, corruption and connection failures of the PostgreSQL store.");

    /// <summary>Operations per group-commit round trip (1 = the operation ran alone).</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("dialer.postgresql.batch_size", unit: "{operation}", description: "Check-and-records and outcomes sent in one round trip and committed together (group commit).");

    private readonly Lock _readyLock = new();
    private Task? _readyTask;
    private volatile bool _ready;
    private volatile string? _failClosedReason;

    public PgContext(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, ILogger logger)
    {
        DataSource = dataSource;
        Options = options;
        Logger = logger;
        QuotedSchema = "\"" + options.Schema + "\"";
        CommandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
    }

    public NpgsqlDataSource DataSource { get; }

    public PostgreSqlStoreOptions Options { get; }

    public ILogger Logger { get; }

    public string QuotedSchema { get; }

    public int CommandTimeoutSeconds { get; }

    public string? FailClosedReason => _failClosedReason;

    public string Sql(string template) => PostgreSqlMigrations.Render(template, QuotedSchema);

    public NpgsqlCommand Command(string renderedSql)
    {
        var command = DataSource.CreateCommand(renderedSql);
        command.CommandTimeout = CommandTimeoutSeconds;
        return command;
    }

    public void ClearFailClosed() => _failClosedReason = null;

    /// <summary>Throws when the store refuses to work (newer schema, corrupt rows).</summary>
    public void ThrowIfFailClosed()
    {
        if (_failClosedReason is { } reason)
        {
            throw new StoreCorruptionException(Options.Schema, "the store fails closed: " + reason);
        }
    }

    /// <summary>Migrates (or checks the version) once; every store operation awaits this first.</summary>
    public ValueTask EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(EnsureReadySlowAsync(cancellationToken));
    }

    private Task EnsureReadySlowAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_readyLock)
        {
            // A failed attempt (server down, schema mismatch) is retried by the next operation, which fails again
            // until the cause is fixed: the store never works on an unchecked schema.
            if (_readyTask is null || _readyTask.IsFaulted || _readyTask.IsCanceled)
            {
                _readyTask = ReadyCoreAsync();
            }

            task = _readyTask;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task ReadyCoreAsync()
    {
        if (Options.MigrateOnStart)
        {
            await MigrateAsync(PostgreSqlMigrations.CurrentVersion, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            var version = await ReadVersionAsync(CancellationToken.None).ConfigureAwait(false);
            if (version != PostgreSqlMigrations.CurrentVersion)
            {
                throw SchemaMismatch(version);
            }
        }

        _ready = true;
    }

    /// <summary>Applies every migration up to <paramref name="target"/> under the migration advisory lock.</summary>
    public async Task<int> MigrateAsync(int target, CancellationToken cancellationToken)
    {
        using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('dialer.migrate:' || $1, 0))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Options.Schema });
            lockCommand.CommandTimeout = CommandTimeoutSeconds;
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, transaction, Sql(PostgreSqlMigrations.VersionTable), cancellationToken).ConfigureAwait(false);
        int version;
        using (var versionCommand = new NpgsqlCommand(Sql("SELECT COALESCE(max(version), 0) FROM {s}.schema_version"), connection, transaction))
        {
            version = (int)(await versionCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (version > PostgreSqlMigrations.CurrentVersion)
        {
            throw SchemaMismatch(version);
        }

        foreach (var migration in PostgreSqlMigrations.All)
        {
            if (migration.Version <= version || migration.Version > target)
            {
                continue;
            }

            await ExecuteAsync(connection, transaction, Sql(migration.Script), cancellationToken).ConfigureAwait(false);
            using var record = new NpgsqlCommand(Sql("INSERT INTO {s}.schema_version (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING"), connection, transaction);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LogMigrationApplied(Logger, Options.Schema, migration.Version, migration.Name);
            version = migration.Version;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return version;
    }

    public async Task<int> ReadVersionAsync(CancellationToken cancellationToken)
    {
        using var command = Command("SELECT CASE WHEN to_regclass($1) IS NULL THEN 0 ELSE -1 END");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = QuotedSchema + ".schema_version" });
        var exists = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (exists == 0)
        {
            return 0;
        }

        using var read = Command(Sql("SELECT COALESCE(max(version), 0) FROM {s}.schema_version"));
        var version = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        if (version > PostgreSqlMigrations.CurrentVersion)
        {
            _failClosedReason ??= $"schema version {version} is newer than {PostgreSqlMigrations.CurrentVersion}, the newest this code knows.";
        }

        return version;
    }

    private StoreSchemaException SchemaMismatch(int version)
    {
        StoreErrors.Add(1, new KeyValuePair<string, object?>("kind", "schema"));
        if (version > PostgreSqlMigrations.CurrentVersion)
        {
            var reason = $"schema version {version} is newer than {PostgreSqlMigrations.CurrentVersion}, the newest this code knows.";
            _failClosedReason = reason;
            LogSchemaRefused(Logger, Options.Schema, version, PostgreSqlMigrations.CurrentVersion);
            return new StoreSchemaException($"PostgreSQL schema '{Options.Schema}' is at version {version}, newer than {PostgreSqlMigrations.CurrentVersion}, the newest this version of Dialer.Persistence.PostgreSql knows; the store refuses to work (fail closed). Upgrade the package.");
        }

        return new StoreSchemaException($"PostgreSQL schema '{Options.Schema}' is at version {version}; this code needs {PostgreSqlMigrations.CurrentVersion}. Run IStoreMaintenance.MigrateAsync (or set MigrateOnStart).");
    }

    /// <summary>
    /// Copies the row at <paramref name="keyColumn"/> = <paramref name="key"/> of <paramref name="table"/> into the
    /// quarantine table, makes the store fail closed and returns the exception to throw.
    /// </summary>
    public async Task<StoreCorruptionException> QuarantineAsync(string table, string keyColumn, object key, string problem, Exception? inner, CancellationToken cancellationToken)
    {
        var keyText = key is long phone ? "phone " + MaskDigits(phone) : key.ToString() ?? string.Empty;
        var location = $"{Options.Schema}.{table} {keyColumn}={keyText}";
        _failClosedReason = $"corrupt row quarantined at {location}: {problem}";
        StoreErrors.Add(1, new KeyValuePair<string, object?>("kind", "corruption"));
        LogCorruption(Logger, location, problem);
        try
        {
            using var command = Command(Sql(
                $"INSERT INTO {{s}}.quarantine (table_name, row_key, row_data, problem) SELECT $1, $2, to_jsonb(t), $3 FROM {{s}}.{table} t WHERE t.{keyColumn} = $4"));
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keyText });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = problem });
            command.Parameters.Add(key is long l ? new NpgsqlParameter<long> { TypedValue = l } : new NpgsqlParameter<string> { TypedValue = key.ToString()! });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Quarantining is best effort; the store fails closed either way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogQuarantineFailed(Logger, ex, location);
        }

        return new StoreCorruptionException(location, problem, inner);
    }

    public static string MaskDigits(long digits)
    {
        var s = digits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return s.Length <= 4 ? "****" : new string('*', s.Length - 4) + s[^4..];
    }

    private async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = CommandTimeoutSeconds };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- parameters

    public static void Add(NpgsqlCommand command, long value) => command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = value });

    public static void Add(NpgsqlCommand command, int value) => command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = value });

    public static void Add(NpgsqlCommand command, short value) => command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = value });

    public static void Add(NpgsqlCommand command, bool value) => command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = value });

    public static void Add(NpgsqlCommand command, string? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });

    public static void Add(NpgsqlCommand command, long? value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value.HasValue ? value.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });

    public static void Add<T>(NpgsqlCommand command, T[] value, NpgsqlDbType elementType) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Array | elementType });

    public static long Ticks(Instant instant) => instant.ToUnixTimeTicks();

    public static long? Ticks(Instant? instant) => instant?.ToUnixTimeTicks();

    public static Instant FromTicks(long ticks) => Instant.FromUnixTimeTicks(ticks);

    public static long Ticks(Duration duration) => duration.BclCompatibleTicks;

    /// <summary>Logs an erasure of one number (masked).</summary>
    public void LogErased(Dialer.Core.PhoneNumber phone, long rows)
    {
        if (Logger.IsEnabled(LogLevel.Information))
        {
            var masked = phone.ToMaskedString();
            LogNumberErased(Logger, Options.Schema, masked, rows);
        }
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "PostgreSQL schema {Schema}: erased {Rows} rows stored for {Phone} (its do-not-call entries kept).")]
    private static partial void LogNumberErased(ILogger logger, string schema, string phone, long rows);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "PostgreSQL schema {Schema}: applied migration v{Version} ({Name}).")]
    private static partial void LogMigrationApplied(ILogger logger, string schema, int version, string name);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "PostgreSQL schema {Schema} is at version {Version}, newer than {Known}; the store fails closed.")]
    private static partial void LogSchemaRefused(ILogger logger, string schema, int version, int known);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Corrupt row at {Location}: {Problem}. It was quarantined and the store fails closed.")]
    private static partial void LogCorruption(ILogger logger, string location, string problem);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Could not copy the corrupt row at {Location} to the quarantine table.")]
    private static partial void LogQuarantineFailed(ILogger logger, Exception exception, string location);
}
