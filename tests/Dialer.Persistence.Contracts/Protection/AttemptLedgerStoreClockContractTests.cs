using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Persistence.Contracts.Protection;

/// <summary>
/// The contract for a ledger in its production clock mode: a store whose clock is authoritative (PostgreSQL's
/// database clock) records at its own "now", and every instant it answers with must be consistent with the instant it
/// recorded. These tests never travel in time; they compare with <see cref="LedgerResult.RecordedAt"/>. A ledger that
/// honours <see cref="AttemptContext.At"/> (the in-memory one) passes them too.
/// </summary>
public abstract class AttemptLedgerStoreClockContractTests : IAsyncLifetime
{
    private readonly List<IAttemptLedger> _created = [];

    /// <summary>Creates a ledger in its production clock mode.</summary>
    protected abstract Task<IAttemptLedger> CreateLedgerAsync();

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        foreach (var ledger in _created)
        {
            switch (ledger)
            {
                case IAsyncDisposable d:
                    await d.DisposeAsync();
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }
    }

    [Fact]
    public async Task TryRecord_SecondAttemptRightAway_ClearsAtTheFirstRecordedInstantPlusTheWindow()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        var at = Now();

        var first = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), at), rules);
        var second = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), at), rules);
        var evaluated = await ledger.EvaluateAsync(Ctx(Req(phone), at), rules);

        Assert.Equal(LedgerStatus.Recorded, first.Status);
        Assert.NotNull(first.RecordedAt);
        Assert.Equal(first.RecordedAt, first.EvaluatedAt);
        Assert.Equal(LedgerStatus.Denied, second.Status);
        Assert.Equal(first.RecordedAt!.Value + Duration.FromMinutes(10), Assert.Single(second.Reasons).ClearsAt);
        Assert.True(second.EvaluatedAt >= first.RecordedAt, $"evaluated {second.EvaluatedAt} before recorded {first.RecordedAt}");
        Assert.Equal(second.NextEligibleAt, evaluated.NextEligibleAt);
    }

    [Fact]
    public async Task TryRecord_SameIdAgain_ReturnsTheStoresOriginalInstant()
    {
        var ledger = await NewLedgerAsync();
        var request = Req(NewPhone());
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);

        var first = await ledger.TryRecordAttemptAsync(Ctx(request, Now()), rules);
        var again = await ledger.TryRecordAttemptAsync(Ctx(request, Now()), rules);

        Assert.Equal(LedgerStatus.AlreadyRecorded, again.Status);
        Assert.Equal(first.RecordedAt, again.RecordedAt);
        Assert.Equal(first.RecordedAt, (await ledger.GetAttemptAsync(request.CallId))!.Value.RecordedAt);
    }

    [Fact]
    public async Task TryRecord_RollingCap_ClearsAtTheOldestCountedRecordedInstantPlusTheWindow()
    {
        var ledger = await NewLedgerAsync();
        var phone = NewPhone();
        var rules = new ProtectionRules([CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Duration.FromHours(24), 2)]);

        var first = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Now()), rules);
        var second = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Now()), rules);
        var third = await ledger.TryRecordAttemptAsync(Ctx(Req(phone), Now()), rules);

        Assert.Equal(LedgerStatus.Recorded, second.Status);
        Assert.Equal(first.RecordedAt!.Value + Duration.FromHours(24), Assert.Single(third.Reasons).ClearsAt);
    }

    private async Task<IAttemptLedger> NewLedgerAsync()
    {
        var ledger = await CreateLedgerAsync();
        _created.Add(ledger);
        return ledger;
    }

    // The instant asked for; a store with its own clock ignores it, the in-memory ledger uses it.
    private static Instant Now() => Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    private static PhoneNumber NewPhone() => PhoneNumber.FromValue((ulong)Random.Shared.NextInt64(100_000_000_000_000, 999_999_999_999_999));

    private static DialRequest Req(PhoneNumber phone) => new("call-" + Guid.NewGuid().ToString("N"), "lead-" + Guid.NewGuid().ToString("N"), phone);

    private static AttemptContext Ctx(DialRequest request, Instant at) => new(request, at, DateTimeZone.Utc);
}
