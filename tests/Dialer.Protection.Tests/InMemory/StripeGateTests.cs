namespace Dialer.Protection.Tests.InMemory;

/// <summary>The spin gate that guards each stripe of the in-memory ledger.</summary>
public sealed class StripeGateTests
{
    [Fact]
    public void Enter_WhenThisThreadHoldsIt_ThrowsInsteadOfDeadlocking()
    {
        var gate = new StripeGate();
        using (gate.EnterScope())
        {
            Assert.Throws<LockRecursionException>(() => gate.Enter());
            Assert.True(gate.IsHeld);
        }

        Assert.False(gate.IsHeld);
    }

    [Fact]
    public void Scope_LeavesTheGateWhenTheSectionThrows()
    {
        var gate = new StripeGate();
        void Section()
        {
            using (gate.EnterScope())
            {
                throw new InvalidOperationException("inside");
            }
        }

        Assert.Throws<InvalidOperationException>(Section);

        Assert.False(gate.IsHeld);
    }

    [Fact]
    public void ManyThreads_NeverShareTheSection()
    {
        // A non-atomic read-modify-write under the gate loses updates unless the gate excludes every other thread.
        const int threads = 8;
        const int rounds = 20_000;
        var gate = new StripeGate();
        long counter = 0;
        var inside = 0;
        var overlaps = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < rounds; i++)
            {
                gate.Enter();
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                var read = counter;
                Thread.SpinWait(i % 4);
                counter = read + 1;
                Interlocked.Decrement(ref inside);
                gate.Exit();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Equal(0, overlaps);
        Assert.Equal((long)threads * rounds, counter);
    }
}
