using Dialer.Campaigns;
using Dialer.Persistence.Contracts.ModelBased;
using Dialer.Protection;
using Dialer.Redial;

namespace Dialer.Persistence.PostgreSql.Tests.ModelBased;

/// <summary>
/// The shared model-based properties on PostgreSQL: each sequence in a fresh schema; reopening opens a new store (and
/// data source, so no connection survives) on the same schema. The ledger runs at the callers' instants
/// (<see cref="PostgreSqlStoreOptions.UseDatabaseClock"/> off) so it can be compared with the reference.
/// </summary>
public sealed class PostgreSqlStoreModelProperties : StoreModelProperties
{
    /// <summary>
    /// PostgreSQL keeps expired leases until they are released or reclaimed: its migrations are additive-only, so
    /// <c>slot_acquire</c> cannot delete (see the base property for what is compared instead).
    /// </summary>
    protected override bool ReclaimsExpiredLeasesLazily => false;

    protected override ModelStore OpenFresh() => new PgModelStore();

    private sealed class PgModelStore : ModelStore
    {
        private readonly string _schema = PgStores.NewSchema();
        private PostgreSqlStore _store;

        public PgModelStore() => _store = Open();

        public override IAttemptLedger AttemptLedger => _store.AttemptLedger;

        public override ISlotStore SlotStore => _store.SlotStore;

        public override IRedialQueue RedialQueue => _store.RedialQueue;

        public override void Reopen()
        {
            _store.Dispose();
            _store = Open();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _store.Dispose();
            }

            base.Dispose(disposing);
        }

        private PostgreSqlStore Open() =>
            new(PostgresTestServer.ConnectionString, new PostgreSqlStoreOptions { Schema = _schema, UseDatabaseClock = false });
    }
}
