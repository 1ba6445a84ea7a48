using Dialer.Core;
using NodaTime;
using static Dialer.Redial.Tests.RedialTestData;

namespace Dialer.Redial.Tests.Policy;

public sealed class RedialPolicyTests
{
    private static readonly Disposition Unknownish = Disposition.Custom("provider_timeout", DispositionCategory.Unknown);

    [Fact]
    public void Decide_NoAnswerOnFirstAttempt_SchedulesSecondAttemptAfterFirstDelay()
    {
        var decision = MakePolicy().Decide(Outcome(Disposition.NoAnswer), Stats());

        Assert.Equal(RedialVerdict.Schedule, decision.Verdict);
        Assert.Equal(RedialReasons.Scheduled, decision.Reason);
        Assert.Equal(DueDialKind.Redial, decision.Kind);
        Assert.Equal(2, decision.Attempt);
        Assert.Equal(T0 + Duration.FromMinutes(15), decision.DueAt);
        Assert.Equal("call-1/r2", decision.Request!.CallId);
        Assert.Equal(RedialFlags.None, decision.Flags);
    }

    [Fact]
    public void Decide_ScheduledRequest_CarriesEveryFieldOfTheOriginal()
    {
        var outcome = Outcome(Disposition.Busy, zone: "America/Chicago");

        var next = MakePolicy().Decide(outcome, Stats()).Request!;

        var original = outcome.Request;
        Assert.Equal(original.LeadId, next.LeadId);
        Assert.Equal(original.Phone, next.Phone);
        Assert.Equal(original.ClientId, next.ClientId);
        Assert.Equal(original.CampaignId, next.CampaignId);
        Assert.Equal("America/Chicago", next.CalleeZoneId);
        Assert.Equal(original.RegionCode, next.RegionCode);
        Assert.Equal(original.PostalCode, next.PostalCode);
        Assert.Equal(original.SubjectKey, next.SubjectKey);
        Assert.False(next.IsCallback);
    }

