using Dialer.Campaigns;
using Dialer.Persistence.Contracts.ModelBased;
using Dialer.Protection;
using Dialer.Redial;

namespace Dialer.Persistence.Sqlite.Tests.ModelBased;

/// <summary>
/// The shared model-based properties on SQLite: each sequence on a fresh file; reopening disposes the store and opens
/// the file again. SQLite reclaims expired leases lazily like the reference, so every answer is compared exactly.
/// </summary>
public sealed class SqliteStoreModelProperties : StoreModelProperties
{
    protected override ModelStore OpenFresh() => new SqliteModelStore();

    private sealed class SqliteModelStore : ModelStore
    {
        private readonly TempDatabase _db = new();
        private SqliteDialerStore _store;

        public SqliteModelStore() => _store = _db.Open(Fast);

        public override IAttemptLedger AttemptLedger => _store.AttemptLedger;

        public override ISlotStore SlotStore => _store.SlotStore;

        public override IRedialQueue RedialQueue => _store.RedialQueue;

        public override void Reopen() => _store = _db.Reopen(_store, Fast);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _db.Dispose();
            }

            base.Dispose(disposing);
        }

        // Durability is not what these properties check; NORMAL sync keeps each sequence fast on a shared machine.
        private static void Fast(SqliteStoreOptions o) => o.Synchronous = SqliteSynchronousMode.Normal;
    }
}
