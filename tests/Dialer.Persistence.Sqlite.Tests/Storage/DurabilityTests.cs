using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Storage;

public sealed class DurabilityTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Reopen_KeepsEveryPortsState()
    {
        var store = _db.Open();
        var phone = PhoneNumber.Parse("+14155550123");
        var request = new DialRequest("call-1", "lead-1", phone, "acme", "spring");
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
        await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), rules);
        await store.AttemptLedger.UpsertBlockAsync(ProtectionBlock.DoNotCall(PhoneNumber.Parse("+14155550999"), "complaint", T0));
        await store.RedialQueue.EnqueueAsync(new RedialEntry(request.WithCallId("call-1/r2"), DueDialKind.Redial, 2, T0 + Duration.FromHours(1)), T0);
        await store.AnsweringMachineTracker.RecordAsync(phone, "call-1", true, T0);
        await store.SlotStore.TryAcquireAsync("call-1", new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, 5)), T0, Duration.FromMinutes(5));
        await store.CampaignStore.CreateAsync(new CampaignDefinition("spring", "acme"), T0);

        store = _db.Reopen(store);

        Assert.Equal(T0, (await store.AttemptLedger.GetAttemptAsync("call-1"))!.Value.RecordedAt);
        Assert.Single(await store.AttemptLedger.ListBlocksAsync(BlockKind.DoNotCall));
        Assert.Equal("call-1/r2", (await store.RedialQueue.GetAsync("lead-1"))!.CallId);
        Assert.Equal(1, (await store.AnsweringMachineTracker.GetAsync(phone)).ConsecutiveMachines);
        Assert.Equal(1, await store.SlotStore.CountAsync(SlotScope.Global, T0));
        Assert.Equal(CampaignState.Draft, (await store.CampaignStore.GetAsync("spring"))!.State);
        Assert.Equal(LedgerStatus.Denied, (await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request.WithCallId("call-2"), T0 + Duration.FromMinutes(1), DateTimeZone.Utc), rules)).Status);
    }

    [Fact]
    public async Task Open_UsesWalAndFullSynchronousAndForeignKeys()
    {
        var store = _db.Open();
        await store.AnsweringMachineTracker.RecordAsync(PhoneNumber.Parse("+14155550123"), "a1", false, T0);

        Assert.Equal("wal", _db.Scalar("PRAGMA journal_mode"));
        Assert.True(File.Exists(_db.Path + "-wal"));

        // Foreign keys: forgetting a number deletes its attempt ids (ON DELETE CASCADE), which only happens with foreign_keys=ON.
        await store.AnsweringMachineTracker.ResetAsync(PhoneNumber.Parse("+14155550123"));
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM am_attempts"));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = _db.Open();
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.RedialQueue.GetAsync("x"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.SlotStore.ReleaseAsync("x"));
    }
}