    [Theory]
    [InlineData("call-1", 15)]
    [InlineData("call-1/r2", 60)]
    [InlineData("call-1/r3", 240)]
    [InlineData("call-1/r4", 1440)]
    [InlineData("call-1/r5", 1440)]
    public void Decide_DefaultDelaySequence_UsesTheDelayOfTheAttemptAndRepeatsTheLast(string callId, int minutes)
    {
        var policy = MakePolicy(o => o.MaxAttemptsPerLead = 10);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer, callId: callId), Stats());

        Assert.Equal(T0 + Duration.FromMinutes(minutes), decision.DueAt);
        Assert.Equal(RedialCallIds.ParseAttempt(callId) + 1, decision.Attempt);
        Assert.Equal(RedialCallIds.ForAttempt("call-1", decision.Attempt), decision.Request!.CallId);
    }

    [Fact]
    public void Decide_ConfiguredDelays_ReplaceTheDefaults()
    {
        var policy = MakePolicy(o => o.Delays = [TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(7)]);

        Assert.Equal(T0 + Duration.FromMinutes(2), policy.Decide(Outcome(Disposition.NoAnswer), Stats()).DueAt);
        Assert.Equal(T0 + Duration.FromMinutes(7), policy.Decide(Outcome(Disposition.NoAnswer, callId: "call-1/r2"), Stats()).DueAt);
        Assert.Equal(T0 + Duration.FromMinutes(7), policy.Decide(Outcome(Disposition.NoAnswer, callId: "call-1/r3"), Stats()).DueAt);
    }

    [Fact]
    public void Decide_PerCodeDelays_OverrideTheGeneralOnesForThatCodeOnly()
    {
        var policy = MakePolicy(o => o.Dispositions["busy"] = new RedialRuleOptions { Delays = [TimeSpan.FromMinutes(5)] });

        Assert.Equal(T0 + Duration.FromMinutes(5), policy.Decide(Outcome(Disposition.Busy), Stats()).DueAt);
        Assert.Equal(T0 + Duration.FromMinutes(15), policy.Decide(Outcome(Disposition.NoAnswer), Stats()).DueAt);
    }

    [Fact]
    public void Decide_LastAllowedAttemptPerLead_Stops()
    {
        var policy = MakePolicy(o => o.MaxAttemptsPerLead = 3);

        Assert.True(policy.Decide(Outcome(Disposition.NoAnswer, callId: "call-1/r2"), Stats()).IsScheduled);
        var decision = policy.Decide(Outcome(Disposition.NoAnswer, callId: "call-1/r3"), Stats());

        Assert.Equal(RedialVerdict.Stop, decision.Verdict);
        Assert.Equal(RedialReasons.MaxAttemptsPerLead, decision.Reason);
    }

    [Fact]
    public void Decide_NumberAtItsMostOutcomes_Stops()
    {
        var policy = MakePolicy(o => o.MaxAttemptsPerNumber = 4);

        Assert.True(policy.Decide(Outcome(Disposition.NoAnswer), Stats(outcomes: 3)).IsScheduled);
        var decision = policy.Decide(Outcome(Disposition.NoAnswer), Stats(outcomes: 4));

        Assert.Equal(RedialReasons.MaxAttemptsPerNumber, decision.Reason);
    }

    [Fact]
    public void Decide_PerCodeAttemptLimits_OverrideTheGeneralOnes()
    {
        var policy = MakePolicy(o =>
        {
            o.Dispositions["busy"] = new RedialRuleOptions { MaxAttemptsPerLead = 2 };
            o.Dispositions["failed"] = new RedialRuleOptions { MaxAttemptsPerNumber = 1 };
        });

        Assert.Equal(RedialReasons.MaxAttemptsPerLead, policy.Decide(Outcome(Disposition.Busy, callId: "c/r2"), Stats()).Reason);
        Assert.True(policy.Decide(Outcome(Disposition.NoAnswer, callId: "c/r2"), Stats()).IsScheduled);
        Assert.Equal(RedialReasons.MaxAttemptsPerNumber, policy.Decide(Outcome(Disposition.Failed), Stats(outcomes: 1)).Reason);
    }

    [Theory]
    [InlineData("sold")]
    [InlineData("not_interested")]
    [InlineData("do_not_call")]
    [InlineData("wrong_number")]
    public void Decide_FinalDisposition_IsTerminal(string code)
    {
        Disposition.TryGetWellKnown(code, out var disposition);

        var decision = MakePolicy().Decide(Outcome(disposition), Stats());

        Assert.Equal(RedialVerdict.Terminal, decision.Verdict);
        Assert.Equal(RedialReasons.TerminalDisposition, decision.Reason);
        Assert.Null(decision.DueAt);
    }

    [Theory]
    [InlineData("conversation")]
    [InlineData("transferred")]
    public void Decide_ConversationDisposition_Stops(string code)
    {
        Disposition.TryGetWellKnown(code, out var disposition);

        var decision = MakePolicy().Decide(Outcome(disposition), Stats());

        Assert.Equal(RedialVerdict.Stop, decision.Verdict);
        Assert.Equal(RedialReasons.NotRedialed, decision.Reason);
    }

    [Fact]
    public void Decide_UnknownOutcome_IsNeverRedialed()
    {
        var policy = MakePolicy(o => o.Dispositions["provider_timeout"] = new RedialRuleOptions { Action = RedialAction.Redial });

        Assert.Equal(RedialReasons.UnknownOutcome, policy.Decide(Outcome(Disposition.UnknownOutcome), Stats()).Reason);
        Assert.Equal(RedialReasons.UnknownOutcome, policy.Decide(Outcome(default), Stats()).Reason);
        Assert.Equal(RedialReasons.UnknownOutcome, policy.Decide(Outcome(Unknownish), Stats()).Reason);
    }

    [Fact]
    public void Decide_RetryableCodeConfiguredTerminal_IsTerminal()
    {
        var policy = MakePolicy(o => o.Dispositions["busy"] = new RedialRuleOptions { Action = RedialAction.Terminal });

        Assert.Equal(RedialVerdict.Terminal, policy.Decide(Outcome(Disposition.Busy), Stats()).Verdict);
        Assert.Equal(RedialAction.Terminal, policy.ActionFor(Disposition.Busy));
    }

    [Fact]
    public void Decide_RetryableCodeConfiguredStop_Stops()
    {
        var policy = MakePolicy(o => o.Dispositions["failed"] = new RedialRuleOptions { Action = RedialAction.Stop });

        Assert.Equal(RedialReasons.NotRedialed, policy.Decide(Outcome(Disposition.Failed), Stats()).Reason);
    }

    [Fact]
    public void Decide_HostCodeConfiguredRedial_IsRedialed()
    {
        var policy = MakePolicy(o => o.Dispositions["left_message"] = new RedialRuleOptions { Action = RedialAction.Redial, Delays = [TimeSpan.FromDays(2)] });

        var decision = policy.Decide(Outcome(Disposition.Custom("left_message", DispositionCategory.Conversation)), Stats());

        Assert.Equal(T0 + Duration.FromDays(2), decision.DueAt);
    }

    [Fact]
    public void Decide_HostRetryableCodeWithoutRule_IsRedialedByCategory()
    {
        var decision = MakePolicy().Decide(Outcome(Disposition.Custom("carrier_reject", DispositionCategory.Retryable)), Stats());

        Assert.True(decision.IsScheduled);
    }

    [Fact]
    public void Decide_Disabled_Stops()
    {
        var decision = MakePolicy(o => o.Enabled = false).Decide(Outcome(Disposition.NoAnswer), Stats());

        Assert.Equal(RedialReasons.Disabled, decision.Reason);
    }

    [Fact]
    public void Decide_SeededJitter_IsReproducibleAndWithinBounds()
    {
        void Configure(RedialOptions o)
        {
            o.MaxJitter = TimeSpan.FromMinutes(10);
            o.JitterSeed = 42;
        }

        var first = MakePolicy(Configure);
        var second = MakePolicy(Configure);
        var a = Enumerable.Range(0, 20).Select(_ => first.Decide(Outcome(Disposition.NoAnswer), Stats()).DueAt!.Value).ToList();
        var b = Enumerable.Range(0, 20).Select(_ => second.Decide(Outcome(Disposition.NoAnswer), Stats()).DueAt!.Value).ToList();

        Assert.Equal(a, b);
        Assert.All(a, due => Assert.InRange(due, T0 + Duration.FromMinutes(15), T0 + Duration.FromMinutes(25)));
        Assert.True(a.Distinct().Count() > 1, "jitter should spread the due times");
    }

    [Fact]
    public void Decide_InjectedRandom_DrivesTheJitter()
    {
        var policy = MakePolicy(o => o.MaxJitter = TimeSpan.FromMinutes(10), random: new Random(7));
        var expected = new Random(7).NextInt64(0, Duration.FromMinutes(10).BclCompatibleTicks + 1);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer), Stats());

        Assert.Equal(T0 + Duration.FromMinutes(15) + Duration.FromTicks(expected), decision.DueAt);
    }

    [Fact]
    public void Decide_PerCodeJitterZero_TurnsJitterOffForThatCode()
    {
        var policy = MakePolicy(o =>
        {
            o.MaxJitter = TimeSpan.FromMinutes(10);
            o.Dispositions["busy"] = new RedialRuleOptions { MaxJitter = TimeSpan.Zero };
        });

        Assert.Equal(T0 + Duration.FromMinutes(15), policy.Decide(Outcome(Disposition.Busy), Stats()).DueAt);
    }

    [Theory]
    [InlineData(10, 0, 12, 0)] // morning call -> afternoon start
    [InlineData(13, 0, 17, 0)] // afternoon call -> evening start
    [InlineData(18, 0, 9, 0)] // evening call -> next morning
    [InlineData(11, 50, 12, 5)] // morning call whose delay lands in the afternoon stays at the delay
    public void Decide_RotatingDayparts_MovesToTheFollowingDaypartInCalleeTime(int hour, int minute, int expectedHour, int expectedMinute)
    {
        var policy = MakePolicy(o => o.RotateDayparts = true);
        var at = Local("America/New_York", 2026, 3, 3, hour, minute);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer, at, zone: "America/New_York"), Stats());

        var expectedDay = expectedHour < hour ? 4 : 3;
        Assert.Equal(Local("America/New_York", 2026, 3, expectedDay, expectedHour, expectedMinute), decision.DueAt);
    }

    [Fact]
    public void Decide_RotatingDaypartsOutsideEveryDaypart_TakesTheNextDaypartStart()
    {
        var policy = MakePolicy(o => o.RotateDayparts = true);
        var at = Local("America/New_York", 2026, 3, 3, 22, 0);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer, at, zone: "America/New_York"), Stats());

        Assert.Equal(Local("America/New_York", 2026, 3, 4, 9, 0), decision.DueAt);
    }

    [Fact]
    public void Decide_RotatingDaypartsAcrossSpringForward_UsesTheLocalWallClock()
    {
        // 2026-03-08 is the US spring-forward day.
        var policy = MakePolicy(o => o.RotateDayparts = true);
        var at = Local("America/New_York", 2026, 3, 7, 18, 0);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer, at, zone: "America/New_York"), Stats());

        Assert.Equal(Local("America/New_York", 2026, 3, 8, 9, 0), decision.DueAt);
        Assert.Equal(new LocalTime(9, 0), decision.DueAt!.Value.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).TimeOfDay);
    }

    [Fact]
    public void Decide_ZoneResolver_TakesPrecedenceOverTheRequestAndTheFallback()
    {
        var withResolver = MakePolicy(o => o.RotateDayparts = true, resolver: new FixedZoneResolver("Asia/Tokyo"));
        var withoutResolver = MakePolicy(o => o.RotateDayparts = true);
        var fallbackOnly = MakePolicy(o =>
        {
            o.RotateDayparts = true;
            o.FallbackZoneId = "Europe/Paris";
        });
        var request = Request(zone: "America/Los_Angeles");

        Assert.Equal("Asia/Tokyo", withResolver.ResolveZone(request).Id);
        Assert.Equal("America/Los_Angeles", withoutResolver.ResolveZone(request).Id);
        Assert.Equal("Europe/Paris", fallbackOnly.ResolveZone(Request()).Id);
        Assert.Equal("America/New_York", withoutResolver.ResolveZone(Request()).Id);
        Assert.Equal("Europe/Paris", fallbackOnly.ResolveZone(Request(zone: "Not/AZone")).Id);
    }

    [Fact]
    public void Decide_CallingWindowClosedAtTheDelay_MovesToTheNextOpenInstant()
    {
        var window = new FakeCallingWindow(16, 20);
        var policy = MakePolicy(window: window);

        var decision = policy.Decide(Outcome(Disposition.NoAnswer, T0), Stats());

        Assert.Equal(Instant.FromUtc(2026, 3, 2, 16, 0), decision.DueAt);
        Assert.Equal("call-1/r2", Assert.Single(window.Asked).CallId);
    }

    [Fact]
    public void Decide_CallingWindowOpenAtTheDelay_KeepsTheDelay()
    {
        var policy = MakePolicy(window: new FakeCallingWindow(9, 20));

        Assert.Equal(T0 + Duration.FromMinutes(15), policy.Decide(Outcome(Disposition.NoAnswer), Stats()).DueAt);
    }

    [Fact]
    public void Decide_CallingWindowNeverOpens_Stops()
    {
        var policy = MakePolicy(window: new FakeCallingWindow(9, 20) { NeverOpens = true });

        Assert.Equal(RedialReasons.NoOpenWindow, policy.Decide(Outcome(Disposition.NoAnswer), Stats()).Reason);
    }

    [Fact]
    public void Decide_CallbackWithTime_QueuesACallbackAtThatTime()
    {
        var at = T0 + Duration.FromDays(2);

        var decision = MakePolicy().Decide(Outcome(Disposition.CallbackRequested, callbackAt: at), Stats());

        Assert.Equal(DueDialKind.Callback, decision.Kind);
        Assert.Equal(RedialReasons.Callback, decision.Reason);
        Assert.Equal(at, decision.DueAt);
        Assert.Equal(2, decision.Attempt);
        Assert.Equal("call-1/r2", decision.Request!.CallId);
        Assert.True(decision.Request.IsCallback);
    }

    [Fact]
    public void Decide_CallbackWithoutTime_QueuesItAfterTheCallbackDelay()
    {
        var decision = MakePolicy(o => o.CallbackDelay = TimeSpan.FromMinutes(45)).Decide(Outcome(Disposition.CallbackRequested), Stats());

        Assert.Equal(T0 + Duration.FromMinutes(45), decision.DueAt);
    }

    [Fact]
    public void Decide_CallbackTimeBeforeTheOutcome_IsDueAtTheOutcome()
    {
        var decision = MakePolicy().Decide(Outcome(Disposition.CallbackRequested, callbackAt: T0 - Duration.FromHours(1)), Stats());

        Assert.Equal(T0, decision.DueAt);
    }

    [Fact]
    public void Decide_CallbackPastTheAttemptLimits_IsStillQueued()
    {
        var policy = MakePolicy(o =>
        {
            o.MaxAttemptsPerLead = 2;
            o.MaxAttemptsPerNumber = 1;
        });

        var decision = policy.Decide(Outcome(Disposition.CallbackRequested, callId: "c/r5", callbackAt: T0 + Duration.FromHours(3)), Stats(outcomes: 9));

        Assert.Equal(6, decision.Attempt);
        Assert.Equal("c/r6", decision.Request!.CallId);
    }

    [Fact]
    public void Decide_CallbackInClosedWindow_IsMovedToTheNextOpenInstantAsACallback()
    {
        var window = new FakeCallingWindow(16, 20);
        var decision = MakePolicy(window: window).Decide(Outcome(Disposition.CallbackRequested, callbackAt: T0), Stats());

        Assert.Equal(Instant.FromUtc(2026, 3, 2, 16, 0), decision.DueAt);
        Assert.True(Assert.Single(window.Asked).IsCallback);
    }

    [Fact]
    public void Decide_CallbacksDisabled_CallbackRequestIsAConversationThatStops()
    {
        var decision = MakePolicy(o => o.CallbacksEnabled = false).Decide(Outcome(Disposition.CallbackRequested, callbackAt: T0), Stats());

        Assert.Equal(RedialReasons.NotRedialed, decision.Reason);
    }

    [Fact]
    public void Decide_RedialAfterACallbackAttempt_IsNotACallback()
    {
        var decision = MakePolicy().Decide(Outcome(Disposition.NoAnswer, callId: "c/r2", callback: true), Stats());

        Assert.False(decision.Request!.IsCallback);
        Assert.Equal(DueDialKind.Redial, decision.Kind);
    }

    [Fact]
    public void Decide_MachineBelowThreshold_RedialsNormally()
    {
        var decision = MakePolicy().Decide(Outcome(Disposition.AnsweringMachine), Stats(consecutiveMachines: 2));

        Assert.True(decision.IsScheduled);
        Assert.Equal(RedialFlags.None, decision.Flags);
    }

    [Fact]
    public void Decide_MachineThresholdWithStop_Stops()
    {
        var policy = MakePolicy(o => o.AnsweringMachine.Action = AnsweringMachineAction.Stop);

        Assert.Equal(RedialReasons.AnsweringMachine, policy.Decide(Outcome(Disposition.AnsweringMachine), Stats(consecutiveMachines: 3)).Reason);
    }

    [Fact]
    public void Decide_MachineThresholdWithLeaveVoicemail_FlagsTheNextAttemptThenStops()
    {
        var policy = MakePolicy(o => o.AnsweringMachine.Action = AnsweringMachineAction.LeaveVoicemail);

        var atThreshold = policy.Decide(Outcome(Disposition.AnsweringMachine, callId: "c/r3"), Stats(consecutiveMachines: 3));
        var pastThreshold = policy.Decide(Outcome(Disposition.AnsweringMachine, callId: "c/r4"), Stats(consecutiveMachines: 4));

        Assert.Equal(RedialFlags.LeaveVoicemail, atThreshold.Flags);
        Assert.Equal(RedialReasons.AnsweringMachine, pastThreshold.Reason);
    }

    [Fact]
    public void Decide_MachineThresholdWithChangeDaypart_RotatesEvenWhenRotationIsOff()
    {
        var policy = MakePolicy(o => o.AnsweringMachine.Action = AnsweringMachineAction.ChangeDaypart);
        var at = Local("America/New_York", 2026, 3, 3, 10, 0);

        var atThreshold = policy.Decide(Outcome(Disposition.AnsweringMachine, at, zone: "America/New_York"), Stats(consecutiveMachines: 3));
        var below = policy.Decide(Outcome(Disposition.AnsweringMachine, at, zone: "America/New_York"), Stats(consecutiveMachines: 1));

        Assert.Equal(Local("America/New_York", 2026, 3, 3, 12, 0), atThreshold.DueAt);
        Assert.Equal(at + Duration.FromMinutes(15), below.DueAt);
    }

    [Fact]
    public void Decide_TotalMachineThreshold_AppliesTheActionWithoutARun()
    {
        var policy = MakePolicy(o =>
        {
            o.AnsweringMachine.Action = AnsweringMachineAction.Stop;
            o.AnsweringMachine.TotalThreshold = 4;
        });

        Assert.True(policy.Decide(Outcome(Disposition.AnsweringMachine), Stats(outcomes: 6, consecutiveMachines: 1, totalMachines: 3)).IsScheduled);
        Assert.Equal(RedialReasons.AnsweringMachine, policy.Decide(Outcome(Disposition.AnsweringMachine), Stats(outcomes: 6, consecutiveMachines: 1, totalMachines: 4)).Reason);
    }

    [Fact]
    public void Decide_AnsweringMachineHandlingDisabled_RedialsPastTheThreshold()
    {
        var policy = MakePolicy(o =>
        {
            o.AnsweringMachine.Enabled = false;
            o.AnsweringMachine.Action = AnsweringMachineAction.Stop;
        });

        Assert.True(policy.Decide(Outcome(Disposition.AnsweringMachine), Stats(consecutiveMachines: 5)).IsScheduled);
    }

    [Fact]
    public void Decide_AdditionalMachineCode_CountsAsAMachine()
    {
        var policy = MakePolicy(o =>
        {
            o.AnsweringMachine.Action = AnsweringMachineAction.Stop;
            o.AnsweringMachine.AdditionalMachineCodes.Add("voicemail_greeting");
        });
        var greeting = Disposition.Custom("voicemail_greeting", DispositionCategory.Retryable);

        Assert.True(policy.IsMachine(greeting));
        Assert.False(policy.IsMachine(Disposition.NoAnswer));
        Assert.Equal(RedialReasons.AnsweringMachine, policy.Decide(Outcome(greeting), Stats(consecutiveMachines: 3)).Reason);
    }

    [Fact]
    public void Decide_NonMachineOutcomeWithMachineHistory_IgnoresTheMachineRule()
    {
        var policy = MakePolicy(o => o.AnsweringMachine.Action = AnsweringMachineAction.Stop);

        Assert.True(policy.Decide(Outcome(Disposition.NoAnswer), Stats(outcomes: 5, consecutiveMachines: 0, totalMachines: 4)).IsScheduled);
    }

    [Fact]
    public void DecideDeferral_DeniedOnlyByCallingWindows_SchedulesTheSameRequestAtNextEligible()
    {
        var request = Request("call-7/r3");
        var next = T0 + Duration.FromHours(9);
        var denial = AdmissionDecision.Deny(T0, new DenialReasonList([Window("window.closed", next), Window("window.legal_hours", next)]), next);

        var decision = RedialPolicy.DecideDeferral(request, denial);

        Assert.Equal(DueDialKind.Deferred, decision.Kind);
        Assert.Same(request, decision.Request);
        Assert.Equal(3, decision.Attempt);
        Assert.Equal(next, decision.DueAt);
        Assert.Equal(RedialReasons.Deferred, decision.Reason);
    }

    [Fact]
    public void DecideDeferral_AnyOtherReasonAllowedOrNoNextInstant_IsNotDeferred()
    {
        var request = Request();
        var next = T0 + Duration.FromHours(9);
        var mixed = AdmissionDecision.Deny(T0, new DenialReasonList([Window("window.closed", next), new DenialReason(DenialCategory.Protection, "protection.cap", "cap", next)]), next);
        var permanent = AdmissionDecision.Deny(T0, new DenialReasonList(Window("window.closed", null)), null);
        var allowed = AdmissionDecision.Allow(T0, request.CallId, AdmissionHolds.None, null, null);

        Assert.Equal(RedialReasons.NotDeferrable, RedialPolicy.DecideDeferral(request, mixed).Reason);
        Assert.Equal(RedialReasons.NotDeferrable, RedialPolicy.DecideDeferral(request, permanent).Reason);
        Assert.Equal(RedialReasons.NotDeferrable, RedialPolicy.DecideDeferral(request, allowed).Reason);
    }

    [Fact]
    public void RedialDecision_ToEntry_OfAStop_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => RedialDecision.Stop(RedialReasons.Disabled).ToEntry());

        Assert.Contains("redial.disabled", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedialDecision_Equality_ComparesEveryField()
    {
        var a = RedialDecision.Schedule(Request("x"), DueDialKind.Redial, 2, T0, RedialFlags.None, RedialReasons.Scheduled);
        var b = RedialDecision.Schedule(Request("x"), DueDialKind.Redial, 2, T0, RedialFlags.None, RedialReasons.Scheduled);
        var c = RedialDecision.Schedule(Request("x"), DueDialKind.Redial, 2, T0, RedialFlags.LeaveVoicemail, RedialReasons.Scheduled);

        Assert.True(a == b);
        Assert.True(a != c);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(RedialDecision.Stop("x"), RedialDecision.Terminal("x"));
    }

    internal static DenialReason Window(string code, Instant? clearsAt) => new(DenialCategory.CallingWindow, code, "closed", clearsAt);

    private static Instant Local(string zone, int year, int month, int day, int hour, int minute) =>
        Dialer.Testing.TestClock.Local(zone, year, month, day, hour, minute);
}
