using NodaTime;

namespace Dialer.Core;

/// <summary>
/// The calling-window service: is calling open for this request at an instant, and when does it next open?
/// Offered by Dialer.Scheduling; used by packages that defer work to the next open instant (redial, the
/// campaign runner, the composite admission's next-eligible instant) without referencing Dialer.Scheduling.
/// Consumers must work when no implementation is registered.
/// </summary>
/// <remarks>Implementations are thread-safe and do not allocate on the common path.</remarks>
public interface ICallingWindow
{
    /// <summary>Whether every calling-window layer is open for <paramref name="request"/> at <paramref name="at"/>.</summary>
    bool IsOpen(DialRequest request, Instant at);

    /// <summary>
    /// The earliest instant at or after <paramref name="from"/> at which every layer is open for
    /// <paramref name="request"/>, or <see langword="null"/> if none falls within the implementation's horizon.
    /// Returns <paramref name="from"/> itself when calling is open then.
    /// </summary>
    Instant? NextOpen(DialRequest request, Instant from);
}
