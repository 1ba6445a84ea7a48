using Dialer.Protection;

namespace Dialer.Persistence.Contracts.Protection;

/// <summary>The attempt-ledger contract on the in-memory ledger.</summary>
public sealed class InMemoryAttemptLedgerContractTests : AttemptLedgerContractTests
{
    /// <inheritdoc/>
    protected override Task<IAttemptLedger> CreateLedgerAsync() => Task.FromResult<IAttemptLedger>(new InMemoryAttemptLedger());
}

/// <summary>The store-clock contract on the in-memory ledger (which honours the instant passed in).</summary>
public sealed class InMemoryAttemptLedgerStoreClockContractTests : AttemptLedgerStoreClockContractTests
{
    /// <inheritdoc/>
    protected override Task<IAttemptLedger> CreateLedgerAsync() => Task.FromResult<IAttemptLedger>(new InMemoryAttemptLedger());
}
