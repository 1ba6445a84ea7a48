using System.Collections.Frozen;
using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The redial policy: given a call's outcome and the number's answering-machine stats, decides whether and when the
/// lead is dialed again (<see cref="Decide"/>); also places callbacks (<see cref="DecideCallback"/>) and deferrals
/// (<see cref="DecideDeferral"/>). Pure apart from the jitter's random source: it reads no store and no clock.
/// </summary>
/// <remarks>
/// <para>
/// The next attempt's time is the outcome instant plus the disposition's delay (by attempt number), plus a random
/// jitter in [0, max], then moved forward to the next daypart when rotation applies (in the callee's local time),
/// then moved forward to the next open instant of the calling-window service when one is given. It is therefore
/// never earlier than the outcome instant plus the configured delay.
/// </para>
/// <para>
/// The callee's zone (for dayparts) comes from the <see cref="ICalleeZoneResolver"/> when given (its strongest
/// candidate), else the request's <see cref="DialRequest.CalleeZoneId"/>, else <see cref="RedialOptions.FallbackZoneId"/>.
/// Thread-safe.
/// </para>
/// </remarks>
public sealed class RedialPolicy
{
    private readonly bool _enabled;
    private readonly int _maxPerLead;
    private readonly int _maxPerNumber;
    private readonly Duration[] _delays;
    private readonly Duration _maxJitter;
    private readonly bool _rotate;
    private readonly LocalTime[] _dayparts;
    private readonly DateTimeZone _fallbackZone;
    private readonly bool _callbacksEnabled;
    private readonly Duration _callbackDelay;
    private readonly bool _machineEnabled;
    private readonly int _machineThreshold;
    private readonly int _machineTotalThreshold;
    private readonly AnsweringMachineAction _machineAction;
    private readonly FrozenSet<string> _machineCodes;
    private readonly FrozenDictionary<string, Rule> _rules;
    private readonly ICallingWindow? _callingWindow;
    private readonly ICalleeZoneResolver? _zoneResolver;
    private readonly IDateTimeZoneProvider _zones;
    private readonly Random? _random;
    private readonly Lock _randomLock = new();

