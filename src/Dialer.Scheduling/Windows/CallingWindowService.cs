using System.Diagnostics.Metrics;
using Dialer.Core;
using Dialer.Scheduling.Internal;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// The calling-window service (<see cref="ICallingWindowEvaluator"/>, Core's <see cref="ICallingWindow"/>): is calling
/// open for this request at this instant, every reason it is not, and when it next opens.
/// </summary>
/// <remarks>
/// <para>
/// Layers, all of which must be open: the business schedule in its own zone (the campaign's, else the client's, else
/// <see cref="SchedulingOptions.DefaultSchedule"/>; none when no schedule applies); the callee-local legal hours; and
/// every jurisdiction rule of the callee's regions (the host's region and the one its area code presumes), each in every
/// candidate zone from <see cref="CalleeZoneResolver"/> or in the rule's fixed reference zone. A callback
/// (<see cref="DialRequest.IsCallback"/>) skips the schedule's hours (not its blackout dates) when the schedule enables
/// callbacks; legal and jurisdiction hours always apply.
/// </para>
/// <para>
/// DST: on each local date a range <c>[start, end)</c> covers the instants from the mapped start to the mapped end,
/// where a local time skipped by a forward transition maps to the first instant after the gap (the edge moves forward)
/// and a local time that occurs twice maps to its earlier occurrence. Zone data is precomputed per zone for 1900–2200.
/// </para>
/// <para>Thread-safe. <see cref="IsOpen(DialRequest, Instant)"/> and an open <see cref="Evaluate(DialRequest, Instant)"/> allocate nothing once the request's zone or prefix is cached.</para>
/// </remarks>
public sealed class CallingWindowService : ICallingWindowEvaluator
{
    private const int MaxIterations = 100_000;
    private static readonly Duration s_maxRange = Duration.FromDays(SchedulingOptions.MaxHorizonDays * 4);

    private readonly CompiledScheduling _c;
    private readonly TimeProvider _timeProvider;
    private readonly long _horizonTicks;

    /// <summary>Creates the service from options (validated here: every problem is reported at once; the options are copied).</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public CallingWindowService(SchedulingOptions options, IDateTimeZoneProvider? zoneProvider = null, TimeProvider? timeProvider = null)
        : this(new CalleeZoneResolver(options, zoneProvider), timeProvider)
    {
    }

    /// <summary>Creates the service over a resolver (which carries the compiled options); used by DI.</summary>
    public CallingWindowService(CalleeZoneResolver zoneResolver, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(zoneResolver);
        ZoneResolver = zoneResolver;
        _c = zoneResolver.Compiled;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _horizonTicks = _c.Horizon.BclCompatibleTicks;
    }

    /// <summary>The resolver of callee zones this service evaluates with.</summary>
    public CalleeZoneResolver ZoneResolver { get; }

    /// <inheritdoc/>
    public Duration Horizon => _c.Horizon;

    /// <summary>Evaluates the window for <paramref name="request"/> now (the injected <see cref="TimeProvider"/>).</summary>
    public CallingWindowEvaluation Evaluate(DialRequest request) => Evaluate(request, _timeProvider.GetCurrentInstant());

