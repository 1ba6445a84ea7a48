using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Dialer.Protection;

/// <summary>
/// The lock of one stripe of <see cref="InMemoryAttemptLedger"/>: a compare-and-swap on the holder's managed thread id
/// to enter, a plain release store to exit. The sections it guards are a few dozen instructions on the admission path,
/// so a waiter spins (then yields and sleeps, as <see cref="SpinWait"/> escalates) instead of blocking; the rare long
/// holders (starting the lead or subject index, purging) only make waiters back off further.
/// </summary>
/// <remarks>
/// <para>
/// Compared with <see cref="Lock"/>, exiting needs no atomic instruction, which on x86 also spares waiting for the
/// section's stores to drain. Not reentrant: entering a gate the thread already holds throws
/// <see cref="LockRecursionException"/> instead of deadlocking (the ledger takes each stripe at most once, in ascending
/// order).
/// </para>
/// <para>
/// A mutable struct held in a field of its stripe (so the lock word sits in the same small object as the stripe's number
/// table); always used in place, never copied.
/// </para>
/// </remarks>
internal struct StripeGate
{
    private int _holder;

    /// <summary>Whether some thread holds the gate (for tests and diagnostics; stale as soon as it is read).</summary>
    public readonly bool IsHeld => Volatile.Read(in _holder) != 0;

    /// <summary>Enters the gate, waiting while another thread holds it.</summary>
    /// <exception cref="LockRecursionException">The calling thread already holds the gate.</exception>
    public void Enter()
    {
        var self = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _holder, self, 0) != 0)
        {
            EnterContended(self);
        }
    }

    /// <summary>Leaves the gate; only the holder calls this.</summary>
    public void Exit() => Volatile.Write(ref _holder, 0);

    /// <summary>Enters the gate and returns a scope that leaves it when disposed (<c>using (gate.EnterScope()) { … }</c>).</summary>
    /// <returns>The scope.</returns>
    [UnscopedRef]
    public Scope EnterScope()
    {
        Enter();
        return new Scope(ref this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended(int self)
    {
        if (Volatile.Read(ref _holder) == self)
        {
            throw new LockRecursionException("This thread already holds the ledger stripe's lock; the ledger must take each stripe once.");
        }

        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _holder) != 0 || Interlocked.CompareExchange(ref _holder, self, 0) != 0);
    }

    /// <summary>Holds the gate until disposed.</summary>
    public readonly ref struct Scope
    {
        private readonly ref StripeGate _gate;

        internal Scope(ref StripeGate gate) => _gate = ref gate;

        /// <summary>Leaves the gate.</summary>
        public void Dispose() => _gate.Exit();
    }
}
