using System.Runtime.CompilerServices;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The bounds of the local day that contains an instant, per zone, shared by every thread of one
/// <see cref="InMemoryAttemptLedger"/> (behind each stripe's own <see cref="DayBoundsCache"/>): computing them
/// (<see cref="ProtectionDecider.LocalDayBounds"/>) costs a zone lookup and two local-to-instant conversions, and the
/// answer changes once a day per zone, so it is computed once per day and zone for the whole ledger.
/// </summary>
/// <remarks>
/// Eight slots chosen by the zone's identity hash, each a sequence lock: a writer claims the slot by making its version
/// odd (compare-and-swap; a writer that loses the race just does not cache), writes, and makes it even again; a reader
/// uses the slot only when it read the same even version before and after the values, so it never sees a torn entry.
/// Nothing is allocated. Bounds are kept as Unix ticks, which is exact because every zone offset is a whole number of
/// seconds (bounds that are not whole ticks are never cached).
/// </remarks>
internal sealed class SharedDayBounds
{
    private const int Slots = 8;
    private readonly Slot[] _slots = new Slot[Slots];

    /// <summary>The start (inclusive) and end (exclusive) of the day in <paramref name="zone"/> that contains <paramref name="at"/>.</summary>
    public (Instant Start, Instant End) Get(DateTimeZone zone, Instant at)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(zone) & (Slots - 1)];
        var version = Volatile.Read(ref slot.Version);
        if ((version & 1) == 0 && ReferenceEquals(Volatile.Read(ref slot.Zone), zone))
        {
            var start = Volatile.Read(ref slot.StartTicks);
            var end = Volatile.Read(ref slot.EndTicks);
            var ticks = at.ToUnixTimeTicks();

            // Whole-tick bounds: floor(at) < end ⇔ at < end, and floor(at) >= start ⇔ at >= start.
            if (Volatile.Read(ref slot.Version) == version && ticks >= start && ticks < end)
            {
                return (Instant.FromUnixTimeTicks(start), Instant.FromUnixTimeTicks(end));
            }
        }

        return Refresh(ref slot, zone, at);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Instant Start, Instant End) Refresh(ref Slot slot, DateTimeZone zone, Instant at)
    {
        var (start, end) = ProtectionDecider.LocalDayBounds(zone, at);
        var startTicks = start.ToUnixTimeTicks();
        var endTicks = end.ToUnixTimeTicks();
        var version = Volatile.Read(ref slot.Version);
        if (Instant.FromUnixTimeTicks(startTicks) == start && Instant.FromUnixTimeTicks(endTicks) == end &&
            (version & 1) == 0 && Interlocked.CompareExchange(ref slot.Version, version + 1, version) == version)
        {
            Volatile.Write(ref slot.Zone, zone);
            Volatile.Write(ref slot.StartTicks, startTicks);
            Volatile.Write(ref slot.EndTicks, endTicks);
            Volatile.Write(ref slot.Version, version + 2);
        }

        return (start, end);
    }

    private struct Slot
    {
        public int Version;
        public DateTimeZone? Zone;
        public long StartTicks;
        public long EndTicks;
    }
}

/// <summary>
/// One stripe's cache of local day bounds, read and written only under the stripe's lock: a hit compares the zone by
/// reference and two instants; a miss (once a day per zone) asks the ledger's <see cref="SharedDayBounds"/>.
/// </summary>
/// <remarks>
/// Slots are found by comparing zone references from the most recently used one (a ledger sees a handful of zones);
/// no identity hash is computed on the hot path.
/// </remarks>
internal sealed class DayBoundsCache(SharedDayBounds shared)
{
    private const int Slots = 8;
    private readonly Slot[] _slots = new Slot[Slots];
    private int _last;
    private int _next;

    /// <summary>A cache of its own (for tests).</summary>
    public DayBoundsCache()
        : this(new SharedDayBounds())
    {
    }

    /// <summary>The start (inclusive) and end (exclusive) of the day in <paramref name="zone"/> that contains <paramref name="at"/>.</summary>
    public (Instant Start, Instant End) Get(DateTimeZone zone, Instant at)
    {
        ref var last = ref _slots[_last];
        if (ReferenceEquals(last.Zone, zone) && at >= last.Start && at < last.End)
        {
            return (last.Start, last.End);
        }

        return GetSlow(zone, at);
    }

    private (Instant Start, Instant End) GetSlow(DateTimeZone zone, Instant at)
    {
        var index = -1;
        for (var i = 0; i < Slots; i++)
        {
            if (ReferenceEquals(_slots[i].Zone, zone))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            // A zone not seen yet takes the next slot in turn.
            index = _next;
            _next = (_next + 1) & (Slots - 1);
        }

        ref var slot = ref _slots[index];
        if (!ReferenceEquals(slot.Zone, zone) || at < slot.Start || at >= slot.End)
        {
            var (start, end) = shared.Get(zone, at);
            slot = new Slot(zone, start, end);
        }

        _last = index;
        return (slot.Start, slot.End);
    }

    private readonly record struct Slot(DateTimeZone? Zone, Instant Start, Instant End);
}
