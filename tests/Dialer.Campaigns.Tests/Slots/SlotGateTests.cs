using Dialer.Campaigns.Tests.Support;
using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Slots;

public sealed class SlotGateTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    private static SlotManager Slots(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, int campaign = 1, TimeSpan? maxWait = null) =>
        new(new InMemorySlotStore(), new SlotOptions { GlobalMaxCalls = 10, DefaultClientMaxCalls = 5, DefaultCampaignMaxCalls = campaign, LeaseTtl = TimeSpan.FromMinutes(5), MaxWait = maxWait ?? TimeSpan.Zero }, time);

    [Fact]
    public void Gate_NameAndOrder_AreTheConcurrencyGates()
    {
        using var slots = Slots(TestClock.At(T0));
        var gate = new SlotGate(slots);
        Assert.Equal("concurrency-slots", gate.Name);
        Assert.Equal(AdmissionGateOrder.Concurrency, gate.Order);
    }

    [Fact]
    public async Task Enter_SlotFree_AllowsHoldingALeaseUntilTheTtl()
    {
        using var slots = Slots(TestClock.At(T0));
        var gate = new SlotGate(slots);
        var r = await gate.EnterAsync(TestRequests.Create(clientId: "acme", campaignId: "spring"), T0);
        Assert.True(r.IsAllowed);
        Assert.Equal(AdmissionHolds.SlotLease, r.Holds);
        Assert.Equal(T0 + Duration.FromMinutes(5), r.LeaseExpiresAt);
        Assert.Equal(1, await slots.Store.CountAsync(SlotScope.Campaign("acme", "spring"), T0));
    }

    [Fact]
    public async Task Enter_CampaignFull_DeniesWithConcurrencyReasonClearingAtTheEarliestExpiry()
    {
        using var slots = Slots(TestClock.At(T0));
        var gate = new SlotGate(slots);
        await gate.EnterAsync(TestRequests.Create(clientId: "acme", campaignId: "spring"), T0);
        var r = await gate.EnterAsync(TestRequests.Create(clientId: "acme", campaignId: "spring"), T0 + Duration.FromMinutes(1));
        Assert.False(r.IsAllowed);
        var reason = Assert.Single(r.Reasons);
        Assert.Equal(new DenialReason(
            DenialCategory.Concurrency,
            "slots.full",
            "No concurrency slot is free: the campaign's limit of calls in progress is reached.",
            T0 + Duration.FromMinutes(5)), reason);
    }

    [Fact]
    public async Task Enter_ScopeLimitedToZero_DeniesPermanently()
    {
        using var slots = Slots(TestClock.At(T0), campaign: 0);
        var r = await new SlotGate(slots).EnterAsync(TestRequests.Create(), T0);
        Assert.True(Assert.Single(r.Reasons).IsPermanent);
    }

    [Fact]
    public void MessageFor_EachKind_NamesTheScope()
    {
        Assert.Contains("global", SlotGate.MessageFor(SlotScopeKind.Global), StringComparison.Ordinal);
        Assert.Contains("client", SlotGate.MessageFor(SlotScopeKind.Client), StringComparison.Ordinal);
        Assert.Contains("campaign", SlotGate.MessageFor(SlotScopeKind.Campaign), StringComparison.Ordinal);
        Assert.Contains("host-named", SlotGate.MessageFor(SlotScopeKind.Key), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enter_SameCallIdRetried_HoldsOneSlot()
    {
        using var slots = Slots(TestClock.At(T0), campaign: 2);
        var gate = new SlotGate(slots);
        var request = TestRequests.Create();
        Assert.True((await gate.EnterAsync(request, T0)).IsAllowed);
        Assert.True((await gate.EnterAsync(request, T0)).IsAllowed);
        Assert.Equal(1, await slots.Store.CountAsync(SlotScope.Global, T0));
    }

    [Fact]
    public async Task Check_ReportsWithoutTakingASlot()
    {
        using var slots = Slots(TestClock.At(T0));
        var gate = new SlotGate(slots);
        var first = TestRequests.Create();
        var check = await gate.CheckAsync(first, T0);
        Assert.True(check.IsAllowed);
        Assert.Equal(AdmissionHolds.None, check.Holds);
        Assert.Equal(0, await slots.Store.CountAsync(SlotScope.Global, T0));
        await gate.EnterAsync(first, T0);
        var other = await gate.CheckAsync(TestRequests.Create(), T0);
        Assert.Equal("slots.full", Assert.Single(other.Reasons).Code);
        Assert.True((await gate.CheckAsync(first, T0)).IsAllowed);
    }

    [Fact]
    public async Task Rollback_ReleasesTheSlotAndIsIdempotent()
    {
        using var slots = Slots(TestClock.At(T0));
        var gate = new SlotGate(slots);
        var request = TestRequests.Create();
        await gate.EnterAsync(request, T0);
        await gate.RollbackAsync(request);
        await gate.RollbackAsync(request);
        Assert.Equal(0, await slots.Store.CountAsync(SlotScope.Global, T0));
        Assert.True((await gate.EnterAsync(TestRequests.Create(), T0)).IsAllowed);
    }

    [Fact]
    public async Task Admission_LaterGateDenies_RollsTheSlotBack()
    {
        var time = TestClock.At(T0);
        using var slots = Slots(time);
        var protection = new FakeGate("protection", AdmissionGateOrder.Protection, (_, _) =>
            GateResult.Denied(new DenialReason(DenialCategory.Protection, "protection.dnc", "On the do-not-call list.", null)));
        var admission = new DialAdmission([new SlotGate(slots), protection], time);
        var decision = await admission.AdmitAsync(TestRequests.Create(), T0);
        Assert.False(decision.IsAllowed);
        Assert.Equal(0, await slots.Store.CountAsync(SlotScope.Global, T0));
    }

    [Fact]
    public async Task Admission_Allowed_HoldsALeaseThatTheOutcomeReleasesOnce()
    {
        var time = TestClock.At(T0);
        using var slots = Slots(time, campaign: 2);
        var admission = new DialAdmission([new SlotGate(slots)], time);
        var reporter = new CallOutcomeDispatcher([new SlotReleaseOutcomeHandler(slots)]);
        var a = TestRequests.Create();
        var b = TestRequests.Create();
        var decision = await admission.AdmitAsync(a, T0);
        Assert.True(decision.IsAllowed);
        Assert.Equal(AdmissionHolds.SlotLease, decision.Holds);
        Assert.Equal(T0 + Duration.FromMinutes(5), decision.LeaseExpiresAt);
        await admission.AdmitAsync(b, T0);

        // A double hang-up (the webhook delivered twice) releases a's slot once and never touches b's.
        var outcome = new CallOutcome(a, Disposition.NoAnswer, T0 + Duration.FromMinutes(1));
        await reporter.ReportAsync(outcome);
        await reporter.ReportAsync(outcome);
        Assert.Equal(1, await slots.Store.CountAsync(SlotScope.Global, T0));
        Assert.NotNull(await slots.Store.GetLeaseAsync(b.CallId));
        Assert.Equal(CallOutcomeHandlerOrder.Concurrency, new SlotReleaseOutcomeHandler(slots).Order);
    }

    [Fact]
    public async Task Enter_WithMaxWait_WaitsForASlotUpToTheTimeout()
    {
        var time = TestClock.At(T0);
        using var slots = Slots(time, maxWait: TimeSpan.FromSeconds(5));
        var gate = new SlotGate(slots);
        var holder = TestRequests.Create();
        await gate.EnterAsync(holder, T0);
        var waiting = gate.EnterAsync(TestRequests.Create(), T0).AsTask();
        Assert.False(waiting.IsCompleted);
        await gate.RollbackAsync(holder);
        Assert.True((await waiting).IsAllowed);

        var timesOut = gate.EnterAsync(TestRequests.Create(), T0).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        var denied = await timesOut;
        Assert.Equal("slots.full", Assert.Single(denied.Reasons).Code);
    }

    [Fact]
    public void EnterAndRollback_Warm_AllocateNothing()
    {
        using var slots = Slots(TestClock.At(T0), campaign: 10);
        var gate = new SlotGate(slots);
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        for (var i = 0; i < 100; i++)
        {
            _ = Sync.Run(gate.EnterAsync(request, T0));
            Sync.Run(gate.RollbackAsync(request));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            _ = Sync.Run(gate.EnterAsync(request, T0));
            Sync.Run(gate.RollbackAsync(request));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void EnterAndRollback_AlternatingCampaigns_Warm_AllocateNothing()
    {
        using var slots = Slots(TestClock.At(T0), campaign: 10);
        var gate = new SlotGate(slots);
        DialRequest[] requests = [TestRequests.Create(clientId: "acme", campaignId: "spring"), TestRequests.Create(clientId: "globex", campaignId: "autumn")];
        for (var i = 0; i < 100; i++)
        {
            foreach (var r in requests)
            {
                _ = Sync.Run(gate.EnterAsync(r, T0));
                Sync.Run(gate.RollbackAsync(r));
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            foreach (var r in requests)
            {
                Assert.True(Sync.Run(gate.EnterAsync(r, T0)).IsAllowed);
                Sync.Run(gate.RollbackAsync(r));
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
