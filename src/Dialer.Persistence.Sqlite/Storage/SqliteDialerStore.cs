using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Dialer.Campaigns;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// One SQLite database file holding every store of the suite: the attempt ledger (with do-not-call and other blocks),
/// the redial queue, the answering-machine tracker, concurrency slots and campaigns. Open one per file and process;
/// several processes may open the same file.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> WAL journal, <c>synchronous=FULL</c> by default (every commit fsyncs the log before the caller
/// is answered), <c>busy_timeout</c>, foreign keys on. Every write runs inside <c>BEGIN IMMEDIATE</c>, which takes the
/// file's write lock first, so a check-and-record reads and writes under one lock across threads and processes.
/// </para>
/// <para>
/// <b>Group commit.</b> Writes are queued to one writer thread, which drains whatever is waiting (up to
/// <see cref="SqliteStoreOptions.MaxBatchSize"/>), runs each operation in order inside one transaction (each under its
/// own savepoint, so one failing operation does not undo the others), commits once, then completes every caller.
/// Callers arriving during a commit's fsync share the next one, so throughput is not one fsync per admission.
/// Reads use a small pool of connections that read a committed snapshot while the writer works.
/// </para>
/// <para>
/// <b>Failing closed.</b> A schema newer than this code (<see cref="StoreSchemaException"/>), a row that fails
/// validation, or an unreadable file (<see cref="StoreCorruptionException"/>, with the file, table and rowid) makes
/// the store refuse every operation from then on (the protection gate denies admissions with
/// <see cref="Core.DenialCategory.Store"/>); a corrupt row is copied to the <c>quarantine</c> table, which keeps the
/// store closed after a restart until <see cref="AcknowledgeQuarantineAsync"/> is called. Opening never throws for
/// these: <see cref="FailClosedReason"/> and the health check say what is wrong.
/// </para>
/// <para>Thread-safe. No in-process cache takes part in any decision; every decision reads the file.</para>
/// </remarks>
public sealed class SqliteDialerStore : IStoreMaintenance, IAsyncDisposable, IDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly Channel<WriteItem> _writes = Channel.CreateUnbounded<WriteItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteSession? _writer;
    private readonly Thread? _writerThread;
    private int _readerCount;
    private long _commits;
    private long _committedOperations;
    private volatile FailState? _failure;
    private int _disposed;

    /// <summary>Opens (creating if missing) the database at <see cref="SqliteStoreOptions.Path"/>.</summary>
    /// <param name="options">The options (validated here, all problems at once, and copied).</param>
    /// <param name="timeProvider">The clock for bookkeeping instants (migration and quarantine records); the system clock when null.</param>
    /// <param name="logger">Where to log; nothing when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public SqliteDialerStore(SqliteStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteDialerStore>? logger = null)
    {
        SqliteStoreOptionsValidator.ThrowIfInvalid(options);
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        FilePath = Path.GetFullPath(_options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds),
        }.ToString();

        AttemptLedger = new SqliteAttemptLedger(this);
        RedialQueue = new SqliteRedialQueue(this);
        AnsweringMachineTracker = new SqliteAnsweringMachineTracker(this);
        SlotStore = new SqliteSlotStore(this);
        CampaignStore = new SqliteCampaignStore(this);
        Data = new SqliteStoreDataAccess(this);

        try
        {
            _writer = OpenSession();
            Initialize(_writer);
        }
        catch (SqliteException ex)
        {
            FailClosed(FailKind.Corruption, $"the file cannot be opened as a SQLite database ({ex.Message})", FilePath);
            _writer?.Dispose();
            _writer = null;
        }

        if (_writer is not null)
        {
            _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "Dialer.Persistence.Sqlite writer" };
            _writerThread.Start();
        }
    }

    /// <summary>Opens the database at <paramref name="path"/> with default options.</summary>
    public static SqliteDialerStore Open(string path, Action<SqliteStoreOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new SqliteStoreOptions { Path = path };
        configure?.Invoke(options);
        return new SqliteDialerStore(options, timeProvider);
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The attempt ledger (attempts, outcomes, blocks and the internal do-not-call list).</summary>
    public IAttemptLedger AttemptLedger { get; }

    /// <summary>The redial queue.</summary>
    public IRedialQueue RedialQueue { get; }

    /// <summary>The answering-machine tracker.</summary>
    public IAnsweringMachineTracker AnsweringMachineTracker { get; }

    /// <summary>The concurrency-slot store.</summary>
    public ISlotStore SlotStore { get; }

    /// <summary>The campaign store.</summary>
    public ICampaignStore CampaignStore { get; }

    /// <summary>
    /// The bulk port over the same file: streamed reads of every data type, import in one transaction (merge or
    /// replace), daily statistics, retention and the erasure of one number (see <see cref="IStoreDataAccess"/>).
    /// </summary>
    public IStoreDataAccess Data { get; }

    /// <inheritdoc/>
    public string Provider => "sqlite";

    /// <inheritdoc/>
    public int CurrentSchemaVersion => SqliteSchema.CurrentVersion;

    /// <inheritdoc/>
    public string? FailClosedReason => _failure?.Reason;

    /// <inheritdoc/>
    public async ValueTask<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (_writer is null)
        {
            throw _failure?.CreateException() ?? new ObjectDisposedException(nameof(SqliteDialerStore));
        }

        var version = await WriteAsync(static (store, s) => store.MigrateCore(s), bypassFailClosed: true, cancellationToken).ConfigureAwait(false);
        if (_failure is { Kind: FailKind.SchemaBehind })
        {
            _failure = null;
        }

        return version;
    }

    /// <inheritdoc/>
    public ValueTask<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        new(Read(static (_, s) => ReadSchemaVersion(s), bypassFailClosed: true, cancellationToken));

    /// <summary>
    /// Marks every quarantined row as resolved (after an operator repaired or removed the rows it names) and, when the
    /// store failed closed only because of corrupt rows, opens it again. Returns how many entries were resolved.
    /// </summary>
    public async ValueTask<int> AcknowledgeQuarantineAsync(CancellationToken cancellationToken = default)
    {
        var resolved = await WriteAsync(
            static (store, s) => s.Command("UPDATE quarantine SET resolved_at = $now WHERE resolved_at IS NULL")
                .With("$now", store.Now()).ExecuteNonQuery(),
            bypassFailClosed: true,
            cancellationToken).ConfigureAwait(false);
        if (_failure is { Kind: FailKind.Corruption, Location: not null } f && !string.Equals(f.Location, FilePath, StringComparison.Ordinal))
        {
            _failure = null;
        }

        return resolved;
    }

    /// <summary>The quarantined rows not yet acknowledged: location, problem and the row as JSON.</summary>
    public ValueTask<IReadOnlyList<QuarantinedRow>> GetQuarantineAsync(CancellationToken cancellationToken = default) =>
        new(Read(
            static (store, s) =>
            {
                var list = new List<QuarantinedRow>();
                using var reader = s.Command("SELECT source_table, source_rowid, problem, row_json, detected_at FROM quarantine WHERE resolved_at IS NULL ORDER BY id").ExecuteReader();
                while (reader.Read())
                {
                    list.Add(new QuarantinedRow(
                        reader.GetString(0),
                        reader.GetInt64(1),
                        store.Location(reader.GetString(0), reader.GetInt64(1)),
                        reader.GetString(2),
                        reader.NullableString(3),
                        Instant.FromUnixTimeTicks(reader.GetInt64(4))));
                }

                return (IReadOnlyList<QuarantinedRow>)list;
            },
            bypassFailClosed: true,
            cancellationToken));

    /// <summary>
    /// Reads every row of every table through the same validation as the stores use; the first invalid row is
    /// quarantined and the store fails closed (<see cref="StoreCorruptionException"/>). Returns the number of rows read.
    /// </summary>
    public ValueTask<long> ValidateAllRowsAsync(CancellationToken cancellationToken = default) =>
        new(Read(static (store, s) => RowValidation.ValidateAll(s), bypassFailClosed: false, cancellationToken));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        _writerThread?.Join();
        _writer?.Dispose();
        while (_readers.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override string ToString() => $"SqliteDialerStore({FilePath})";

    // ------------------------------------------------------------------ for the stores

    /// <summary>Write transactions committed by this instance (each one fsync with synchronous=FULL).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>Write operations committed by this instance (divided by <see cref="Commits"/>: the mean group size).</summary>
    internal long CommittedOperations => Interlocked.Read(ref _committedOperations);

    /// <summary>Where the store logs.</summary>
    internal ILogger Logger => _logger;

    internal Instant Now() => Instant.FromDateTimeOffset(_time.GetUtcNow());

    internal string Location(string table, long rowId) =>
        string.Create(CultureInfo.InvariantCulture, $"{FilePath}: {table} rowid {rowId}");

    /// <summary>
    /// Copies the database into <paramref name="file"/> with SQLite's online backup API from a reader connection: a
    /// consistent snapshot of the last commit, taken while writers keep working (works when failing closed too).
    /// </summary>
    internal void BackupTo(string file)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null)
        {
            throw _failure?.CreateException() ?? new ObjectDisposedException(nameof(SqliteDialerStore));
        }

        var session = RentReader();
        var healthy = false;
        try
        {
            using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
            destination.Open();
            session.Connection.BackupDatabase(destination);
            healthy = true;
        }
        finally
        {
            ReturnReader(session, healthy);
        }
    }

    /// <summary>Queues a write for the writer thread; it runs inside a shared transaction and completes after the commit.</summary>
    internal ValueTask<T> WriteAsync<T>(Func<SqliteDialerStore, SqliteSession, T> operation, CancellationToken cancellationToken = default) =>
        WriteAsync(operation, bypassFailClosed: false, cancellationToken);

    /// <summary>Runs a read on a pooled connection inside one read transaction (a consistent snapshot).</summary>
    internal T Read<T>(Func<SqliteDialerStore, SqliteSession, T> operation, CancellationToken cancellationToken = default) =>
        Read(operation, bypassFailClosed: false, cancellationToken);

    /// <summary>
    /// Streams the rows of <paramref name="sql"/> from a pooled connection inside one read transaction (a consistent
    /// snapshot held until the enumeration ends), mapping each with <paramref name="map"/>. Fails closed like
    /// <see cref="Read{T}(Func{SqliteDialerStore, SqliteSession, T}, CancellationToken)"/>: a store that already failed
    /// closed throws its exception, and a row that fails validation is quarantined and closes the store.
    /// </summary>
    internal IAsyncEnumerable<T> ReadStream<T>(string sql, Action<SqliteCommand>? bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken) =>
        new SyncAsyncEnumerable<T>(token => ReadRows(sql, bind, map, token), cancellationToken);

    private IEnumerable<T> ReadRows<T>(string sql, Action<SqliteCommand>? bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_failure is { } failure)
        {
            throw failure.CreateException();
        }

        if (_writer is null)
        {
            throw _failure?.CreateException() ?? new ObjectDisposedException(nameof(SqliteDialerStore));
        }

        var session = RentReader();
        var healthy = false;
        var begun = false;
        try
        {
            Guard(session, static s => s.Execute("BEGIN"));
            begun = true;
            var reader = Guard(session, s =>
            {
                var command = s.Command(sql);
                bind?.Invoke(command);
                return command.ExecuteReader();
            });
            using (reader)
            {
                while (true)
                {
                    healthy = false;
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!TryReadRow(reader, map, out var item))
                    {
                        healthy = true;
                        break;
                    }

                    healthy = true;
                    yield return item;
                }
            }
        }
        finally
        {
            if (begun && session.Connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    session.Execute("COMMIT");
                }
                catch (SqliteException)
                {
                    healthy = false;
                }
            }

            ReturnReader(session, healthy);
        }
    }

    private TResult Guard<TResult>(SqliteSession session, Func<SqliteSession, TResult> step)
    {
        try
        {
            return step(session);
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            throw FailClosedFile(ex);
        }
    }

    private bool TryReadRow<T>(SqliteDataReader reader, Func<SqliteDataReader, T> map, out T item)
    {
        try
        {
            if (!reader.Read())
            {
                item = default!;
                return false;
            }

            item = map(reader);
            return true;
        }
        catch (CorruptRowException corrupt)
        {
            var exception = FailClosedCorrupt(corrupt);
            _ = QuarantineLaterAsync(corrupt);
            throw exception;
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            throw FailClosedFile(ex);
        }
    }

    private ValueTask<T> WriteAsync<T>(Func<SqliteDialerStore, SqliteSession, T> operation, bool bypassFailClosed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!bypassFailClosed && _failure is { } failure)
        {
            return ValueTask.FromException<T>(failure.CreateException());
        }

        if (_writer is null)
        {
            return ValueTask.FromException<T>(_failure?.CreateException() ?? new ObjectDisposedException(nameof(SqliteDialerStore)));
        }

        var item = new WriteItem<T>(this, operation, bypassFailClosed);
        if (!_writes.Writer.TryWrite(item))
        {
            return ValueTask.FromException<T>(new ObjectDisposedException(nameof(SqliteDialerStore)));
        }

        return new ValueTask<T>(item.Task);
    }

    private T Read<T>(Func<SqliteDialerStore, SqliteSession, T> operation, bool bypassFailClosed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!bypassFailClosed && _failure is { } failure)
        {
            throw failure.CreateException();
        }

        if (_writer is null)
        {
            throw _failure?.CreateException() ?? new ObjectDisposedException(nameof(SqliteDialerStore));
        }

        var session = RentReader();
        var healthy = false;
        try
        {
            session.Execute("BEGIN");
            try
            {
                var result = operation(this, session);
                healthy = true;
                return result;
            }
            finally
            {
                if (session.Connection.State == System.Data.ConnectionState.Open)
                {
                    try
                    {
                        session.Execute("COMMIT");
                    }
                    catch (SqliteException)
                    {
                        healthy = false;
                    }
                }
            }
        }
        catch (CorruptRowException corrupt)
        {
            // Record it through the writer (this connection holds no write lock), and refuse from now on.
            var exception = FailClosedCorrupt(corrupt);
            _ = QuarantineLaterAsync(corrupt);
            throw exception;
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            throw FailClosedFile(ex);
        }
        finally
        {
            ReturnReader(session, healthy);
        }
    }

    private async Task QuarantineLaterAsync(CorruptRowException corrupt)
    {
        try
        {
            await WriteAsync((store, s) => { store.Quarantine(s, corrupt); return 0; }, bypassFailClosed: true, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the store already fails closed; the quarantine copy is for the operator.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private SqliteSession RentReader()
    {
        if (_readers.TryTake(out var session))
        {
            Interlocked.Decrement(ref _readerCount);
            return session;
        }

        return OpenSession();
    }

    private void ReturnReader(SqliteSession session, bool healthy)
    {
        if (healthy && Volatile.Read(ref _disposed) == 0 && Interlocked.Increment(ref _readerCount) <= _options.MaxReadConnections)
        {
            _readers.Add(session);
            if (Volatile.Read(ref _disposed) != 0 && _readers.TryTake(out var late))
            {
                late.Dispose();
            }

            return;
        }

        if (healthy && Volatile.Read(ref _disposed) == 0)
        {
            Interlocked.Decrement(ref _readerCount);
        }

        session.Dispose();
    }

    private SqliteSession OpenSession()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var session = new SqliteSession(connection);
            var sync = _options.Synchronous switch
            {
                SqliteSynchronousMode.Extra => "EXTRA",
                SqliteSynchronousMode.Normal => "NORMAL",
                _ => "FULL",
            };
            var busyMs = (long)_options.BusyTimeout.TotalMilliseconds;

            // PRAGMA arguments cannot be parameters; both values come from validated options, not from input.
            session.Execute("PRAGMA journal_mode = WAL;");
            session.Execute("PRAGMA synchronous = " + sync + ";");
            session.Execute("PRAGMA busy_timeout = " + busyMs.ToString(CultureInfo.InvariantCulture) + ";");
            session.Execute("PRAGMA foreign_keys = ON;");
            return session;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Initialize(SqliteSession s)
    {
        if (_options.QuickCheckOnOpen)
        {
            var check = s.Command("PRAGMA quick_check;").ExecuteScalar() as string;
            if (!string.Equals(check, "ok", StringComparison.Ordinal))
            {
                FailClosed(FailKind.Corruption, "PRAGMA quick_check failed: " + check, FilePath);
                return;
            }
        }

        var version = ReadSchemaVersion(s);
        if (version > SqliteSchema.CurrentVersion)
        {
            FailClosed(FailKind.SchemaNewer, NewerSchemaMessage(version), null);
            return;
        }

        if (_options.MigrateOnOpen)
        {
            s.Execute("BEGIN IMMEDIATE");
            try
            {
                version = MigrateCore(s);
                s.Execute("COMMIT");
            }
            catch
            {
                s.Execute("ROLLBACK");
                throw;
            }
        }
        else if (version < SqliteSchema.CurrentVersion)
        {
            FailClosed(FailKind.SchemaBehind, $"the file is at schema version {version}; this code needs {SqliteSchema.CurrentVersion}. Call MigrateAsync (or set MigrateOnOpen).", null);
            return;
        }

        using (var reader = s.Command("SELECT source_table, source_rowid, problem FROM quarantine WHERE resolved_at IS NULL ORDER BY id LIMIT 1").ExecuteReader())
        {
            if (reader.Read())
            {
                var location = Location(reader.GetString(0), reader.GetInt64(1));
                FailClosed(FailKind.Corruption, $"corrupt stored state at {location}: {reader.GetString(2)} (quarantined; repair it, then call AcknowledgeQuarantineAsync)", location);
                return;
            }
        }

        if (_options.ValidateRowsOnOpen)
        {
            try
            {
                RowValidation.ValidateAll(s);
            }
            catch (CorruptRowException corrupt)
            {
                // QuarantineAndFail records the row and puts the store in the fail-closed state.
                _ = QuarantineAndFail(s, corrupt);
                return;
            }
        }

        SqliteLog.Opened(_logger, FilePath, version, _options.Synchronous);
    }

    private int MigrateCore(SqliteSession s)
    {
        MigrationGuard.EnsureValid(SqliteSchema.Migrations);
        s.Execute(SqliteSchema.VersionTableScript);
        var from = ReadSchemaVersion(s);
        if (from > SqliteSchema.CurrentVersion)
        {
            var message = NewerSchemaMessage(from);
            FailClosed(FailKind.SchemaNewer, message, null);
            throw new StoreSchemaException(message);
        }

        foreach (var migration in SqliteSchema.Migrations)
        {
            if (migration.Version <= from)
            {
                continue;
            }

            s.Execute(migration.Script);
            s.Command("INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $at) ON CONFLICT (version) DO NOTHING")
                .With("$v", migration.Version).With("$n", migration.Name).With("$at", Now()).ExecuteNonQuery();
        }

        if (from != SqliteSchema.CurrentVersion)
        {
            SqliteLog.Migrated(_logger, FilePath, from, SqliteSchema.CurrentVersion);
        }

        return SqliteSchema.CurrentVersion;
    }

    private static int ReadSchemaVersion(SqliteSession s)
    {
        var exists = s.Command("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").ScalarInt64();
        return exists is > 0 ? (int)(s.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version").ScalarInt64() ?? 0) : 0;
    }

    private static string NewerSchemaMessage(int version) =>
        $"the file is at schema version {version}, newer than this code knows ({SqliteSchema.CurrentVersion}); upgrade Dialer.Persistence.Sqlite. The store refuses to admit calls.";

    private static bool IsCorruption(SqliteException ex) => ex.SqliteErrorCode is 11 or 26; // SQLITE_CORRUPT, SQLITE_NOTADB

    private StoreCorruptionException FailClosedFile(SqliteException ex)
    {
        FailClosed(FailKind.Corruption, "the file is corrupt or not a database: " + ex.Message, FilePath);
        return new StoreCorruptionException(FilePath, ex.Message, ex);
    }

    private StoreCorruptionException FailClosedCorrupt(CorruptRowException corrupt)
    {
        var location = Location(corrupt.Table, corrupt.RowId);
        FailClosed(FailKind.Corruption, $"corrupt stored state at {location}: {corrupt.Problem}", location);
        return new StoreCorruptionException(location, corrupt.Problem, corrupt);
    }

    private void FailClosed(FailKind kind, string reason, string? location)
    {
        if (_failure is { Kind: FailKind.SchemaNewer or FailKind.Corruption })
        {
            return; // Keep the first serious reason.
        }

        _failure = new FailState(kind, reason, location);
        SqliteMetrics.FailedClosed.Add(1);
        SqliteLog.FailedClosed(_logger, FilePath, reason);
    }

    private void Quarantine(SqliteSession s, CorruptRowException corrupt)
    {
        var table = corrupt.Table;
        if (!SqliteSchema.DataTables.Contains(table))
        {
            return;
        }

        var already = s.Command("SELECT COUNT(*) FROM quarantine WHERE source_table = $t AND source_rowid = $r AND resolved_at IS NULL")
            .With("$t", table).With("$r", corrupt.RowId).ScalarInt64();
        if (already is > 0)
        {
            return;
        }

        string? json = null;

        // The table name is one of this schema's constants (checked above), never input.
        using (var reader = s.Command("SELECT * FROM " + table + " WHERE rowid = $r").With("$r", corrupt.RowId).ExecuteReader())
        {
            if (reader.Read())
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var name = reader.GetName(i);
                        if (reader.IsDBNull(i))
                        {
                            writer.WriteNull(name);
                            continue;
                        }

                        switch (reader.GetValue(i))
                        {
                            case long l:
                                writer.WriteNumber(name, l);
                                break;
                            case double d:
                                writer.WriteNumber(name, d);
                                break;
                            case byte[] bytes:
                                writer.WriteBase64String(name, bytes);
                                break;
                            case var other:
                                writer.WriteString(name, Convert.ToString(other, CultureInfo.InvariantCulture));
                                break;
                        }
                    }

                    writer.WriteEndObject();
                }

                json = Encoding.UTF8.GetString(buffer.ToArray());
            }
        }

        s.Command("INSERT INTO quarantine (source_table, source_rowid, problem, row_json, detected_at) VALUES ($t, $r, $p, $j, $at)")
            .With("$t", table).With("$r", corrupt.RowId).With("$p", corrupt.Problem).With("$j", json).With("$at", Now())
            .ExecuteNonQuery();
        SqliteMetrics.Quarantined.Add(1);
        SqliteLog.Quarantined(_logger, Location(table, corrupt.RowId));
    }

    // ------------------------------------------------------------------ the writer (group commit)

    private void WriterLoop()
    {
        var reader = _writes.Reader;
        var batch = new List<WriteItem>(Math.Min(_options.MaxBatchSize, 1024));
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                RunBatch(batch);
            }
#pragma warning disable CA1031 // The writer thread must survive anything (a broken connection, an I/O error): callers get the error.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SqliteLog.CommitFailed(_logger, batch.Count, ex);
                TryRollback(_writer!);
                foreach (var item in batch)
                {
                    item.Fail(ex is SqliteException se && IsCorruption(se) ? FailClosedFile(se) : ex);
                    item.Finish();
                }
            }
        }
    }

    private void RunBatch(List<WriteItem> batch)
    {
        var s = _writer!;
        try
        {
            s.Execute("BEGIN IMMEDIATE");
        }
        catch (Exception ex)
        {
            var failure = ex is SqliteException se && IsCorruption(se) ? FailClosedFile(se) : ex;
            foreach (var item in batch)
            {
                item.Fail(failure);
                item.Finish();
            }

            return;
        }

        foreach (var item in batch)
        {
            if (!item.BypassFailClosed && _failure is { } failure)
            {
                item.Fail(failure.CreateException());
                continue;
            }

            s.Execute("SAVEPOINT op");
            try
            {
                item.Run(s);
                s.Execute("RELEASE op");
            }
            catch (Exception ex)
            {
                s.Execute("ROLLBACK TO op");
                s.Execute("RELEASE op");
                item.Fail(ex switch
                {
                    CorruptRowException corrupt => QuarantineAndFail(s, corrupt),
                    SqliteException se when IsCorruption(se) => FailClosedFile(se),
                    _ => ex,
                });
            }
        }

        try
        {
            s.Execute("COMMIT");
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _committedOperations, batch.Count);
            SqliteMetrics.Commits.Add(1);
            SqliteMetrics.BatchSize.Record(batch.Count);
        }
        catch (Exception ex)
        {
            SqliteLog.CommitFailed(_logger, batch.Count, ex);
            TryRollback(s);

            foreach (var item in batch)
            {
                item.Fail(ex);
            }
        }

        foreach (var item in batch)
        {
            item.Finish();
        }
    }

    private static void TryRollback(SqliteSession s)
    {
        try
        {
            s.Execute("ROLLBACK");
        }
#pragma warning disable CA1031 // The transaction may already be gone; the callers get the original failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private StoreCorruptionException QuarantineAndFail(SqliteSession s, CorruptRowException corrupt)
    {
        var exception = FailClosedCorrupt(corrupt);
        try
        {
            Quarantine(s, corrupt);
        }
#pragma warning disable CA1031 // The store fails closed either way; the quarantine copy is best effort.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return exception;
    }

    private enum FailKind
    {
        SchemaBehind,
        SchemaNewer,
        Corruption,
    }

    private sealed record FailState(FailKind Kind, string Reason, string? Location)
    {
        public Exception CreateException() => Kind switch
        {
            FailKind.Corruption => new StoreCorruptionException(Location ?? "(unknown)", Reason),
            _ => new StoreSchemaException(Reason),
        };
    }

    private abstract class WriteItem
    {
        protected WriteItem(bool bypassFailClosed)
        {
            BypassFailClosed = bypassFailClosed;
        }

        public bool BypassFailClosed { get; }

        public abstract void Run(SqliteSession session);

        public abstract void Fail(Exception exception);

        public abstract void Finish();
    }

    private sealed class WriteItem<T>(SqliteDialerStore store, Func<SqliteDialerStore, SqliteSession, T> operation, bool bypassFailClosed)
        : WriteItem(bypassFailClosed)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteSession session) => _result = operation(store, session);

        public override void Fail(Exception exception) => _error ??= exception;

        public override void Finish()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }
    }
}

/// <summary>A row copied to the quarantine table because it failed validation.</summary>
/// <param name="Table">The table it is in.</param>
/// <param name="RowId">Its rowid.</param>
/// <param name="Location">File, table and rowid, as reported in <see cref="StoreCorruptionException.Location"/>.</param>
/// <param name="Problem">What failed validation.</param>
/// <param name="RowJson">The row's columns as JSON when it could be read.</param>
/// <param name="DetectedAt">When it was found.</param>
public sealed record QuarantinedRow(string Table, long RowId, string Location, string Problem, string? RowJson, Instant DetectedAt);
