using System.Collections.Concurrent;
using Dialer.Core;
using NodaTime;

namespace Dialer.Testing;

/// <summary>
/// A scriptable <see cref="AdmissionGate"/> that records what it was asked and what it holds, so tests can prove a
/// denial later in the chain rolled this gate back.
/// </summary>
public sealed class FakeGate : AdmissionGate
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>Creates a gate.</summary>
    public FakeGate(string name, int order, Func<DialRequest, Instant, GateResult>? decide = null, AdmissionHolds holds = AdmissionHolds.None)
    {
        Name = name;
        Order = order;
        Decide = decide ?? ((_, _) => GateResult.Allowed);
        HoldsOnAllow = holds;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override int Order { get; }

    /// <summary>The answer the gate gives.</summary>
    public Func<DialRequest, Instant, GateResult> Decide { get; set; }

    /// <summary>What an allowed <see cref="AdmissionGate.EnterAsync"/> takes.</summary>
    public AdmissionHolds HoldsOnAllow { get; set; }

    /// <summary>When set, <see cref="AdmissionGate.EnterAsync"/> throws it.</summary>
    public Exception? ThrowOnEnter { get; set; }

    /// <summary>Call ids this gate currently holds something for.</summary>
    public ICollection<string> Held => _held.Keys;

    private int _checks, _enters, _rollbacks;

    /// <summary>How many times <see cref="AdmissionGate.CheckAsync"/> ran.</summary>
    public int Checks => Volatile.Read(ref _checks);

    /// <summary>How many times <see cref="AdmissionGate.EnterAsync"/> ran.</summary>
    public int Enters => Volatile.Read(ref _enters);

    /// <summary>How many times <see cref="AdmissionGate.RollbackAsync"/> ran.</summary>
    public int Rollbacks => Volatile.Read(ref _rollbacks);

    /// <inheritdoc/>
    protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _checks);
        return ValueTask.FromResult(Decide(request, at));
    }

    /// <inheritdoc/>
    protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _enters);
        if (ThrowOnEnter is not null)
        {
            throw ThrowOnEnter;
        }

        var result = Decide(request, at);
        if (!result.IsAllowed || HoldsOnAllow == AdmissionHolds.None)
        {
            return ValueTask.FromResult(result);
        }

        _held[request.CallId] = 0;
        return ValueTask.FromResult(HoldsOnAllow.HasFlag(AdmissionHolds.Attempt)
            ? GateResult.AllowedWithAttempt(at)
            : GateResult.AllowedWithLease(at + Duration.FromMinutes(5)));
    }

    /// <inheritdoc/>
    protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _rollbacks);
        _held.TryRemove(request.CallId, out _);
        return ValueTask.CompletedTask;
    }
}
