using Dialer.Testing;
using NodaTime;

namespace Dialer.Core.Tests.Admission;

public sealed class AdmissionObserverTests
{
    private static readonly Instant Now = TestClock.Instant("2026-06-01T15:00:00Z");

    private sealed class RecordingObserver : IAdmissionObserver
    {
        public List<(string CallId, bool Allowed, string? FirstReason)> Seen { get; } = [];

        public void OnAdmission(DialRequest request, in AdmissionDecision decision) =>
            Seen.Add((request.CallId, decision.IsAllowed, decision.IsAllowed ? null : decision.Reasons[0].Code));
    }

    private sealed class ThrowingObserver : IAdmissionObserver
    {
        public void OnAdmission(DialRequest request, in AdmissionDecision decision) =>
            throw new InvalidOperationException("observer broke");
    }

    [Fact]
    public async Task AdmitAsync_TellsEveryObserverOfAllowsAndDenials()
    {
        var gate = new FakeGate("ledger", 300, (r, at) => r.LeadId == "deny"
            ? GateResult.Denied(new DenialReason(DenialCategory.Protection, "protection.duplicate_window", "dup", at + Duration.FromMinutes(10)))
            : GateResult.AllowedWithAttempt(at));
        var first = new RecordingObserver();
        var second = new RecordingObserver();
        var admission = new DialAdmission([gate], TestClock.At(Now), observers: [first, second]);

        await admission.AdmitAsync(TestRequests.Create(leadId: "ok", callId: "c1"), Now);
        await admission.AdmitAsync(TestRequests.Create(leadId: "deny", callId: "c2"), Now);

        Assert.Equal([("c1", true, (string?)null), ("c2", false, "protection.duplicate_window")], first.Seen);
        Assert.Equal(first.Seen, second.Seen);
    }

    [Fact]
    public async Task CheckAsync_RecordsNothing_SoObserversAreNotTold()
    {
        var observer = new RecordingObserver();
        var admission = new DialAdmission([new FakeGate("g", 1)], TestClock.At(Now), observers: [observer]);

        var decision = await admission.CheckAsync(TestRequests.Create(), Now);

        Assert.True(decision.IsAllowed);
        Assert.Empty(observer.Seen);
    }

    [Fact]
    public async Task AdmitAsync_ObserverThrows_DecisionStandsAndLaterObserversStillRun()
    {
        var gate = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var after = new RecordingObserver();
        var admission = new DialAdmission([gate], TestClock.At(Now), observers: [new ThrowingObserver(), after]);
        var request = TestRequests.Create();

        var decision = await admission.AdmitAsync(request, Now);

        Assert.True(decision.IsAllowed);
        Assert.Contains(request.CallId, gate.Held);
        Assert.Single(after.Seen);
    }

    [Fact]
    public void Constructor_NullObserver_NamesItsPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DialAdmission([], TestClock.At(Now), observers: [new RecordingObserver(), null!]));
        Assert.Equal("observers", ex.ParamName);
        Assert.Contains("observers[1] is null", ex.Message, StringComparison.Ordinal);
    }
}
