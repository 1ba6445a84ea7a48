using NodaTime;

namespace Dialer.Core;

/// <summary>
/// The composite admission: runs every registered <see cref="AdmissionGate"/> and answers "may this number be
/// dialed for this lead right now — and if not, why, and when?". Registered by <c>AddDialer()</c>.
/// </summary>
public interface IDialAdmission
{
    /// <summary>Admits <paramref name="request"/> now (the injected <see cref="TimeProvider"/>'s time).</summary>
    ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Admits <paramref name="request"/> at <paramref name="at"/>. When allowed, what the gates took (the recorded
    /// attempt, the slot lease) is held until the outcome is reported through <see cref="ICallOutcomeReporter"/>.
    /// When denied, nothing is held: what earlier gates took has been rolled back.
    /// </summary>
    ValueTask<AdmissionDecision> AdmitAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default);

    /// <summary>The decision <see cref="AdmitAsync(DialRequest, Instant, CancellationToken)"/> would make, without recording or holding anything.</summary>
    ValueTask<AdmissionDecision> CheckAsync(DialRequest request, Instant at, CancellationToken cancellationToken = default);
}
