using System.Diagnostics.Metrics;
using Dialer.Testing;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Core.Tests.Admission;

public sealed class DialAdmissionTests
{
    private static readonly Instant Now = TestClock.Instant("2026-06-01T15:00:00Z");

    private static DenialReason Reason(string code, Instant? clears, DenialCategory category = DenialCategory.Protection) =>
        new(category, code, "test reason " + code, clears);

    private static DialAdmission Create(params AdmissionGate[] gates) =>
        new(gates, TestClock.At(Now));

    [Fact]
    public async Task AdmitAsync_AllGatesAllow_IsAllowedAndHoldsWhatTheGatesTook()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300, holds: AdmissionHolds.Attempt);
        var admission = Create(ledger, slot);
        var request = TestRequests.Create();

        var decision = await admission.AdmitAsync(request);

        Assert.True(decision.IsAllowed);
        Assert.Equal(AdmissionHolds.SlotLease | AdmissionHolds.Attempt, decision.Holds);
        Assert.Equal(request.CallId, decision.AttemptId);
        Assert.Equal(Now, decision.EvaluatedAt);
        Assert.Equal(Now, decision.AttemptRecordedAt);
        Assert.Equal(Now + Duration.FromMinutes(5), decision.LeaseExpiresAt);
        Assert.Empty(decision.Reasons);
        Assert.Contains(request.CallId, slot.Held);
        Assert.Contains(request.CallId, ledger.Held);
    }

    [Fact]
    public async Task AdmitAsync_LaterGateDenies_RollsBackEveryEarlierHold()
    {
        var window = new FakeGate("window", 100);
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var global = new FakeGate("global-slot", 250, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300, (_, at) => GateResult.Denied(Reason("protection.duplicate_window", at + Duration.FromMinutes(10))));
        var admission = Create(window, slot, global, ledger);
        var request = TestRequests.Create();

        var decision = await admission.AdmitAsync(request, Now);

        Assert.False(decision.IsAllowed);
        Assert.Empty(slot.Held);
        Assert.Empty(global.Held);
        Assert.Equal(1, slot.Rollbacks);
        Assert.Equal(1, global.Rollbacks);
        Assert.Equal(0, window.Rollbacks); // it took nothing
        Assert.Equal(AdmissionHolds.None, decision.Holds);
        Assert.Null(decision.AttemptId);
        Assert.Equal(Now + Duration.FromMinutes(10), decision.NextEligibleAt);
    }

    [Fact]
    public async Task AdmitAsync_GatesRunCheapestFirst_RegardlessOfRegistrationOrder()
    {
        var order = new List<string>();
        GateResult Track(string name)
        {
            order.Add(name);
            return GateResult.Allowed;
        }

        var admission = Create(
            new FakeGate("protection", AdmissionGateOrder.Protection, (_, _) => Track("protection")),
            new FakeGate("window", AdmissionGateOrder.CallingWindow, (_, _) => Track("window")),
            new FakeGate("slots", AdmissionGateOrder.Concurrency, (_, _) => Track("slots")));

        await admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.Equal(["window", "slots", "protection"], order);
        Assert.Equal(["window", "slots", "protection"], admission.Gates.Select(g => g.Name));
    }

    [Fact]
    public async Task AdmitAsync_Denied_ListsEveryReasonAndTakesNothingFromLaterGates()
    {
        var clearsWindow = Now + Duration.FromHours(2);
        var clearsDuplicate = Now + Duration.FromMinutes(10);
        var window = new FakeGate("window", 100, (_, _) => GateResult.Denied(Reason("window.closed", clearsWindow, DenialCategory.CallingWindow)));
        var ledger = new FakeGate("ledger", 300, (_, _) => GateResult.Denied(Reason("protection.duplicate_window", clearsDuplicate)), AdmissionHolds.Attempt);
        var admission = Create(window, ledger);

        var decision = await admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.False(decision.IsAllowed);
        Assert.Equal(["window.closed", "protection.duplicate_window"], decision.Reasons.Select(r => r.Code));
        Assert.Equal(0, ledger.Enters);
        Assert.Equal(1, ledger.Checks);
        Assert.Equal(clearsWindow, decision.NextEligibleAt); // the latest of the two
    }

    [Fact]
    public async Task AdmitAsync_ReportAllReasonsOff_StopsAtTheFirstDenial()
    {
        var window = new FakeGate("window", 100, (_, _) => GateResult.Denied(Reason("window.closed", Now, DenialCategory.CallingWindow)));
        var ledger = new FakeGate("ledger", 300);
        var admission = new DialAdmission([window, ledger], TestClock.At(Now), Options.Create(new DialerOptions { ReportAllReasons = false }));

        var decision = await admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.Single(decision.Reasons);
        Assert.Equal(0, ledger.Checks + ledger.Enters);
    }

    [Fact]
    public async Task AdmitAsync_PermanentReason_NextEligibleIsNull()
    {
        var ledger = new FakeGate("ledger", 300, (_, _) => GateResult.Denied(new DenialReasonList(
            [Reason("protection.duplicate_window", Now + Duration.FromMinutes(5)), Reason("protection.final_disposition", null)])));

        var decision = await Create(ledger).AdmitAsync(TestRequests.Create(), Now);

        Assert.Null(decision.NextEligibleAt);
        Assert.True(decision.Reasons[1].IsPermanent);
    }

    [Fact]
    public async Task AdmitAsync_NonWindowReasonClearsWhileClosed_NextEligibleMovesToTheNextOpenWindow()
    {
        var opensAt = Now + Duration.FromHours(11);
        var window = new FixedCallingWindow(closedUntil: Now + Duration.FromMinutes(30), reopensAt: opensAt);
        var ledger = new FakeGate("ledger", 300, (_, _) => GateResult.Denied(Reason("protection.duplicate_window", Now + Duration.FromMinutes(45))));
        var admission = new DialAdmission([ledger], TestClock.At(Now), callingWindow: window);

        var decision = await admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.Equal(opensAt, decision.NextEligibleAt);
    }

    [Fact]
    public async Task AdmitAsync_GateThrows_RollsBackEarlierHoldsAndPropagates()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300) { ThrowOnEnter = new InvalidOperationException("store down") };
        var admission = Create(slot, ledger);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await admission.AdmitAsync(TestRequests.Create(), Now));

        Assert.Equal("store down", ex.Message);
        Assert.Empty(slot.Held);
    }

    [Fact]
    public async Task AdmitAsync_LaterGateThrowsWhileListingReasons_StaysDeniedWithTheReasonsItHas()
    {
        var slot = new FakeGate("slot", 200, (_, _) => GateResult.Denied(Reason("slots.full", Now + Duration.FromMinutes(2), DenialCategory.Concurrency)));
        var ledger = new FakeGate("ledger", 300, (_, _) => throw new InvalidOperationException("store down"));

        var decision = await Create(slot, ledger).AdmitAsync(TestRequests.Create(), Now);

        Assert.False(decision.IsAllowed);
        Assert.Equal(["slots.full"], decision.Reasons.Select(r => r.Code));
        Assert.Equal(Now + Duration.FromMinutes(2), decision.NextEligibleAt);
        Assert.Equal(0, ledger.Enters);
    }

    [Fact]
    public async Task CheckAsync_TakesNothing()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300, holds: AdmissionHolds.Attempt);

        var decision = await Create(slot, ledger).CheckAsync(TestRequests.Create(), Now);

        Assert.True(decision.IsAllowed);
        Assert.Equal(0, slot.Enters + ledger.Enters);
        Assert.Empty(slot.Held);
        Assert.Empty(ledger.Held);
    }

    [Fact]
    public async Task AdmitAsync_WithoutInstant_UsesTheInjectedTimeProvider()
    {
        var time = TestClock.At(Now);
        time.Advance(TimeSpan.FromMinutes(3));
        var admission = new DialAdmission([new FakeGate("g", 1)], time);

        var decision = await admission.AdmitAsync(TestRequests.Create());

        Assert.Equal(Now + Duration.FromMinutes(3), decision.EvaluatedAt);
    }

    [Fact]
    public async Task AdmitAsync_ManyDenialsRacingWithHolds_LeaveNothingHeld()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300, (r, at) => r.LeadId.EndsWith('0')
            ? GateResult.Denied(Reason("protection.rolling_cap", at + Duration.FromHours(1)))
            : GateResult.AllowedWithAttempt(at));
        var admission = Create(slot, ledger);
        var requests = Enumerable.Range(0, 2000).Select(i => TestRequests.Create(leadId: "lead-" + i)).ToArray();

        var decisions = await Task.WhenAll(requests.Select(r => Task.Run(() => admission.AdmitAsync(r, Now).AsTask())));

        var allowed = requests.Where((r, i) => decisions[i].IsAllowed).Select(r => r.CallId).ToHashSet();
        Assert.Equal(1800, allowed.Count);
        Assert.True(allowed.SetEquals(slot.Held));
    }

    [Fact]
    public async Task AdmitAsync_RecordsDecisionMetricsByReason()
    {
        var measurements = new List<(long Value, string? Decision, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CoreMetrics.MeterName && instrument.Name == CoreMetrics.Decisions)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? decision = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "dialer.decision") decision = tag.Value as string;
                if (tag.Key == "dialer.reason") reason = tag.Value as string;
            }

            lock (measurements)
            {
                measurements.Add((value, decision, reason));
            }
        });
        listener.Start();
        var denyingLead = "lead-deny-" + Guid.NewGuid().ToString("N");
        var ledger = new FakeGate("ledger", 300, (r, at) => r.LeadId == denyingLead
            ? GateResult.Denied(Reason("protection.daily_cap", at + Duration.FromHours(9)))
            : GateResult.Allowed);
        var admission = Create(ledger);

        await admission.AdmitAsync(TestRequests.Create(leadId: denyingLead), Now);
        await admission.AdmitAsync(TestRequests.Create(leadId: "lead-ok"), Now);

        lock (measurements)
        {
            Assert.Contains((1L, "denied", "protection.daily_cap"), measurements);
            Assert.Contains((1L, "allowed", "none"), measurements);
        }
    }

    [Fact]
    public async Task AdmitAsync_AllowPathWithSynchronousGates_AllocatesNothing()
    {
        var gate = new AllowingGate();
        var admission = Create(gate);
        var request = TestRequests.Create();
        for (var i = 0; i < 10; i++)
        {
            await admission.AdmitAsync(request, Now);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var vt = admission.AdmitAsync(request, Now);
            Assert.True(vt.IsCompletedSuccessfully);
            Assert.True((await vt).IsAllowed);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public async Task AdmitAsync_SingleReasonDenial_AllocatesNothing()
    {
        var reason = Reason("protection.duplicate_window", Now + Duration.FromMinutes(1));
        var gate = new DenyingGate(reason);
        var admission = Create(gate);
        var request = TestRequests.Create();
        await admission.AdmitAsync(request, Now);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var vt = admission.AdmitAsync(request, Now);
            Assert.True(vt.IsCompletedSuccessfully);
            Assert.False((await vt).IsAllowed);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private sealed class AllowingGate : AdmissionGate
    {
        public override string Name => "allow";

        public override int Order => 1;

        protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken) => new(GateResult.Allowed);

        protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken) => new(GateResult.AllowedWithAttempt(at));

        protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class DenyingGate(DenialReason reason) : AdmissionGate
    {
        public override string Name => "deny";

        public override int Order => 1;

        protected override ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken) => new(GateResult.Denied(reason));

        protected override ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken) => new(GateResult.Denied(reason));

        protected override ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class FixedCallingWindow(Instant closedUntil, Instant reopensAt) : ICallingWindow
    {
        public bool IsOpen(DialRequest request, Instant at) => at < closedUntil || at >= reopensAt;

        public Instant? NextOpen(DialRequest request, Instant from) => IsOpen(request, from) ? from : reopensAt;
    }
}
