using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using static Dialer.Redial.Tests.RedialTestData;

namespace Dialer.Redial.Tests.Service;

public sealed class RedialServiceTests
{
    private readonly FakeTimeProvider _clock = TestClock.At(T0);
    private readonly InMemoryRedialQueue _queue = new();
    private readonly InMemoryAnsweringMachineTracker _tracker = new();

    private RedialService Service(Action<RedialOptions>? configure = null, ICallingWindow? window = null) =>
        new(_queue, _tracker, MakePolicy(configure, window), _clock);

    private Instant Now => _clock.GetCurrentInstant();

    [Fact]
    public async Task HandleOutcome_NoAnswer_QueuesTheNextAttempt()
    {
        var decision = await Service().HandleOutcomeAsync(Outcome(Disposition.NoAnswer));

        var item = await _queue.GetAsync("lead-1");
        Assert.NotNull(item);
        Assert.Equal(decision.ToEntry(), item.Entry);
        Assert.Equal("call-1/r2", item.CallId);
        Assert.Equal(T0 + Duration.FromMinutes(15), item.DueAt);
        Assert.Equal("redial.scheduled", item.Entry.Reason);
        Assert.Equal(new AnsweringMachineStats(PhoneNumber.Parse("+14155550123"), 0, 0, 1, T0), await _tracker.GetAsync(PhoneNumber.Parse("+14155550123")));
    }

