using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Redial.Tests.Policy;

/// <summary>Invariants of <see cref="RedialPolicy.Decide"/> over random configurations, histories and windows.</summary>
public sealed class RedialPolicyProperties
{
    private static readonly Disposition[] Retryable =
        [Disposition.NoAnswer, Disposition.Busy, Disposition.Failed, Disposition.Abandoned, Disposition.AnsweringMachine];

    private static readonly Gen<Scenario> Scenarios =
        from disposition in Gen.Elements(Retryable)
        from attempt in Gen.Choose(1, 10)
        from minutes in Gen.Choose(0, 60 * 24 * 400)
        from delays in Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 3000), n))
        from jitterMinutes in Gen.Elements(0, 0, 1, 30, 240)
        from seed in Gen.Choose(0, 10_000)
        from rotate in Gen.Elements(false, true)
        from zone in Gen.Elements("America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe")
        from maxPerLead in Gen.Choose(1, 8)
        from maxPerNumber in Gen.Choose(1, 12)
        from outcomes in Gen.Choose(1, 14)
        from consecutive in Gen.Choose(0, 5)
        from machineAction in Gen.Elements(AnsweringMachineAction.Stop, AnsweringMachineAction.LeaveVoicemail, AnsweringMachineAction.ChangeDaypart)
        from window in Gen.Choose(0, 22).SelectMany(open => Gen.Choose(open + 1, 23).Select(close => (open, close)))
        from closedDay in Gen.Elements(0, 0, 6, 7)
        select new Scenario(disposition, attempt, RedialTestData.T0 + Duration.FromMinutes(minutes), delays, jitterMinutes, seed, rotate, zone,
            maxPerLead, maxPerNumber, outcomes, Math.Min(consecutive, outcomes), machineAction, window.open, window.close, closedDay);

    [Property(MaxTest = 400)]
    public Property Decide_ScheduledRedial_IsNeverEarlierThanOutcomePlusConfiguredDelay() =>
        Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var decision = s.Run(withWindow: s.ClosedDay % 2 == 0);
            var delay = Duration.FromMinutes(s.Delays[Math.Min(s.Attempt - 1, s.Delays.Length - 1)]);
            return !decision.IsScheduled || decision.DueAt.Value >= s.OccurredAt + delay;
        });

    [Property(MaxTest = 400)]
    public Property Decide_ScheduledRedial_IsNeverPastTheAttemptLimits() =>
        Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var decision = s.Run(withWindow: false);
            return !decision.IsScheduled ||
                   (decision.Attempt == s.Attempt + 1 && decision.Attempt <= s.MaxPerLead && s.Outcomes < s.MaxPerNumber);
        });

    [Property(MaxTest = 400)]
    public Property Decide_ScheduledRedialsAndNothingElse_StopAtTheAttemptLimits() =>
        Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var decision = s.Run(withWindow: false);
            var withinLimits = s.Attempt < s.MaxPerLead && s.Outcomes < s.MaxPerNumber;
            return decision.IsScheduled || !withinLimits || decision.Reason == RedialReasons.AnsweringMachine;
        });

    [Property(MaxTest = 400)]
    public Property Decide_WithCallingWindow_ScheduledRedialIsInsideAnOpenWindow() =>
        Prop.ForAll(Scenarios.ToArbitrary(), s =>
        {
            var window = s.Window();
            var decision = s.Run(window);
            return !decision.IsScheduled || window.IsOpen(decision.Request, decision.DueAt.Value);
        });

    [Property(MaxTest = 200)]
    public Property Decide_Callback_IsDueAtTheRequestedTimeOrTheNextOpenInstantAfterIt() =>
        Prop.ForAll(Scenarios.ToArbitrary(), Gen.Choose(-600, 60 * 24 * 10).ToArbitrary(), (s, offset) =>
        {
            var window = s.Window();
            var requested = s.OccurredAt + Duration.FromMinutes(offset);
            var outcome = new CallOutcome(RedialTestData.Request(RedialCallIds.ForAttempt("c", s.Attempt), zone: s.Zone), Disposition.CallbackRequested, s.OccurredAt) { CallbackAt = requested };
            var decision = new RedialPolicy(s.Options(), window).Decide(outcome, RedialTestData.Stats(s.Outcomes));
            var earliest = requested < s.OccurredAt ? s.OccurredAt : requested;
            return decision.IsScheduled && decision.Kind == DueDialKind.Callback && decision.Request.IsCallback &&
                   decision.DueAt.Value >= earliest && window.IsOpen(decision.Request, decision.DueAt.Value) &&
                   decision.DueAt.Value == window.NextOpen(decision.Request, earliest);
        });

    internal sealed record Scenario(
        Disposition Disposition,
        int Attempt,
        Instant OccurredAt,
        int[] Delays,
        int JitterMinutes,
        int Seed,
        bool Rotate,
        string Zone,
        int MaxPerLead,
        int MaxPerNumber,
        int Outcomes,
        int Consecutive,
        AnsweringMachineAction MachineAction,
        int OpenHour,
        int CloseHour,
        int ClosedDay)
    {
        public RedialOptions Options()
        {
            var o = new RedialOptions
            {
                Delays = [.. Delays.Select(m => TimeSpan.FromMinutes(m))],
                MaxJitter = TimeSpan.FromMinutes(JitterMinutes),
                JitterSeed = Seed,
                RotateDayparts = Rotate,
                MaxAttemptsPerLead = MaxPerLead,
                MaxAttemptsPerNumber = MaxPerNumber,
            };
            o.AnsweringMachine.Action = MachineAction;
            return o;
        }

        public FakeCallingWindow Window() =>
            ClosedDay == 0
                ? new FakeCallingWindow(OpenHour, CloseHour, Zone)
                : new FakeCallingWindow(OpenHour, CloseHour, Zone, (IsoDayOfWeek)ClosedDay);

        public RedialDecision Run(bool withWindow) => Run(withWindow ? Window() : null);

        public RedialDecision Run(ICallingWindow? window)
        {
            var outcome = new CallOutcome(RedialTestData.Request(RedialCallIds.ForAttempt("c", Attempt), zone: Zone), Disposition, OccurredAt);
            var machines = Disposition == Dialer.Core.Disposition.AnsweringMachine ? Math.Max(Consecutive, 1) : 0;
            var stats = new AnsweringMachineStats(outcome.Request.Phone, machines, machines, Math.Max(Outcomes, machines), OccurredAt);
            return new RedialPolicy(Options(), window).Decide(outcome, stats);
        }

        public override string ToString() =>
            $"{Disposition} #{Attempt} at {OccurredAt} delays=[{string.Join(",", Delays)}]m jitter={JitterMinutes}m seed={Seed} rotate={Rotate} zone={Zone} " +
            $"max={MaxPerLead}/{MaxPerNumber} outcomes={Outcomes} consecutive={Consecutive} machine={MachineAction} window=[{OpenHour},{CloseHour}) closed={ClosedDay}";
    }
}