    /// <inheritdoc/>
    public bool IsOpen(DialRequest request, Instant at)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = ZoneResolver.ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value);
        return IsOpenCore(SelectBusiness(request.CampaignId, request.ClientId, request.IsCallback), set, Ticks(at));
    }

    /// <summary>Whether every layer is open for an explicit location at <paramref name="at"/>.</summary>
    public bool IsOpen(CallingWindowQuery query, Instant at)
    {
        ArgumentNullException.ThrowIfNull(query);
        var set = ZoneResolver.ResolveSet(query.ZoneId, query.RegionCode, query.PostalCode, query.Phone.Value);
        return IsOpenCore(SelectBusiness(query.CampaignId, query.ClientId, query.IsCallback), set, Ticks(at));
    }

    /// <inheritdoc/>
    public Instant? NextOpen(DialRequest request, Instant from)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = ZoneResolver.ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value);
        return ToInstant(NextOpenCore(SelectBusiness(request.CampaignId, request.ClientId, request.IsCallback), set, Ticks(from), Limit(from)));
    }

    /// <inheritdoc/>
    public Instant? NextOpen(CallingWindowQuery query, Instant from)
    {
        ArgumentNullException.ThrowIfNull(query);
        var set = ZoneResolver.ResolveSet(query.ZoneId, query.RegionCode, query.PostalCode, query.Phone.Value);
        return ToInstant(NextOpenCore(SelectBusiness(query.CampaignId, query.ClientId, query.IsCallback), set, Ticks(from), Limit(from)));
    }

    /// <inheritdoc/>
    public CallingWindowEvaluation Evaluate(DialRequest request, Instant at)
    {
        ArgumentNullException.ThrowIfNull(request);
        var set = ZoneResolver.ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value);
        return EvaluateCore(SelectBusiness(request.CampaignId, request.ClientId, request.IsCallback), set, at);
    }

    /// <inheritdoc/>
    public CallingWindowEvaluation Evaluate(CallingWindowQuery query, Instant at)
    {
        ArgumentNullException.ThrowIfNull(query);
        var set = ZoneResolver.ResolveSet(query.ZoneId, query.RegionCode, query.PostalCode, query.Phone.Value);
        return EvaluateCore(SelectBusiness(query.CampaignId, query.ClientId, query.IsCallback), set, at);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Interval> OpenIntervals(DialRequest request, Instant from, Instant to)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckRange(from, to);
        var set = ZoneResolver.ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value);
        return OpenIntervalsCore(SelectBusiness(request.CampaignId, request.ClientId, request.IsCallback), set, from, to);
    }

    /// <inheritdoc/>
    public IReadOnlyList<Interval> OpenIntervals(CallingWindowQuery query, Instant from, Instant to)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckRange(from, to);
        var set = ZoneResolver.ResolveSet(query.ZoneId, query.RegionCode, query.PostalCode, query.Phone.Value);
        return OpenIntervalsCore(SelectBusiness(query.CampaignId, query.ClientId, query.IsCallback), set, from, to);
    }

    private static long Ticks(Instant at)
    {
        var ticks = at.ToUnixTimeTicks();
        if ((ulong)(ticks - s_minTicks) >= (ulong)(s_maxTicks - s_minTicks))
        {
            ThrowOutOfRange(at);
        }

        return ticks;
    }

    private static void ThrowOutOfRange(Instant at) =>
        throw new ArgumentOutOfRangeException(nameof(at), at, $"Calling windows are computed for instants in [{s_min}, {s_max}).");

    private static readonly Instant s_min = Instant.FromUtc(ZoneTable.MinYear + 1, 1, 1, 0, 0);
    private static readonly Instant s_max = Instant.FromUtc(ZoneTable.MaxYear - 1, 1, 1, 0, 0);
    private static readonly long s_minTicks = s_min.ToUnixTimeTicks();
    private static readonly long s_maxTicks = s_max.ToUnixTimeTicks();

    private long Limit(Instant from) => Ticks(from) + _horizonTicks;

    private static Instant? ToInstant(long ticks) => ticks == long.MaxValue ? null : Instant.FromUnixTimeTicks(ticks);

    private static void CheckRange(Instant from, Instant to)
    {
        if (to < from)
        {
            throw new ArgumentException($"to ({to}) precedes from ({from}).", nameof(to));
        }

        if (to - from > s_maxRange)
        {
            throw new ArgumentException($"The range from {from} to {to} is longer than {s_maxRange.Days} days.", nameof(to));
        }
    }

    private Layer? SelectBusiness(string campaignId, string clientId, bool isCallback)
    {
        CompiledSchedule? schedule = null;
        if (_c.CampaignSchedules.Count != 0)
        {
            _c.CampaignSchedules.TryGetValue(campaignId, out schedule);
        }

        if (schedule is null && _c.ClientSchedules.Count != 0)
        {
            _c.ClientSchedules.TryGetValue(clientId, out schedule);
        }

        schedule ??= _c.DefaultSchedule;
        if (schedule is null)
        {
            return null;
        }

        return isCallback && schedule.CallbackLayer is not null ? schedule.CallbackLayer : schedule.Layer;
    }

    private static bool IsOpenCore(Layer? business, CandidateSet set, long t)
    {
        if (business is not null && business.Evaluate(business.FixedZone!, t) != LayerState.Open)
        {
            return false;
        }

        foreach (var bound in set.Layers)
        {
            if (bound.Layer.Evaluate(bound.Zone, t) != LayerState.Open)
            {
                return false;
            }
        }

        return true;
    }

    private CallingWindowEvaluation EvaluateCore(Layer? business, CandidateSet set, Instant at)
    {
        var t = Ticks(at);
        if (IsOpenCore(business, set, t))
        {
            return new CallingWindowEvaluation(at, true, DenialReasonList.Empty, at);
        }

        SchedulingMetrics.Closed.Add(1);
        var next = ToInstant(NextOpenCore(business, set, t, t + _horizonTicks));
        DenialReason first = default;
        DenialReason[]? many = null;
        var count = 0;
        if (business is not null)
        {
            var state = business.Evaluate(business.FixedZone!, t);
            if (state != LayerState.Open)
            {
                Collect(business.ReasonFor(state, next), ref first, ref many, ref count);
            }
        }

        foreach (var bound in set.Layers)
        {
            var state = bound.Layer.Evaluate(bound.Zone, t);
            if (state != LayerState.Open)
            {
                Collect(bound.Layer.ReasonFor(state, next), ref first, ref many, ref count);
            }
        }

        var reasons = count == 1 ? new DenialReasonList(first) : new DenialReasonList(many![..count]);
        return new CallingWindowEvaluation(at, false, reasons, next);
    }

    private static void Collect(DenialReason reason, ref DenialReason first, ref DenialReason[]? many, ref int count)
    {
        if (count == 0)
        {
            first = reason;
            count = 1;
            return;
        }

        if (first == reason)
        {
            return;
        }

        if (many is null)
        {
            many = new DenialReason[8];
            many[0] = first;
        }

        for (var i = 1; i < count; i++)
        {
            if (many[i] == reason)
            {
                return;
            }
        }

        if (count == many.Length)
        {
            Array.Resize(ref many, count * 2);
        }

        many[count++] = reason;
    }

    private static long NextOpenCore(Layer? business, CandidateSet set, long t, long limit)
    {
        var c = t;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var moved = false;
            if (business is not null)
            {
                var n = business.NextOpen(business.FixedZone!, c, limit);
                if (n == long.MaxValue)
                {
                    return long.MaxValue;
                }

                if (n > c)
                {
                    c = n;
                    moved = true;
                }
            }

            foreach (var bound in set.Layers)
            {
                var n = bound.Layer.NextOpen(bound.Zone, c, limit);
                if (n == long.MaxValue)
                {
                    return long.MaxValue;
                }

                if (n > c)
                {
                    c = n;
                    moved = true;
                }
            }

            if (!moved)
            {
                return c;
            }
        }

        return long.MaxValue;
    }

    private static long NextCloseCore(Layer? business, CandidateSet set, long t)
    {
        var close = long.MaxValue;
        if (business is not null)
        {
            close = Math.Min(close, business.NextClose(business.FixedZone!, t));
        }

        foreach (var bound in set.Layers)
        {
            close = Math.Min(close, bound.Layer.NextClose(bound.Zone, t));
        }

        return close;
    }

    private static List<Interval> OpenIntervalsCore(Layer? business, CandidateSet set, Instant from, Instant to)
    {
        var result = new List<Interval>();
        var end = Ticks(to);
        var c = Ticks(from);
        while (c < end)
        {
            var open = NextOpenCore(business, set, c, end);
            if (open == long.MaxValue || open >= end)
            {
                break;
            }

            var close = Math.Min(NextCloseCore(business, set, open), end);
            if (result.Count > 0 && result[^1].End.ToUnixTimeTicks() == open)
            {
                result[^1] = new Interval(result[^1].Start, Instant.FromUnixTimeTicks(close));
            }
            else
            {
                result.Add(new Interval(Instant.FromUnixTimeTicks(open), Instant.FromUnixTimeTicks(close)));
            }

            c = close;
        }

        return result;
    }
}

/// <summary>The package's metrics (meter <c>Dialer.Scheduling</c>).</summary>
internal static class SchedulingMetrics
{
    public static readonly Meter Meter = new("Dialer.Scheduling");

    public static readonly Counter<long> Closed = Meter.CreateCounter<long>(
        "dialer.scheduling.closed_evaluations",
        unit: "{evaluation}",
        description: "Calling-window evaluations that found calling closed.");
}
