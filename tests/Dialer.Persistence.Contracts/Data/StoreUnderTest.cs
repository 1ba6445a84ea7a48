using Dialer.Campaigns;
using Dialer.Protection;
using Dialer.Redial;

namespace Dialer.Persistence.Contracts.Data;

/// <summary>
/// One fresh store as <see cref="StoreDataAccessContractTests"/> sees it: its bulk port and the per-port interfaces of
/// the same storage, so data written through the ports can be read back in bulk.
/// </summary>
/// <param name="data">The store's bulk port.</param>
/// <param name="attemptLedger">The same store's attempt ledger.</param>
/// <param name="redialQueue">The same store's redial queue.</param>
/// <param name="answeringMachineTracker">The same store's answering-machine tracker.</param>
/// <param name="campaignStore">The same store's campaign store.</param>
/// <param name="slotStore">The same store's slot store.</param>
/// <param name="owner">What to dispose after the test (the store object), or null.</param>
public sealed class StoreUnderTest(
    IStoreDataAccess data,
    IAttemptLedger attemptLedger,
    IRedialQueue redialQueue,
    IAnsweringMachineTracker answeringMachineTracker,
    ICampaignStore campaignStore,
    ISlotStore slotStore,
    object? owner) : IAsyncDisposable
{
    /// <summary>The store's bulk port.</summary>
    public IStoreDataAccess Data { get; } = data;

    /// <summary>The attempt ledger over the same storage.</summary>
    public IAttemptLedger AttemptLedger { get; } = attemptLedger;

    /// <summary>The redial queue over the same storage.</summary>
    public IRedialQueue RedialQueue { get; } = redialQueue;

    /// <summary>The answering-machine tracker over the same storage.</summary>
    public IAnsweringMachineTracker AnsweringMachineTracker { get; } = answeringMachineTracker;

    /// <summary>The campaign store over the same storage.</summary>
    public ICampaignStore CampaignStore { get; } = campaignStore;

    /// <summary>The slot store over the same storage.</summary>
    public ISlotStore SlotStore { get; } = slotStore;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        switch (owner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
