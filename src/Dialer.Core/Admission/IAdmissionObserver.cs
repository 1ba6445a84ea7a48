namespace Dialer.Core;

/// <summary>
/// Told of every decision <see cref="IDialAdmission.AdmitAsync(DialRequest, NodaTime.Instant, CancellationToken)"/>
/// makes (never of <see cref="IDialAdmission.CheckAsync"/>, which records nothing): the hook for statistics and audit
/// trails. Register implementations with <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IAdmissionObserver, T&gt;())</c>.
/// </summary>
/// <remarks>
/// Called synchronously on the admission path after the decision is final, so an implementation must be fast,
/// thread-safe and allocation-free on its common path (count in memory; write to storage elsewhere). An exception
/// is logged and ignored: an observer can never change a decision.
/// </remarks>
public interface IAdmissionObserver
{
    /// <summary>Observes one admission decision.</summary>
    /// <param name="request">The request that was decided.</param>
    /// <param name="decision">The decision (allowed with what it holds, or denied with every reason).</param>
    void OnAdmission(DialRequest request, in AdmissionDecision decision);
}
