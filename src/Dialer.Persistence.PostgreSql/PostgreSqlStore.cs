using Dialer.Campaigns;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// The PostgreSQL store: every port of Dialer.Libraries (attempt ledger and do-not-call list, redial queue,
/// answering-machine tracker, slots, campaigns) over one <see cref="NpgsqlDataSource"/>, for many hosts sharing one
/// database. <c>UsePostgreSql(...)</c> registers one; it can also be created directly.
/// </summary>
/// <remarks>
/// <para>
/// Every check-and-record is one round trip (a single statement or a PL/pgSQL function created by the migrations) and
/// atomic over every key it reads; instants are <c>bigint</c> Unix ticks; the attempt ledger uses the database clock
/// unless <see cref="PostgreSqlStoreOptions.UseDatabaseClock"/> is off. The schema is migrated on first use (or by
/// <see cref="MigrateAsync"/>); a newer schema or a corrupt row makes the store fail closed (see
/// <see cref="FailClosedReason"/>).
/// </para>
/// <para>Thread-safe. Disposing disposes the data source only when this store created it from a connection string.</para>
/// </remarks>
public sealed class PostgreSqlStore : IStoreMaintenance, IAsyncDisposable, IDisposable
{
    /// <summary>The provider name reported by <see cref="Provider"/>.</summary>
    public const string ProviderName = "postgresql";

    private readonly PgContext _context;
    private readonly bool _ownsDataSource;

    /// <summary>
    /// Creates a store over a connection string (the store owns the data source it builds). The data source is built with
    /// <c>No Reset On Close=true</c>: nothing but the store uses its connections and the store keeps no session state
    /// (every lock is transaction-level), while the default reset (<c>DISCARD ALL</c> when a pooled connection is reused)
    /// also discards PostgreSQL's cached plans of the store's functions, so every call would plan them again (measured
    /// ≈ 3× slower per check-and-record). Set it on a data source you pass in, too, if nothing else relies on the reset.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public PostgreSqlStore(string connectionString, PostgreSqlStoreOptions? options = null, ILogger<PostgreSqlStore>? logger = null, TimeProvider? timeProvider = null)
        : this(NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(CheckConnectionString(connectionString)) { NoResetOnClose = true }), options, logger, timeProvider, ownsDataSource: true)
    {
    }

    /// <summary>Creates a store over a data source the caller owns.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public PostgreSqlStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null, ILogger<PostgreSqlStore>? logger = null, TimeProvider? timeProvider = null)
        : this(dataSource, options, logger, timeProvider, ownsDataSource: false)
    {
    }

    private PostgreSqlStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options, ILogger? logger, TimeProvider? timeProvider, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new PostgreSqlStoreOptions();
        try
        {
            PostgreSqlStoreOptionsValidator.ThrowIfInvalid(options);
        }
        catch when (ownsDataSource)
        {
            dataSource.Dispose();
            throw;
        }

        _ownsDataSource = ownsDataSource;
        _context = new PgContext(dataSource, options.Clone(), logger ?? NullLogger.Instance);
        var time = timeProvider ?? TimeProvider.System;
        AttemptLedger = new PostgreSqlAttemptLedger(_context, time);
        RedialQueue = new PostgreSqlRedialQueue(_context);
        AnsweringMachineTracker = new PostgreSqlAnsweringMachineTracker(_context);
        SlotStore = new PostgreSqlSlotStore(_context);
        CampaignStore = new PostgreSqlCampaignStore(_context);
        Data = new PostgreSqlStoreDataAccess(_context);
    }

    /// <summary>The attempt ledger (with the do-not-call list and every other block).</summary>
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
    /// The bulk port over the same schema: streamed reads of every data type, import in one transaction (merge or
    /// replace), daily statistics, retention and the erasure of one number (see <see cref="IStoreDataAccess"/>).
    /// </summary>
    public IStoreDataAccess Data { get; }

    /// <summary>The data source every operation uses.</summary>
    public NpgsqlDataSource DataSource => _context.DataSource;

    /// <summary>The schema holding the store's tables and functions.</summary>
    public string Schema => _context.Options.Schema;

    /// <inheritdoc/>
    public string Provider => ProviderName;

    /// <inheritdoc/>
    public int CurrentSchemaVersion => PostgreSqlMigrations.CurrentVersion;

    /// <inheritdoc/>
    public string? FailClosedReason => _context.FailClosedReason;

    /// <inheritdoc/>
    public async ValueTask<int> MigrateAsync(CancellationToken cancellationToken = default) =>
        await _context.MigrateAsync(PostgreSqlMigrations.CurrentVersion, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        await _context.ReadVersionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Lets the store work again after an operator repaired or removed the rows it quarantined (the copies stay in the
    /// <c>quarantine</c> table). A newer schema is detected again on the next check.
    /// </summary>
    public void ClearFailClosed() => _context.ClearFailClosed();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _ownsDataSource ? _context.DataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _context.DataSource.Dispose();
        }
    }

    internal PgContext Context => _context;

    private static string CheckConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return connectionString;
    }
}
