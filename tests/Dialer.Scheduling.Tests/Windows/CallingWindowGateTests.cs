using Dialer.Core;
using Dialer.Testing;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Windows;

public sealed class CallingWindowGateTests
{
    private static readonly CallingWindowGate s_gate = new(Service(Options(legal: true)));

    [Fact]
    public void Gate_IdentifiesAsCallingWindowAndRunsFirst()
    {
        Assert.Equal("calling-window", s_gate.Name);
        Assert.Equal(AdmissionGateOrder.CallingWindow, s_gate.Order);
    }

    [Fact]
    public async Task Enter_WhenOpen_AllowsHoldingNothing()
    {
        var result = await s_gate.EnterAsync(Request(zone: "America/New_York"), At("2026-07-15T15:00:00Z"));
        Assert.True(result.IsAllowed);
        Assert.Equal(AdmissionHolds.None, result.Holds);
    }

    [Fact]
    public async Task Check_WhenClosed_DeniesWithReasonClearingAtNextOpen()
    {
        var result = await s_gate.CheckAsync(Request(zone: "America/New_York"), At("2026-07-15T06:00:00Z"));
        Assert.False(result.IsAllowed);
        var reason = Assert.Single(result.Reasons);
        Assert.Equal((DenialCategory.CallingWindow, CallingWindowReasonCodes.LegalHours), (reason.Category, reason.Code));
        Assert.Equal(At("2026-07-15T12:00:00Z"), reason.ClearsAt);
        await s_gate.RollbackAsync(Request(zone: "America/New_York")); // no-op, must not throw
    }

    [Fact]
    public async Task Admission_WithGateAndALaterGate_DeniesBeforeTheLaterGateTakesAnything()
    {
        var later = new FakeGate("slot", AdmissionGateOrder.Concurrency, holds: AdmissionHolds.SlotLease);
        var service = Service(Options(legal: true));
        var admission = new DialAdmission([later, new CallingWindowGate(service)], TestClock.At("2026-07-15T06:00:00Z"), callingWindow: service);
        var decision = await admission.AdmitAsync(Request(zone: "America/New_York"), At("2026-07-15T06:00:00Z"));
        Assert.False(decision.IsAllowed);
        Assert.Empty(later.Held);
        Assert.True(decision.Reasons.Contains(CallingWindowReasonCodes.LegalHours));
    }
}
