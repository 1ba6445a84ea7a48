using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Protection.Tests.Gate;

/// <summary>A ledger that fails or answers nonsense makes the gate fail closed with <see cref="DenialCategory.Store"/>.</summary>
public sealed class ProtectionGateFailureTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    [Theory]
    [InlineData(FailingLedger.Mode.ThrowSync)]
    [InlineData(FailingLedger.Mode.FaultAsync)]
    [InlineData(FailingLedger.Mode.Nonsense)]
    public async Task Enter_LedgerFailsOrIsInconsistent_DeniesWithStoreCategory(FailingLedger.Mode mode)
    {
        var gate = new ProtectionGate(new FailingLedger(mode), new ProtectionOptions());

        var entered = await gate.EnterAsync(TestRequests.Create(), T0);
        var checkedResult = await gate.CheckAsync(TestRequests.Create(), T0);

        foreach (var result in new[] { entered, checkedResult })
        {
            Assert.False(result.IsAllowed);
            var reason = Assert.Single(result.Reasons);
            Assert.Equal(DenialCategory.Store, reason.Category);
            Assert.Equal(ProtectionReasons.StoreFailureCode, reason.Code);
            Assert.Equal(T0 + Duration.FromMinutes(1), reason.ClearsAt);
        }
    }

    [Fact]
    public async Task Enter_Cancelled_Throws()
    {
        var gate = new ProtectionGate(new FailingLedger(FailingLedger.Mode.Cancel), new ProtectionOptions());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await gate.EnterAsync(TestRequests.Create(), T0));
    }

    [Fact]
    public async Task Rollback_LedgerThrowsSynchronously_FaultsTheReturnedTaskRatherThanThrowing()
    {
        var gate = new ProtectionGate(new FailingLedger(FailingLedger.Mode.ThrowSync), new ProtectionOptions());

        var pending = gate.RollbackAsync(TestRequests.Create());

        Assert.True(pending.IsFaulted);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await pending);
        Assert.Equal("down", ex.Message);
    }

    [Fact]
    public async Task Rollback_InMemoryLedger_VoidsTheAttemptSynchronously()
    {
        var ledger = new InMemoryAttemptLedger();
        var gate = new ProtectionGate(ledger, new ProtectionOptions());
        var request = TestRequests.Create();
        Assert.True((await gate.EnterAsync(request, T0)).IsAllowed);

        var pending = gate.RollbackAsync(request);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Null(await ledger.GetAttemptAsync(request.CallId));
    }

    public sealed class FailingLedger(FailingLedger.Mode mode) : IAttemptLedger
    {
        public enum Mode
        {
            ThrowSync,
            FaultAsync,
            Nonsense,
            Cancel,
        }

        public ValueTask<LedgerResult> TryRecordAttemptAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default) => Answer();

        public ValueTask<LedgerResult> EvaluateAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default) => Answer();

        public ValueTask<bool> VoidAttemptAsync(DialRequest request, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<OutcomeRecordStatus> RecordOutcomeAsync(CallOutcome outcome, IReadOnlyList<ProtectionBlock> blocks, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<AttemptEntry?> GetAttemptAsync(string attemptId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<IReadOnlyList<AttemptEntry>> GetHistoryAsync(PhoneNumber phone, Instant since, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<IReadOnlyList<ProtectionBlock>> GetBlocksAsync(PhoneNumber phone, string? leadId = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask UpsertBlockAsync(ProtectionBlock block, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<bool> RemoveBlockAsync(string blockId, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<IReadOnlyList<ProtectionBlock>> ListBlocksAsync(BlockKind kind, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        public ValueTask<int> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default) => throw new InvalidOperationException("down");

        private async ValueTask<LedgerResult> Answer()
        {
            switch (mode)
            {
                case Mode.ThrowSync:
                    throw new InvalidOperationException("database unreachable");
                case Mode.FaultAsync:
                    await Task.Yield();
                    throw new TimeoutException("database timed out");
                case Mode.Cancel:
                    await Task.Yield();
                    throw new OperationCanceledException();
                default:
                    await Task.Yield();
                    return default;
            }
        }
    }
}
