using System.Runtime.CompilerServices;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The bounds of the last local day seen per zone, in a few direct-mapped slots (a number's zone picks its slot), so
/// counting a calendar-day limit rarely converts an instant to a local date. Not thread-safe: one per stripe of
/// <see cref="InMemoryAttemptLedger"/>, read and written under that stripe's lock.
/// </summary>
internal sealed class DayBoundsCache
{
    private const int Slots = 8;
    private readonly Slot[] _slots = new Slot[Slots];

    /// <summary>[start of the local day of <paramref name="at"/> in <paramref name="zone"/>, start of the next day).</summary>
    public (Instant Start, Instant End) Get(DateTimeZone zone, Instant at)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(zone) & (Slots - 1)];
        if (!ReferenceEquals(slot.Zone, zone) || at < slot.Start || at >= slot.End)
        {
            var (start, end) = ProtectionDecider.LocalDayBounds(zone, at);
            slot = new Slot(zone, start, end);
        }

        return (slot.Start, slot.End);
    }

    private readonly record struct Slot(DateTimeZone? Zone, Instant Start, Instant End);
}
