using Dialer.Persistence.Contracts.Data;

namespace Dialer.Persistence.Sqlite.Tests.Data;

/// <summary>The bulk-port contract on SQLite (a fresh file per store).</summary>
public sealed class SqliteStoreDataAccessContractTests : StoreDataAccessContractTests, IDisposable
{
    private readonly List<TempDatabase> _databases = [];

    protected override Task<StoreUnderTest> CreateStoreAsync()
    {
        var db = new TempDatabase();
        _databases.Add(db);
        var store = db.Open();
        return Task.FromResult(new StoreUnderTest(store.Data, store.AttemptLedger, store.RedialQueue, store.AnsweringMachineTracker, store.CampaignStore, store.SlotStore, store));
    }

    public void Dispose()
    {
        foreach (var db in _databases)
        {
            db.Dispose();
        }
    }
}
