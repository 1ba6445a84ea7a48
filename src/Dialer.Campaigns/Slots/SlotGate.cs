using Dialer.Core;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// The concurrency gate of the composite admission (<see cref="AdmissionGateOrder.Concurrency"/>): entering takes a
/// slot lease under the request's call id in its global, client and campaign scopes; a later denial rolls it back.
/// Denies with <see cref="DenialCategory.Concurrency"/> and code <see cref="FullCode"/>, clearing at the earliest lease
/// expiry in the full scope (or never, for a scope limited to 0).
/// </summary>
/// <remarks>Thread-safe. With the in-memory store and no <see cref="SlotOptions.MaxWait"/>, allow and deny allocate nothing.</remarks>
public sealed class SlotGate : AdmissionGate
{
    /// <summary>The gate's <see cref="Name"/>.</summary>
    public const string GateName = "concurrency-slots";

    /// <summary>The denial code when a scope has no free slot.</summary>
    public const string FullCode = "slots.full";

    private static readonly string[] s_messages =
    [
        "No concurrency slot is free: the global limit of calls in progress is reached.",
        "No concurrency slot is free: the client's limit of calls in progress is reached.",
        "No concurrency slot is free: the campaign's limit of calls in progress is reached.",
        "No concurrency slot is free: a host-named scope's limit of calls in progress is reached.",
    ];

    private readonly SlotManager _slots;

    /// <summary>Creates the gate over <paramref name="slots"/>.</summary>
    public SlotGate(SlotManager slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        _slots = slots;
    }

    /// <inheritdoc/>
    public override string Name => GateName;

    /// <inheritdoc/>
    public override int Order => AdmissionGateOrder.Concurrency;

    /// <summary>The fixed message of a <see cref="FullCode"/> denial for a scope of <paramref name="kind"/>.</summary>
    public static string MessageFor(SlotScopeKind kind) => s_messages[(int)kind];

    /// <inheritdoc/>
    protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        var pending = _slots.Store.CheckAsync(request.CallId, _slots.ScopesFor(request), at, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(ToGateResult(pending.Result, check: true))
            : AwaitCheck(pending);
    }

    /// <inheritdoc/>
    protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
    {
        var scopes = _slots.ScopesFor(request);
        if (_slots.MaxWait > TimeSpan.Zero)
        {
            return EnterWaitingAsync(request.CallId, scopes, cancellationToken);
        }

        var pending = _slots.TryAcquireAsync(request.CallId, scopes, at, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? ValueTask.FromResult(ToGateResult(pending.Result, check: false))
            : AwaitEnter(pending);
    }

    /// <inheritdoc/>
    protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var pending = _slots.ReleaseAsync(request.CallId, cancellationToken);
        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(pending.AsTask());
    }

    private static GateResult ToGateResult(in SlotAcquireResult result, bool check)
    {
        if (result.IsAcquired)
        {
            return check ? GateResult.Allowed : GateResult.AllowedWithLease(result.ExpiresAt);
        }

        return GateResult.Denied(new DenialReason(DenialCategory.Concurrency, FullCode, s_messages[(int)result.FullScope.Kind], result.ClearsAt));
    }

    private static async ValueTask<GateResult> AwaitCheck(ValueTask<SlotAcquireResult> pending) =>
        ToGateResult(await pending.ConfigureAwait(false), check: true);

    private static async ValueTask<GateResult> AwaitEnter(ValueTask<SlotAcquireResult> pending) =>
        ToGateResult(await pending.ConfigureAwait(false), check: false);

    private async ValueTask<GateResult> EnterWaitingAsync(string callId, SlotScopeSet scopes, CancellationToken cancellationToken) =>
        ToGateResult(await _slots.AcquireAsync(callId, scopes, _slots.MaxWait, cancellationToken).ConfigureAwait(false), check: false);
}

/// <summary>Releases a call's slot lease when its outcome is reported (<see cref="CallOutcomeHandlerOrder.Concurrency"/>, last). Idempotent.</summary>
public sealed class SlotReleaseOutcomeHandler : ICallOutcomeHandler
{
    private readonly SlotManager _slots;

    /// <summary>Creates the handler over <paramref name="slots"/>.</summary>
    public SlotReleaseOutcomeHandler(SlotManager slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        _slots = slots;
    }

    /// <inheritdoc/>
    public int Order => CallOutcomeHandlerOrder.Concurrency;

    /// <inheritdoc/>
    public async ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await _slots.ReleaseAsync(outcome.AttemptId, cancellationToken).ConfigureAwait(false);
    }
}
