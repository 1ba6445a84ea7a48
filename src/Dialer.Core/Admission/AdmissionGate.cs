namespace Dialer.Core;

/// <summary>
/// One layer of the admission path (calling window, concurrency slot, protection, or a host's own). Packages
/// register gates in DI; <see cref="DialAdmission"/> runs them in <see cref="Order"/>, cheapest first, and rolls
/// back what earlier gates took when a later one denies.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe. <see cref="EnterCoreAsync"/> may take something (record an attempt,
/// lease a slot), keyed by the request's <see cref="DialRequest.CallId"/>; it must be idempotent by call id, and
/// <see cref="RollbackCoreAsync"/> must undo exactly that and be idempotent too. <see cref="CheckCoreAsync"/>
/// answers the same question without taking anything.
/// </remarks>
public abstract class AdmissionGate
{
    /// <summary>A short name for diagnostics, e.g. <c>calling-window</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Where the gate runs; lower runs first. See <see cref="AdmissionGateOrder"/>.</summary>
    public abstract int Order { get; }

    /// <summary>Answers whether the request may pass at <paramref name="at"/> without taking or recording anything.</summary>
    public ValueTask<GateResult> CheckAsync(DialRequest request, NodaTime.Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CheckCoreAsync(request, at, cancellationToken);
    }

    /// <summary>Answers whether the request may pass at <paramref name="at"/> and, if so, takes what the gate guards.</summary>
    public ValueTask<GateResult> EnterAsync(DialRequest request, NodaTime.Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return EnterCoreAsync(request, at, cancellationToken);
    }

    /// <summary>Undoes what <see cref="EnterAsync"/> took for this request's call id; does nothing if it took nothing.</summary>
    public ValueTask RollbackAsync(DialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RollbackCoreAsync(request, cancellationToken);
    }

    /// <summary>See <see cref="CheckAsync"/>.</summary>
    protected abstract ValueTask<GateResult> CheckCoreAsync(DialRequest request, NodaTime.Instant at, CancellationToken cancellationToken);

    /// <summary>See <see cref="EnterAsync"/>. Pure gates return <see cref="CheckCoreAsync"/>'s answer.</summary>
    protected abstract ValueTask<GateResult> EnterCoreAsync(DialRequest request, NodaTime.Instant at, CancellationToken cancellationToken);

    /// <summary>See <see cref="RollbackAsync"/>. Pure gates do nothing.</summary>
    protected abstract ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken);
}
