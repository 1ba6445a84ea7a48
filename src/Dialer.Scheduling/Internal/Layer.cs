using Dialer.Core;
using NodaTime;

namespace Dialer.Scheduling.Internal;

/// <summary>What a layer answers at an instant.</summary>
internal enum LayerState
{
    Open = 0,
    Closed = 1,
    Blocked = 2,
    Disabled = 3,
}

/// <summary>
/// One calling-window layer (a business schedule, the legal hours, one jurisdiction rule): weekly local ranges,
/// blocked dates, effective dates, and the reasons it gives. Evaluated in one zone (<see cref="FixedZone"/>, or each
/// callee zone candidate when it is null).
/// </summary>
/// <remarks>
/// Semantics, shared exactly by <see cref="Evaluate"/>, <see cref="NextOpen"/> and <see cref="NextClose"/>: on local
/// date <c>d</c> each range <c>[s, e)</c> covers the instants <c>[R(d, s), R(d, e))</c>, where <c>R</c> maps a local
/// time to an instant (<see cref="ZoneTable.Resolve"/>: skipped → forward to the end of the gap; ambiguous → the
/// earlier occurrence). A blocked date covers nothing; a date outside the effective dates covers the whole day.
/// </remarks>
internal sealed class Layer
{
    public Layer(
        WeekRanges week,
        DaySet? blocked,
        long fromDay,
        long toDay,
        bool disabled,
        ZoneTable? fixedZone,
        DenialReason closedReason,
        DenialReason blockedReason)
    {
        Week = week;
        Blocked = blocked is { IsEmpty: false } ? blocked : null;
        FromDay = fromDay;
        ToDay = toDay;
        Disabled = disabled;
        FixedZone = fixedZone;
        ClosedReason = closedReason;
        BlockedReason = blockedReason;
    }

    public WeekRanges Week { get; }

    public DaySet? Blocked { get; }

    public long FromDay { get; }

    public long ToDay { get; }

    public bool Disabled { get; }

    public ZoneTable? FixedZone { get; }

    /// <summary>Template (ClearsAt unset) for "outside the hours".</summary>
    public DenialReason ClosedReason { get; }

    /// <summary>Template (ClearsAt unset) for "a blocked date" (blackout or holiday ban).</summary>
    public DenialReason BlockedReason { get; }

    public DenialReason ReasonFor(LayerState state, Instant? clearsAt)
    {
        var template = state == LayerState.Blocked ? BlockedReason : ClosedReason;
        return new DenialReason(template.Category, template.Code, template.Message, state == LayerState.Disabled ? null : clearsAt);
    }

    private bool InEffect(long day) => day >= FromDay && day <= ToDay;

    public LayerState Evaluate(ZoneTable zone, long t)
    {
        if (Disabled)
        {
            return LayerState.Disabled;
        }

        var index = zone.Find(t);
        var local = t + zone.OffsetAt(index);
        var day = TimeMath.FloorDiv(local, TimeMath.TicksPerDay);
        var midnight = day * TimeMath.TicksPerDay;
        if (zone.IsSimpleDay(index, midnight))
        {
            if (!InEffect(day))
            {
                return LayerState.Open;
            }

            if (Blocked is not null && Blocked.Contains(day))
            {
                return LayerState.Blocked;
            }

            return Week.Contains(TimeMath.WeekdayIndex(day), local - midnight) ? LayerState.Open : LayerState.Closed;
        }

        // Near a transition: check the intervals of the day and its neighbours in instant space.
        for (var d = day - 1; d <= day + 1; d++)
        {
            if (Covering(zone, d, t, out _, out _))
            {
                return LayerState.Open;
            }
        }

        return InEffect(day) && Blocked is not null && Blocked.Contains(day) ? LayerState.Blocked : LayerState.Closed;
    }

    /// <summary>The earliest instant ≥ <paramref name="t"/> (and ≤ <paramref name="limit"/>) at which the layer is open, or <see cref="long.MaxValue"/>.</summary>
    public long NextOpen(ZoneTable zone, long t, long limit)
    {
        if (Disabled)
        {
            return long.MaxValue;
        }

        var day = TimeMath.FloorDiv(t + zone.Offset(t), TimeMath.TicksPerDay);
        var lastDay = TimeMath.FloorDiv(limit + zone.Offset(limit), TimeMath.TicksPerDay) + 1;
        for (var d = day - 1; d <= lastDay; d++)
        {
            if (FirstEndingAfter(zone, d, t, out var start, out _))
            {
                var result = Math.Max(start, t);
                return result <= limit ? result : long.MaxValue;
            }
        }

        return long.MaxValue;
    }

    /// <summary>For an instant at which the layer is open: the end of the interval holding it.</summary>
    public long NextClose(ZoneTable zone, long t)
    {
        var day = TimeMath.FloorDiv(t + zone.Offset(t), TimeMath.TicksPerDay);
        for (var d = day - 1; d <= day + 1; d++)
        {
            if (Covering(zone, d, t, out _, out var end))
            {
                return end;
            }
        }

        return t;
    }

    private bool Covering(ZoneTable zone, long d, long t, out long start, out long end)
    {
        if (FirstEndingAfter(zone, d, t, out start, out end) && start <= t)
        {
            return true;
        }

        return false;
    }

    /// <summary>The first interval of local date <paramref name="d"/> that ends after <paramref name="t"/>.</summary>
    private bool FirstEndingAfter(ZoneTable zone, long d, long t, out long start, out long end)
    {
        var midnight = d * TimeMath.TicksPerDay;
        if (!InEffect(d))
        {
            start = zone.Resolve(midnight);
            end = zone.Resolve(midnight + TimeMath.TicksPerDay);
            return end > t && start < end;
        }

        if (Blocked is not null && Blocked.Contains(d))
        {
            start = end = 0;
            return false;
        }

        var ranges = Week.Day(TimeMath.WeekdayIndex(d));
        for (var i = 0; i < ranges.Length; i += 2)
        {
            end = zone.Resolve(midnight + ranges[i + 1]);
            if (end <= t)
            {
                continue;
            }

            start = zone.Resolve(midnight + ranges[i]);
            if (start < end)
            {
                return true;
            }
        }

        start = end = 0;
        return false;
    }
}

/// <summary>A layer bound to the zone it is evaluated in.</summary>
internal readonly struct BoundLayer(Layer layer, ZoneTable zone)
{
    public Layer Layer { get; } = layer;

    public ZoneTable Zone { get; } = zone;
}
