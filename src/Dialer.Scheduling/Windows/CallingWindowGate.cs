using Dialer.Core;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// The calling-window layer of Core's composite admission (<see cref="AdmissionGateOrder.CallingWindow"/>). Pure: it
/// takes nothing, so <see cref="AdmissionGate.EnterAsync"/> answers like <see cref="AdmissionGate.CheckAsync"/> and
/// rollback does nothing. A denial lists every closed layer (<see cref="CallingWindowReasonCodes"/>) with
/// <see cref="DenialReason.ClearsAt"/> = the next open instant (null if none within the horizon or the schedule is
/// disabled). Completes synchronously; an allowed check allocates nothing.
/// </summary>
public sealed class CallingWindowGate : AdmissionGate
{
    /// <summary>The gate's <see cref="Name"/>.</summary>
    public const string GateName = "calling-window";

    private readonly ICallingWindowEvaluator _evaluator;

    /// <summary>Creates the gate over an evaluator (normally <see cref="CallingWindowService"/>).</summary>
    public CallingWindowGate(ICallingWindowEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        _evaluator = evaluator;
    }

    /// <inheritdoc/>
    public override string Name => GateName;

    /// <inheritdoc/>
    public override int Order => AdmissionGateOrder.CallingWindow;

    /// <inheritdoc/>
    protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        var evaluation = _evaluator.Evaluate(request, at);
        return new ValueTask<GateResult>(evaluation.IsOpen ? GateResult.Allowed : GateResult.Denied(evaluation.Reasons));
    }

    /// <inheritdoc/>
    protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken) =>
        CheckCoreAsync(request, at, cancellationToken);

    /// <inheritdoc/>
    protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
