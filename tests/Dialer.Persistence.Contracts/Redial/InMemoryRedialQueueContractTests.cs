using Dialer.Redial;

namespace Dialer.Persistence.Contracts.Redial;

/// <summary>The queue contract run on <see cref="InMemoryRedialQueue"/>.</summary>
public sealed class InMemoryRedialQueueContractTests : RedialQueueContractTests
{
    /// <inheritdoc/>
    protected override Task<IRedialQueue> CreateQueueAsync() => Task.FromResult<IRedialQueue>(new InMemoryRedialQueue());

    /// <inheritdoc/>
    protected override Task<IRedialQueue> ReopenAsync(IRedialQueue queue) => Task.FromResult(queue);
}