    /// <summary>Creates the policy; <paramref name="options"/> are validated (every error at once) and copied.</summary>
    /// <param name="options">The options.</param>
    /// <param name="callingWindow">When given, every scheduled time is moved to the next open instant.</param>
    /// <param name="zoneResolver">When given, the callee's zone for dayparts.</param>
    /// <param name="zones">The zone provider for zone ids; TZDB when null.</param>
    /// <param name="random">
    /// The jitter's random source (used under a lock). When null: a <see cref="Random"/> seeded with
    /// <see cref="RedialOptions.JitterSeed"/> when set, else <see cref="Random.Shared"/>.
    /// </param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public RedialPolicy(
        RedialOptions options,
        ICallingWindow? callingWindow = null,
        ICalleeZoneResolver? zoneResolver = null,
        IDateTimeZoneProvider? zones = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _zones = zones ?? DateTimeZoneProviders.Tzdb;
        RedialOptionsValidator.ThrowIfInvalid(options, _zones);
        _enabled = options.Enabled;
        _maxPerLead = options.MaxAttemptsPerLead;
        _maxPerNumber = options.MaxAttemptsPerNumber;
        _delays = ToDurations(options.Delays) ?? ToDurations([.. RedialOptions.DefaultDelays])!;
        _maxJitter = Duration.FromTimeSpan(options.MaxJitter);
        _rotate = options.RotateDayparts;
        _dayparts =
        [
            RedialOptionsValidator.TimeOfDay.Parse(options.Dayparts.MorningStart).Value,
            RedialOptionsValidator.TimeOfDay.Parse(options.Dayparts.AfternoonStart).Value,
            RedialOptionsValidator.TimeOfDay.Parse(options.Dayparts.EveningStart).Value,
            RedialOptionsValidator.TimeOfDay.Parse(options.Dayparts.EveningEnd).Value,
        ];
        _fallbackZone = _zones[options.FallbackZoneId];
        _callbacksEnabled = options.CallbacksEnabled;
        _callbackDelay = Duration.FromTimeSpan(options.CallbackDelay);
        var machine = options.AnsweringMachine;
        _machineEnabled = machine.Enabled;
        _machineThreshold = machine.Threshold;
        _machineTotalThreshold = machine.TotalThreshold;
        _machineAction = machine.Action;
        _machineCodes = machine.AdditionalMachineCodes.Append(Disposition.AnsweringMachine.Code).ToFrozenSet(StringComparer.Ordinal);
        _rules = options.Dispositions.ToFrozenDictionary(
            r => r.Key,
            r => new Rule(
                r.Value.Action,
                ToDurations(r.Value.Delays),
                r.Value.MaxAttemptsPerLead,
                r.Value.MaxAttemptsPerNumber,
                r.Value.MaxJitter is { } j ? Duration.FromTimeSpan(j) : null,
                r.Value.RotateDayparts),
            StringComparer.Ordinal);
        _callingWindow = callingWindow;
        _zoneResolver = zoneResolver;
        _random = random ?? (options.JitterSeed is { } seed ? new Random(seed) : null);
    }

    /// <summary>The calling-window service the policy defers to, if any.</summary>
    public ICallingWindow? CallingWindow => _callingWindow;

    /// <summary>Whether <paramref name="disposition"/> means an answering machine answered.</summary>
    public bool IsMachine(Disposition disposition) => _machineCodes.Contains(disposition.Code);

    /// <summary>The action configured (or defaulted by category) for <paramref name="disposition"/>.</summary>
    public RedialAction ActionFor(Disposition disposition)
    {
        if (disposition.IsUnknown)
        {
            return RedialAction.Stop;
        }

        return _rules.TryGetValue(disposition.Code, out var rule) && rule.Action is { } action
            ? action
            : disposition.Category switch
            {
                DispositionCategory.Retryable => RedialAction.Redial,
                DispositionCategory.Final => RedialAction.Terminal,
                _ => RedialAction.Stop,
            };
    }

    /// <summary>
    /// Decides what follows <paramref name="outcome"/>. <paramref name="numberStats"/> are the number's stats with
    /// this outcome already recorded (as <see cref="IAnsweringMachineTracker.RecordAsync"/> returns them).
    /// </summary>
    public RedialDecision Decide(CallOutcome outcome, AnsweringMachineStats numberStats)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var request = outcome.Request;
        var attempt = RedialCallIds.ParseAttempt(request.CallId);
        var disposition = outcome.Disposition;
        if (!_enabled)
        {
            return RedialDecision.Stop(RedialReasons.Disabled);
        }

        if (disposition == Disposition.CallbackRequested && _callbacksEnabled)
        {
            return DecideCallback(request, outcome.CallbackAt ?? outcome.OccurredAt + _callbackDelay, outcome.OccurredAt);
        }

        if (disposition.IsUnknown)
        {
            return RedialDecision.Stop(RedialReasons.UnknownOutcome);
        }

        switch (ActionFor(disposition))
        {
            case RedialAction.Terminal:
                return RedialDecision.Terminal(RedialReasons.TerminalDisposition);
            case RedialAction.Stop:
                return RedialDecision.Stop(RedialReasons.NotRedialed);
        }

        _rules.TryGetValue(disposition.Code, out var rule);
        if (attempt >= (rule?.MaxPerLead ?? _maxPerLead))
        {
            return RedialDecision.Stop(RedialReasons.MaxAttemptsPerLead);
        }

        if (numberStats.TotalOutcomes >= (rule?.MaxPerNumber ?? _maxPerNumber))
        {
            return RedialDecision.Stop(RedialReasons.MaxAttemptsPerNumber);
        }

        var flags = RedialFlags.None;
        var rotate = rule?.Rotate ?? _rotate;
        if (_machineEnabled && IsMachine(disposition) && MachineThresholdReached(numberStats, 0))
        {
            switch (_machineAction)
            {
                case AnsweringMachineAction.Stop:
                    return RedialDecision.Stop(RedialReasons.AnsweringMachine);
                case AnsweringMachineAction.LeaveVoicemail:
                    if (MachineThresholdReached(numberStats, 1))
                    {
                        // The voicemail attempt reached a machine too: the message is left, stop.
                        return RedialDecision.Stop(RedialReasons.AnsweringMachine);
                    }

                    flags |= RedialFlags.LeaveVoicemail;
                    break;
                default:
                    rotate = true;
                    break;
            }
        }

        var delays = rule?.Delays ?? _delays;
        var dueAt = outcome.OccurredAt + delays[Math.Min(attempt - 1, delays.Length - 1)] + Jitter(rule?.MaxJitter ?? _maxJitter);
        var next = Copy(request, RedialCallIds.ForAttempt(request.CallId, attempt + 1), isCallback: false);
        if (rotate)
        {
            dueAt = NextInFollowingDaypart(next, outcome.OccurredAt, dueAt);
        }

        if (_callingWindow is not null)
        {
            if (_callingWindow.NextOpen(next, dueAt) is not { } open)
            {
                return RedialDecision.Stop(RedialReasons.NoOpenWindow);
            }

            dueAt = open;
        }

        return RedialDecision.Schedule(next, DueDialKind.Redial, attempt + 1, dueAt, flags, RedialReasons.Scheduled);
    }

    /// <summary>
    /// Decides a callback the callee asked for at <paramref name="requestedAt"/> after the call
    /// <paramref name="request"/>: the next attempt of its chain, flagged <see cref="DialRequest.IsCallback"/>, due at the
    /// requested time (not before <paramref name="notBefore"/>), moved to the next open instant when a calling-window
    /// service is given. Callbacks are not limited by the attempt caps: the callee asked for them.
    /// </summary>
    public RedialDecision DecideCallback(DialRequest request, Instant requestedAt, Instant notBefore)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempt = RedialCallIds.ParseAttempt(request.CallId);
        var next = Copy(request, RedialCallIds.ForAttempt(request.CallId, attempt + 1), isCallback: true);
        var dueAt = requestedAt < notBefore ? notBefore : requestedAt;
        if (_callingWindow is not null)
        {
            if (_callingWindow.NextOpen(next, dueAt) is not { } open)
            {
                return RedialDecision.Stop(RedialReasons.NoOpenWindow);
            }

            dueAt = open;
        }

        return RedialDecision.Schedule(next, DueDialKind.Callback, attempt + 1, dueAt, RedialFlags.None, RedialReasons.Callback);
    }

    /// <summary>
    /// Decides whether a request denied at admission goes to the queue (the "request queue"): only when every
    /// reason is a <see cref="DenialCategory.CallingWindow"/> reason and the decision names when it is next eligible.
    /// The same request (same call id: no attempt was made) is then due at <see cref="AdmissionDecision.NextEligibleAt"/>.
    /// </summary>
    public static RedialDecision DecideDeferral(DialRequest request, AdmissionDecision decision)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (decision.IsAllowed || !decision.Reasons.AllOf(DenialCategory.CallingWindow) || decision.NextEligibleAt is not { } next)
        {
            return RedialDecision.Stop(RedialReasons.NotDeferrable);
        }

        return RedialDecision.Schedule(request, DueDialKind.Deferred, RedialCallIds.ParseAttempt(request.CallId), next, RedialFlags.None, RedialReasons.Deferred);
    }

    /// <summary>The callee's zone used for dayparts.</summary>
    public DateTimeZone ResolveZone(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_zoneResolver is not null)
        {
            var candidates = _zoneResolver.Resolve(request);
            if (candidates.Count > 0)
            {
                return candidates[0].Zone;
            }
        }

        return request.CalleeZoneId is { } id && _zones.GetZoneOrNull(id) is { } zone ? zone : _fallbackZone;
    }

    /// <summary>
    /// The daypart (0 morning, 1 afternoon, 2 evening) <paramref name="at"/> falls in for the callee of
    /// <paramref name="request"/>, or -1 when outside every daypart.
    /// </summary>
    public int DaypartOf(DialRequest request, Instant at)
    {
        var time = at.InZone(ResolveZone(request)).TimeOfDay;
        for (var i = 0; i < 3; i++)
        {
            if (time >= _dayparts[i] && time < _dayparts[i + 1])
            {
                return i;
            }
        }

        return -1;
    }

    private bool MachineThresholdReached(AnsweringMachineStats stats, int beyond) =>
        stats.ConsecutiveMachines >= _machineThreshold + beyond ||
        (_machineTotalThreshold > 0 && stats.TotalMachines >= _machineTotalThreshold + beyond);

    private Instant NextInFollowingDaypart(DialRequest request, Instant last, Instant earliest)
    {
        var zone = ResolveZone(request);
        var lastPart = DaypartOf(request, last);
        var date = earliest.InZone(zone).Date;
        for (var day = 0; day < 3; day++, date = date.PlusDays(1))
        {
            for (var part = 0; part < 3; part++)
            {
                if (lastPart >= 0 && part != (lastPart + 1) % 3)
                {
                    continue;
                }

                var start = zone.AtLeniently(date + _dayparts[part]).ToInstant();
                var end = zone.AtLeniently(date + _dayparts[part + 1]).ToInstant();
                var candidate = start < earliest ? earliest : start;
                if (candidate < end)
                {
                    return candidate;
                }
            }
        }

        return earliest;
    }

    private Duration Jitter(Duration max)
    {
        if (max <= Duration.Zero)
        {
            return Duration.Zero;
        }

        var ticks = max.BclCompatibleTicks;
        if (_random is null)
        {
            return Duration.FromTicks(Random.Shared.NextInt64(0, ticks + 1));
        }

        lock (_randomLock)
        {
            return Duration.FromTicks(_random.NextInt64(0, ticks + 1));
        }
    }

    private static Duration[]? ToDurations(List<TimeSpan> delays) =>
        delays.Count == 0 ? null : delays.Select(Duration.FromTimeSpan).ToArray();

    private static DialRequest Copy(DialRequest request, string callId, bool isCallback) =>
        new(callId, request.LeadId, request.Phone, request.ClientId, request.CampaignId)
        {
            CalleeZoneId = request.CalleeZoneId,
            RegionCode = request.RegionCode,
            PostalCode = request.PostalCode,
            SubjectKey = request.SubjectKey,
            IsCallback = isCallback,
        };

    private sealed record Rule(RedialAction? Action, Duration[]? Delays, int? MaxPerLead, int? MaxPerNumber, Duration? MaxJitter, bool? Rotate);
}
