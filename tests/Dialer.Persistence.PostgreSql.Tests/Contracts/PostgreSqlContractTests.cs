using Dialer.Campaigns;
using Dialer.Persistence.Contracts.Campaigns;
using Dialer.Persistence.Contracts.Protection;
using Dialer.Persistence.Contracts.Redial;
using Dialer.Protection;
using Dialer.Redial;

namespace Dialer.Persistence.PostgreSql.Tests.Contracts;

// Every shared contract suite, run against the PostgreSQL store. Each store lives in a fresh schema; "reopen" builds a
// new PostgreSqlStore (new data source, so new connections) over the same schema.

public sealed class PostgreSqlRedialQueueContractTests : RedialQueueContractTests
{
    private string _schema = null!;

    protected override Task<IRedialQueue> CreateQueueAsync()
    {
        _schema = PgStores.NewSchema();
        return Task.FromResult(PgStores.Create(_schema).RedialQueue);
    }

    protected override Task<IRedialQueue> ReopenAsync(IRedialQueue queue) =>
        Task.FromResult(PgStores.Create(_schema, dataSource: PostgresTestServer.CreateDataSource()).RedialQueue);
}

public sealed class PostgreSqlAnsweringMachineTrackerContractTests : AnsweringMachineTrackerContractTests
{
    private string _schema = null!;

    protected override Task<IAnsweringMachineTracker> CreateTrackerAsync()
    {
        _schema = PgStores.NewSchema();
        return Task.FromResult(PgStores.Create(_schema).AnsweringMachineTracker);
    }

    protected override Task<IAnsweringMachineTracker> ReopenAsync(IAnsweringMachineTracker tracker) =>
        Task.FromResult(PgStores.Create(_schema, dataSource: PostgresTestServer.CreateDataSource()).AnsweringMachineTracker);
}

public sealed class PostgreSqlSlotStoreContractTests : SlotStoreContractTests
{
    private readonly Dictionary<ISlotStore, string> _schemas = [];

    protected override ValueTask<ISlotStore> CreateStoreAsync()
    {
        var schema = PgStores.NewSchema();
        var store = PgStores.Create(schema).SlotStore;
        _schemas[store] = schema;
        return ValueTask.FromResult(store);
    }

    protected override ValueTask<ISlotStore> ReopenAsync(ISlotStore store)
    {
        var reopened = PgStores.Create(_schemas[store], dataSource: PostgresTestServer.CreateDataSource()).SlotStore;
        _schemas[reopened] = _schemas[store];
        return ValueTask.FromResult(reopened);
    }
}

public sealed class PostgreSqlCampaignStoreContractTests : CampaignStoreContractTests
{
    private readonly Dictionary<ICampaignStore, string> _schemas = [];

    protected override ValueTask<ICampaignStore> CreateStoreAsync()
    {
        var schema = PgStores.NewSchema();
        var store = PgStores.Create(schema).CampaignStore;
        _schemas[store] = schema;
        return ValueTask.FromResult(store);
    }

    protected override ValueTask<ICampaignStore> ReopenAsync(ICampaignStore store)
    {
        var reopened = PgStores.Create(_schemas[store], dataSource: PostgresTestServer.CreateDataSource()).CampaignStore;
        _schemas[reopened] = _schemas[store];
        return ValueTask.FromResult(reopened);
    }
}

/// <summary>The time-travelling ledger contract: the store evaluates at the instant passed in (database clock off).</summary>
public sealed class PostgreSqlAttemptLedgerContractTests : AttemptLedgerContractTests
{
    private static readonly string Schema = PgStores.NewSchema();

    protected override bool IsDurable => true;

    protected override Task<IAttemptLedger> CreateLedgerAsync() =>
        Task.FromResult(PgStores.Create(Schema, o => o.UseDatabaseClock = false).AttemptLedger);

    protected override Task<IAttemptLedger> ReopenAsync(IAttemptLedger ledger) =>
        Task.FromResult(PgStores.Create(Schema, o => o.UseDatabaseClock = false, PostgresTestServer.CreateDataSource()).AttemptLedger);
}

/// <summary>The production clock mode: the database clock is authoritative.</summary>
public sealed class PostgreSqlAttemptLedgerStoreClockContractTests : AttemptLedgerStoreClockContractTests
{
    private static readonly string Schema = PgStores.NewSchema();

    protected override Task<IAttemptLedger> CreateLedgerAsync() => Task.FromResult(PgStores.Create(Schema).AttemptLedger);
}