    [Fact]
    public async Task HandleOutcome_ReportedTwice_QueuesOnceAndCountsOnce()
    {
        var service = Service();

        var first = await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));

        Assert.Equal(first, second);
        Assert.Equal(new RedialQueueCounts(1, 0, 0, 0, 0), await _queue.GetCountsAsync(Now));
        Assert.Equal(T0, (await _queue.GetAsync("lead-1"))!.EnqueuedAt);
        Assert.Equal(1, (await _tracker.GetAsync(PhoneNumber.Parse("+14155550123"))).TotalOutcomes);
    }

    [Fact]
    public async Task HandleOutcome_RetriedAfterTheRedialWasPlaced_DoesNotResurrectIt()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));
        _clock.Advance(TimeSpan.FromMinutes(15));
        var claimed = Assert.Single(await _queue.ClaimDueAsync(Now, 10, Duration.FromMinutes(5)));
        await _queue.CompleteAsync(claimed.LeadId, claimed.ClaimToken!, Now);

        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));

        Assert.Equal(RedialItemState.Completed, (await _queue.GetAsync("lead-1"))!.State);
        Assert.Empty(await _queue.ClaimDueAsync(Now + Duration.FromDays(1), 10, Duration.FromMinutes(5)));
    }

    [Fact]
    public async Task HandleOutcome_LateRetryOfAnEarlierAttempt_IsSuperseded()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "call-1"));
        await service.HandleOutcomeAsync(Outcome(Disposition.Busy, T0 + Duration.FromMinutes(20), callId: "call-1/r2"));

        var late = await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "call-1"));

        Assert.Equal(RedialReasons.Superseded, late.Reason);
        Assert.Equal("call-1/r3", (await _queue.GetAsync("lead-1"))!.CallId);
    }

    [Fact]
    public async Task HandleOutcome_NewChainForTheSameLead_ReplacesTheOldOne()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "old/r3"));

        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "new"));

        Assert.Equal("new/r2", (await _queue.GetAsync("lead-1"))!.CallId);
    }

    [Fact]
    public async Task HandleOutcome_FinalDisposition_CancelsThePendingItem()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "a"));

        var decision = await service.HandleOutcomeAsync(Outcome(Disposition.DoNotCallRequest, callId: "b"));

        Assert.Equal(RedialVerdict.Terminal, decision.Verdict);
        Assert.Equal(RedialItemState.Cancelled, (await _queue.GetAsync("lead-1"))!.State);
    }

    [Fact]
    public async Task HandleOutcome_Conversation_LeavesThePendingItemAlone()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer, callId: "a"));

        await service.HandleOutcomeAsync(Outcome(Disposition.Conversation, callId: "b"));

        Assert.Equal(RedialItemState.Pending, (await _queue.GetAsync("lead-1"))!.State);
    }

    [Fact]
    public async Task HandleOutcome_CallbackRequested_QueuesACallbackAtTheRequestedTime()
    {
        var at = T0 + Duration.FromDays(1);

        await Service().HandleOutcomeAsync(Outcome(Disposition.CallbackRequested, callbackAt: at));

        var item = (await _queue.GetAsync("lead-1"))!;
        Assert.Equal(DueDialKind.Callback, item.Kind);
        Assert.Equal(at, item.DueAt);
        Assert.True(item.Request.IsCallback);
    }

    [Fact]
    public async Task HandleOutcome_MachinesInARow_LeaveVoicemailOnceThenStop()
    {
        var service = Service(o => o.MaxAttemptsPerLead = 10);
        var decisions = new List<RedialDecision>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var callId = RedialCallIds.ForAttempt("call-1", attempt);
            decisions.Add(await service.HandleOutcomeAsync(Outcome(Disposition.AnsweringMachine, T0 + Duration.FromHours(attempt), callId: callId)));
        }

        Assert.Equal([RedialFlags.None, RedialFlags.None, RedialFlags.LeaveVoicemail], decisions.Take(3).Select(d => d.Flags));
        Assert.Equal(RedialFlags.LeaveVoicemail, (await _queue.GetAsync("lead-1"))!.Entry.Flags);
        Assert.Equal(RedialReasons.AnsweringMachine, decisions[3].Reason);
    }

    [Fact]
    public async Task HandleOutcome_PersonBetweenMachines_ResetsTheRun()
    {
        var service = Service(o =>
        {
            o.MaxAttemptsPerLead = 10;
            o.AnsweringMachine.Action = AnsweringMachineAction.Stop;
            o.Dispositions["conversation"] = new RedialRuleOptions { Action = RedialAction.Redial };
        });
        var results = new List<RedialDecision>();
        Disposition[] sequence = [Disposition.AnsweringMachine, Disposition.AnsweringMachine, Disposition.Conversation, Disposition.AnsweringMachine, Disposition.AnsweringMachine];
        for (var i = 0; i < sequence.Length; i++)
        {
            results.Add(await service.HandleOutcomeAsync(Outcome(sequence[i], T0 + Duration.FromHours(i), callId: RedialCallIds.ForAttempt("c", i + 1))));
        }

        Assert.All(results, r => Assert.True(r.IsScheduled));
        var stats = await _tracker.GetAsync(PhoneNumber.Parse("+14155550123"));
        Assert.Equal((2, 4, 5), (stats.ConsecutiveMachines, stats.TotalMachines, stats.TotalOutcomes));
    }

    [Fact]
    public async Task HandleOutcome_UnknownOutcome_CountsButIsNotRedialed()
    {
        var decision = await Service().HandleOutcomeAsync(Outcome(Disposition.UnknownOutcome));

        Assert.Equal(RedialReasons.UnknownOutcome, decision.Reason);
        Assert.Null(await _queue.GetAsync("lead-1"));
        Assert.Equal(1, (await _tracker.GetAsync(PhoneNumber.Parse("+14155550123"))).TotalOutcomes);
    }

    [Fact]
    public async Task TryDefer_DeniedOnlyByCallingWindow_QueuesTheSameRequestAtNextEligible()
    {
        var request = Request("call-9");
        var next = T0 + Duration.FromHours(10);
        var denial = AdmissionDecision.Deny(T0, new DenialReasonList(new DenialReason(DenialCategory.CallingWindow, "window.closed", "closed", next)), next);

        Assert.True(await Service().TryDeferAsync(request, denial));

        var item = (await _queue.GetAsync("lead-1"))!;
        Assert.Equal(DueDialKind.Deferred, item.Kind);
        Assert.Equal("call-9", item.CallId);
        Assert.Equal(next, item.DueAt);
        Assert.Equal(1, item.Attempt);
    }

    [Fact]
    public async Task TryDefer_OtherReasons_QueuesNothing()
    {
        var next = T0 + Duration.FromHours(10);
        var denial = AdmissionDecision.Deny(
            T0,
            new DenialReasonList([new DenialReason(DenialCategory.CallingWindow, "window.closed", "closed", next), new DenialReason(DenialCategory.Concurrency, "slots.full", "full", next)]),
            next);

        Assert.False(await Service().TryDeferAsync(Request(), denial));
        Assert.Null(await _queue.GetAsync("lead-1"));
    }

    [Fact]
    public async Task TryDefer_RequestAlreadyClaimed_IsNotQueuedAgain()
    {
        var service = Service();
        var request = Request("call-9");
        var next = T0 + Duration.FromHours(1);
        var denial = AdmissionDecision.Deny(T0, new DenialReasonList(new DenialReason(DenialCategory.CallingWindow, "window.closed", "closed", next)), next);
        await service.TryDeferAsync(request, denial);
        Assert.Single(await _queue.ClaimDueAsync(next, 1, Duration.FromMinutes(5)));

        Assert.False(await service.TryDeferAsync(request, denial));
    }

    [Fact]
    public async Task ScheduleCallback_OutOfBand_QueuesTheNextAttemptAsACallback()
    {
        var decision = await Service().ScheduleCallbackAsync(Request("call-1/r2"), T0 + Duration.FromHours(5));

        var item = (await _queue.GetAsync("lead-1"))!;
        Assert.Equal(decision.ToEntry(), item.Entry);
        Assert.Equal(("call-1/r3", DueDialKind.Callback, true), (item.CallId, item.Kind, item.Request.IsCallback));
    }

    [Fact]
    public async Task ScheduleCallback_TimeInThePast_IsDueNow()
    {
        _clock.Advance(TimeSpan.FromHours(1));

        var decision = await Service().ScheduleCallbackAsync(Request(), T0);

        Assert.Equal(Now, decision.DueAt);
    }

    [Fact]
    public async Task Cancel_PendingLead_CancelsIt()
    {
        var service = Service();
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));

        Assert.True(await service.CancelAsync("lead-1"));
        Assert.False(await service.CancelAsync("lead-1"));
    }

    [Fact]
    public async Task DueDialQueue_ClaimCompleteRelease_RoundTripThroughTheRedialQueue()
    {
        var service = Service();
        var due = new RedialDueDialQueue(_queue, _clock, TimeSpan.FromMinutes(2));
        await service.HandleOutcomeAsync(Outcome(Disposition.NoAnswer));
        Assert.Empty(await due.ClaimDueAsync(Now, 10));

        var claimed = Assert.Single(await due.ClaimDueAsync(T0 + Duration.FromMinutes(15), 10, "default"));
        Assert.Equal(("call-1/r2", DueDialKind.Redial, 2), (claimed.Request.CallId, claimed.Kind, claimed.Attempt));
        Assert.Equal(T0 + Duration.FromMinutes(17), claimed.ClaimExpiresAt);
        Assert.Empty(await due.ClaimDueAsync(T0 + Duration.FromMinutes(16), 10));

        await due.ReleaseAsync(claimed, T0 + Duration.FromHours(1));
        Assert.Equal(T0 + Duration.FromHours(1), (await _queue.GetAsync("lead-1"))!.DueAt);
        var again = Assert.Single(await due.ClaimDueAsync(T0 + Duration.FromHours(1), 10));
        await due.CompleteAsync(claimed);
        Assert.Equal(RedialItemState.Claimed, (await _queue.GetAsync("lead-1"))!.State);
        await due.CompleteAsync(again);
        Assert.Equal(RedialItemState.Completed, (await _queue.GetAsync("lead-1"))!.State);
    }

    [Fact]
    public async Task DueDialQueue_Defer_QueuesTheRequestWithItsAttemptFromTheCallId()
    {
        var due = new RedialDueDialQueue(_queue, _clock, TimeSpan.FromMinutes(2));

        await due.DeferAsync(Request("call-4/r4"), T0 + Duration.FromHours(3), DueDialKind.Deferred);

        var item = (await _queue.GetAsync("lead-1"))!;
        Assert.Equal((4, DueDialKind.Deferred, T0 + Duration.FromHours(3)), (item.Attempt, item.Kind, item.DueAt));
    }

    [Fact]
    public void DueDialQueue_NonPositiveTtl_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new RedialDueDialQueue(_queue, _clock, TimeSpan.Zero));

        Assert.Equal("claimTtl", ex.ParamName);
    }
}
