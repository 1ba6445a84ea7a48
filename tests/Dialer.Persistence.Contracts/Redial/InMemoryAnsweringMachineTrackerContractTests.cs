using Dialer.Redial;

namespace Dialer.Persistence.Contracts.Redial;

/// <summary>The tracker contract run on <see cref="InMemoryAnsweringMachineTracker"/>.</summary>
public sealed class InMemoryAnsweringMachineTrackerContractTests : AnsweringMachineTrackerContractTests
{
    /// <inheritdoc/>
    protected override Task<IAnsweringMachineTracker> CreateTrackerAsync() => Task.FromResult<IAnsweringMachineTracker>(new InMemoryAnsweringMachineTracker());

    /// <inheritdoc/>
    protected override Task<IAnsweringMachineTracker> ReopenAsync(IAnsweringMachineTracker tracker) => Task.FromResult(tracker);
}
