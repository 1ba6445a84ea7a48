using Dialer.Testing;

namespace Dialer.Core.Tests.Admission;

public sealed class OutcomeDispatcherTests
{
    [Fact]
    public async Task ReportAsync_RunsEveryHandlerInOrder_EvenWhenOneFails()
    {
        var log = new List<string>();
        var dispatcher = new CallOutcomeDispatcher(
        [
            new Handler(300, "slots", log),
            new Handler(100, "ledger", log, fail: true),
            new Handler(200, "redial", log),
        ]);
        var outcome = new CallOutcome(TestRequests.Create(), Disposition.NoAnswer, TestClock.Instant("2026-01-01T12:00:00Z"));

        var ex = await Assert.ThrowsAsync<AggregateException>(async () => await dispatcher.ReportAsync(outcome));

        Assert.Equal(["ledger", "redial", "slots"], log);
        Assert.Single(ex.InnerExceptions);
        Assert.Contains(outcome.AttemptId, ex.Message, StringComparison.Ordinal);
    }

    private sealed class Handler(int order, string name, List<string> log, bool fail = false) : ICallOutcomeHandler
    {
        public int Order => order;

        public ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken)
        {
            log.Add(name);
            return fail ? throw new InvalidOperationException(name + " failed") : ValueTask.CompletedTask;
        }
    }
}
