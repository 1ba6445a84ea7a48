using Dialer.Campaigns;
using Dialer.Persistence.Contracts.Campaigns;
using Dialer.Persistence.Contracts.Protection;
using Dialer.Persistence.Contracts.Redial;
using Dialer.Protection;
using Dialer.Redial;

namespace Dialer.Persistence.Sqlite.Tests.Contracts;

/// <summary>The attempt-ledger contract on SQLite (a fresh file per test; reopen = dispose the store and open the file again).</summary>
public sealed class SqliteAttemptLedgerContractTests : AttemptLedgerContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override bool IsDurable => true;

    protected override Task<IAttemptLedger> CreateLedgerAsync() => Task.FromResult(_db.Open().AttemptLedger);

    protected override Task<IAttemptLedger> ReopenAsync(IAttemptLedger ledger) => Task.FromResult(_db.Reopen(_db.OwnerOf(ledger)).AttemptLedger);

    public void Dispose() => _db.Dispose();
}

/// <summary>The store-clock contract on SQLite (it honours the instant passed in).</summary>
public sealed class SqliteAttemptLedgerStoreClockContractTests : AttemptLedgerStoreClockContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override Task<IAttemptLedger> CreateLedgerAsync() => Task.FromResult(_db.Open().AttemptLedger);

    public void Dispose() => _db.Dispose();
}

/// <summary>The redial-queue contract on SQLite.</summary>
public sealed class SqliteRedialQueueContractTests : RedialQueueContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override Task<IRedialQueue> CreateQueueAsync() => Task.FromResult(_db.Open().RedialQueue);

    protected override Task<IRedialQueue> ReopenAsync(IRedialQueue queue) => Task.FromResult(_db.Reopen(_db.OwnerOf(queue)).RedialQueue);

    public void Dispose() => _db.Dispose();
}

/// <summary>The answering-machine tracker contract on SQLite.</summary>
public sealed class SqliteAnsweringMachineTrackerContractTests : AnsweringMachineTrackerContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override Task<IAnsweringMachineTracker> CreateTrackerAsync() => Task.FromResult(_db.Open().AnsweringMachineTracker);

    protected override Task<IAnsweringMachineTracker> ReopenAsync(IAnsweringMachineTracker tracker) =>
        Task.FromResult(_db.Reopen(_db.OwnerOf(tracker)).AnsweringMachineTracker);

    public void Dispose() => _db.Dispose();
}

/// <summary>The slot-store contract on SQLite.</summary>
public sealed class SqliteSlotStoreContractTests : SlotStoreContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override ValueTask<ISlotStore> CreateStoreAsync() => ValueTask.FromResult(_db.Open().SlotStore);

    protected override ValueTask<ISlotStore> ReopenAsync(ISlotStore store) => ValueTask.FromResult(_db.Reopen(_db.OwnerOf(store)).SlotStore);

    public void Dispose() => _db.Dispose();
}

/// <summary>The campaign-store contract on SQLite.</summary>
public sealed class SqliteCampaignStoreContractTests : CampaignStoreContractTests, IDisposable
{
    private readonly TempDatabase _db = new();

    protected override ValueTask<ICampaignStore> CreateStoreAsync() => ValueTask.FromResult(_db.Open().CampaignStore);

    protected override ValueTask<ICampaignStore> ReopenAsync(ICampaignStore store) => ValueTask.FromResult(_db.Reopen(_db.OwnerOf(store)).CampaignStore);

    public void Dispose() => _db.Dispose();
}
