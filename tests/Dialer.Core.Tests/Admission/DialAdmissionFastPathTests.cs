using System.Collections.Concurrent;
using Dialer.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Core.Tests.Admission;

/// <summary>
/// The composite runs synchronously while every gate completes synchronously and allows, and hands over to the general
/// (async) path at the first gate that denies, is pending, throws or is cancelled. These tests cover every hand-over
/// point, with holds taken before it.
/// </summary>
public sealed class DialAdmissionFastPathTests
{
    private static readonly Instant Now = TestClock.Instant("2026-06-01T15:00:00Z");

    /// <summary>A gate that completes asynchronously (after a yield) and can hold, deny or throw.</summary>
    private sealed class YieldingGate(string name, int order, bool allow, bool holds, bool throws = false) : AdmissionGate
    {
        private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

        public override string Name => name;

        public override int Order => order;

        public ICollection<string> Held => _held.Keys;

        protected override async ValueTask<GateResult> CheckCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return allow ? GateResult.Allowed : Denial(name, at);
        }

        protected override async ValueTask<GateResult> EnterCoreAsync(DialRequest request, Instant at, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (throws)
            {
                throw new InvalidOperationException(name + " failed");
            }

            if (!allow)
            {
                return Denial(name, at);
            }

            if (!holds)
            {
                return GateResult.Allowed;
            }

            _held[request.CallId] = 0;
            return GateResult.AllowedWithLease(at + Duration.FromMinutes(1));
        }

        protected override async ValueTask RollbackCoreAsync(DialRequest request, CancellationToken cancellationToken)
        {
            await Task.Yield();
            _held.TryRemove(request.CallId, out _);
        }
    }

    private static GateResult Denial(string name, Instant at) =>
        GateResult.Denied(new DenialReason(DenialCategory.Protection, "test." + name, "denied by " + name, at + Duration.FromMinutes(5)));

    [Fact]
    public async Task AdmitAsync_SyncHoldThenAsyncDenial_RollsBackTheSyncHoldAndListsTheReason()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new YieldingGate("ledger", 300, allow: false, holds: false);
        var admission = new DialAdmission([slot, ledger], TestClock.At(Now));

        var decision = await admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.False(decision.IsAllowed);
        Assert.Equal("test.ledger", decision.Reasons[0].Code);
        Assert.Empty(slot.Held);
    }

    [Fact]
    public async Task AdmitAsync_SyncHoldThenAsyncHold_IsAllowedWithBothHolds()
    {
        var ledger = new FakeGate("ledger", 100, holds: AdmissionHolds.Attempt);
        var slot = new YieldingGate("slot", 200, allow: true, holds: true);
        var admission = new DialAdmission([ledger, slot], TestClock.At(Now));
        var request = TestRequests.Create();

        var decision = await admission.AdmitAsync(request, Now);

        Assert.True(decision.IsAllowed);
        Assert.Equal(AdmissionHolds.Attempt | AdmissionHolds.SlotLease, decision.Holds);
        Assert.Equal(Now, decision.AttemptRecordedAt);
        Assert.Equal(Now + Duration.FromMinutes(1), decision.LeaseExpiresAt);
        Assert.Contains(request.CallId, slot.Held);
        Assert.Contains(request.CallId, ledger.Held);
    }

    [Fact]
    public async Task AdmitAsync_SyncHoldThenAsyncThrow_RollsBackAndPropagates()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new YieldingGate("ledger", 300, allow: true, holds: true, throws: true);
        var admission = new DialAdmission([slot, ledger], TestClock.At(Now));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await admission.AdmitAsync(TestRequests.Create(), Now));

        Assert.Equal("ledger failed", ex.Message);
        Assert.Empty(slot.Held);
    }

    [Fact]
    public async Task AdmitAsync_SyncGateThrowsSynchronously_FaultsTheReturnedTaskRatherThanThrowing()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var ledger = new FakeGate("ledger", 300) { ThrowOnEnter = new InvalidOperationException("store down") };
        var admission = new DialAdmission([slot, ledger], TestClock.At(Now));

        var pending = admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.True(pending.IsFaulted);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await pending);
        Assert.Equal("store down", ex.Message);
        Assert.Empty(slot.Held);
    }

    [Fact]
    public async Task AdmitAsync_AlreadyCancelled_ThrowsAndHoldsNothing()
    {
        var slot = new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease);
        var admission = new DialAdmission([slot], TestClock.At(Now));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await admission.AdmitAsync(TestRequests.Create(), Now, cts.Token));

        Assert.Equal(0, slot.Enters);
        Assert.Empty(slot.Held);
    }

    [Fact]
    public async Task AdmitAsync_EverySyncGateAllows_CompletesSynchronously()
    {
        var admission = new DialAdmission(
            [new FakeGate("window", 100), new FakeGate("slot", 200, holds: AdmissionHolds.SlotLease), new FakeGate("ledger", 300, holds: AdmissionHolds.Attempt)],
            TestClock.At(Now));

        var pending = admission.AdmitAsync(TestRequests.Create(), Now);

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(AdmissionHolds.SlotLease | AdmissionHolds.Attempt, (await pending).Holds);
    }

    /// <summary>
    /// For any sequence of gates, each synchronous or asynchronous, allowing (with or without a hold) or denying: the
    /// decision is allowed exactly when every gate allows, lists every denying gate's reason in order, and after a denial
    /// nothing is held anywhere; after an allow every holding gate holds.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property AdmitAsync_AnyMixOfSyncAndAsyncGates_MatchesTheSpecification() =>
        Prop.ForAll(
            (from n in Gen.Choose(1, 6) from kinds in Gen.ArrayOf(Gen.Choose(0, 5), n) select kinds).ToArbitrary(),
            kinds =>
            {
                var gates = new List<AdmissionGate>();
                var expectedReasons = new List<string>();
                for (var i = 0; i < kinds.Length; i++)
                {
                    var kind = kinds[i];
                    var name = "g" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var allow = kind % 3 != 2;
                    var holds = kind % 3 == 1;
                    gates.Add(kind < 3
                        ? new FakeGate(name, i, allow ? null : (_, at) => Denial(name, at), holds ? AdmissionHolds.SlotLease : AdmissionHolds.None)
                        : new YieldingGate(name, i, allow, holds));
                    if (!allow)
                    {
                        expectedReasons.Add("test." + name);
                    }
                }

                var admission = new DialAdmission(gates, TestClock.At(Now));
                var request = TestRequests.Create();
#pragma warning disable xUnit1031 // FsCheck runs the property synchronously; the yields complete on the thread pool.
                var decision = admission.AdmitAsync(request, Now).AsTask().GetAwaiter().GetResult();
#pragma warning restore xUnit1031
                var held = gates.Count(g => g is FakeGate f ? f.Held.Count > 0 : ((YieldingGate)g).Held.Count > 0);
                var holding = kinds.Count(k => k % 3 == 1);
                var codes = decision.IsAllowed ? [] : Enumerable.Range(0, decision.Reasons.Count).Select(i => decision.Reasons[i].Code).ToList();
                return decision.IsAllowed == (expectedReasons.Count == 0)
                    && codes.SequenceEqual(expectedReasons)
                    && held == (decision.IsAllowed ? holding : 0);
            });
}
