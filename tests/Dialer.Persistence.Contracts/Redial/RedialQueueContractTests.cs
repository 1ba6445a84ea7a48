using Dialer.Core;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Contracts.Redial;

/// <summary>
/// The behaviour every <see cref="IRedialQueue"/> must have. A store's test project derives one class from this and
/// supplies <see cref="CreateQueueAsync"/> (an empty queue over fresh storage) and <see cref="ReopenAsync"/> (close the
/// queue and open a new instance over the same storage). Instants are whole seconds, so any store that keeps at least
/// microseconds round-trips them exactly.
/// </summary>
public abstract class RedialQueueContractTests : IAsyncLifetime
{
    /// <summary>The base instant of every test.</summary>
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    /// <summary>The claim time-to-live used unless a test says otherwise.</summary>
    protected static readonly Duration Ttl = Duration.FromMinutes(5);

    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");

    /// <summary>The queue under test (replaced by <see cref="ReopenAsync"/> in durability tests).</summary>
    protected IRedialQueue Queue { get; private set; } = null!;

    /// <summary>Creates an empty queue over fresh storage.</summary>
    protected abstract Task<IRedialQueue> CreateQueueAsync();

    /// <summary>
    /// Closes <paramref name="queue"/> and returns a new instance over the same storage (a process restart).
    /// The in-memory queue returns the same instance.
    /// </summary>
    protected abstract Task<IRedialQueue> ReopenAsync(IRedialQueue queue);

    /// <summary>Releases the queue after a test; disposes it when it is disposable.</summary>
    protected virtual async Task DisposeQueueAsync(IRedialQueue queue)
    {
        switch (queue)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <inheritdoc/>
    public async Task InitializeAsync() => Queue = await CreateQueueAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Queue is not null)
        {
            await DisposeQueueAsync(Queue);
        }
    }

    /// <summary>An entry with every optional request field set, so a round trip proves each column.</summary>
    protected static RedialEntry Entry(
        string leadId = "lead-1",
        string callId = "call-1/r2",
        Instant? dueAt = null,
        string? campaignId = "camp-a",
        DueDialKind kind = DueDialKind.Redial,
        int attempt = 2,
        RedialFlags flags = RedialFlags.None,
        string? reason = "no_answer",
        ulong phone = 0) =>
        new(
            new DialRequest(callId, leadId, phone == 0 ? Phone : PhoneNumber.FromValue(phone), "client-x", campaignId)
            {
                CalleeZoneId = "America/Chicago",
                RegionCode = "TX",
                PostalCode = "75001",
                SubjectKey = "debt-42",
                IsCallback = kind == DueDialKind.Callback,
            },
            kind,
            attempt,
            dueAt ?? T0,
            flags,
            reason);

    private async Task<RedialItem> GetRequiredAsync(string leadId)
    {
        var item = await Queue.GetAsync(leadId);
        Assert.NotNull(item);
        return item;
    }

    private async Task<RedialItem> ClaimOneAsync(string leadId, Instant now)
    {
        var claimed = await Queue.ClaimDueAsync(now, 100, Ttl);
        return Assert.Single(claimed, i => i.LeadId == leadId);
    }

    [Fact]
    public async Task Enqueue_NewLead_StoresEveryFieldAsPending()
    {
        var entry = new RedialEntry(
            new DialRequest("call-9/r3", "lead-9", PhoneNumber.Parse("+442071838750"), "client-y", "camp-z")
            {
                CalleeZoneId = "Europe/London",
                RegionCode = "GB-LND",
                PostalCode = "SW1A 1AA",
                SubjectKey = "acct-7",
                IsCallback = true,
            },
            DueDialKind.Callback,
            3,
            T0 + Duration.FromHours(2),
            RedialFlags.LeaveVoicemail,
            "callback_requested");

        Assert.True(await Queue.EnqueueAsync(entry, T0));

        var item = await GetRequiredAsync("lead-9");
        Assert.Equal(entry, item.Entry);
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal(T0, item.EnqueuedAt);
        Assert.Equal(T0, item.UpdatedAt);
        Assert.Null(item.ClaimToken);
        Assert.Null(item.ClaimExpiresAt);
        Assert.Equal(0, item.ClaimCount);
    }

    [Fact]
    public async Task Enqueue_NullOptionalFields_RoundTripAsNull()
    {
        var entry = new RedialEntry(new DialRequest("c", "lead-n", Phone), DueDialKind.Deferred, 1, T0);

        Assert.True(await Queue.EnqueueAsync(entry, T0));

        var item = await GetRequiredAsync("lead-n");
        Assert.Equal(entry, item.Entry);
        Assert.Null(item.Request.CalleeZoneId);
        Assert.Null(item.Entry.Reason);
        Assert.Equal(DialRequest.DefaultCampaignId, item.Request.CampaignId);
    }

    [Fact]
    public async Task Enqueue_SameEntryAgain_IsIdempotent()
    {
        Assert.True(await Queue.EnqueueAsync(Entry(), T0));
        Assert.True(await Queue.EnqueueAsync(Entry(), T0 + Duration.FromSeconds(10)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(Entry(), item.Entry);
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal(T0, item.EnqueuedAt);
        Assert.Equal(new RedialQueueCounts(0, 1, 0, 0, 0), await Queue.GetCountsAsync(T0));
    }

    [Fact]
    public async Task Enqueue_SameCallIdPending_UpdatesTheEntry()
    {
        await Queue.EnqueueAsync(Entry(dueAt: T0), T0);

        Assert.True(await Queue.EnqueueAsync(Entry(dueAt: T0 + Duration.FromHours(1), kind: DueDialKind.Deferred, reason: "window.closed"), T0 + Duration.FromSeconds(1)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(T0 + Duration.FromHours(1), item.DueAt);
        Assert.Equal(DueDialKind.Deferred, item.Kind);
        Assert.Equal("window.closed", item.Entry.Reason);
        Assert.Equal(T0, item.EnqueuedAt);
        Assert.Equal(T0 + Duration.FromSeconds(1), item.UpdatedAt);
    }

    [Fact]
    public async Task Enqueue_OtherCallIdForSameLead_ReplacesTheItem()
    {
        await Queue.EnqueueAsync(Entry(callId: "call-1/r2", dueAt: T0), T0);

        Assert.True(await Queue.EnqueueAsync(Entry(callId: "call-1/r3", dueAt: T0 + Duration.FromHours(1), attempt: 3), T0 + Duration.FromMinutes(1)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal("call-1/r3", item.CallId);
        Assert.Equal(3, item.Attempt);
        Assert.Equal(T0 + Duration.FromMinutes(1), item.EnqueuedAt);
        var counts = await Queue.GetCountsAsync(T0 + Duration.FromHours(2));
        Assert.Equal(1, counts.Live);
    }

    [Fact]
    public async Task Enqueue_SameCallIdWhileClaimed_IsIgnored()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.False(await Queue.EnqueueAsync(Entry(dueAt: T0 + Duration.FromHours(1)), T0 + Duration.FromMinutes(1)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Claimed, item.State);
        Assert.Equal(claimed.ClaimToken, item.ClaimToken);
        Assert.Equal(T0, item.DueAt);
    }

    [Fact]
    public async Task Enqueue_SameCallIdAfterClaimLapsed_BecomesPendingAndVoidsTheClaim()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        var later = T0 + Ttl;

        Assert.True(await Queue.EnqueueAsync(Entry(dueAt: later + Duration.FromHours(1)), later));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal(later + Duration.FromHours(1), item.DueAt);
        Assert.Equal(1, item.ClaimCount);
        Assert.False(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, later));
    }

    [Fact]
    public async Task Enqueue_SameCallIdAfterCompleted_IsIgnored()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        Assert.True(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0));

        Assert.False(await Queue.EnqueueAsync(Entry(), T0 + Duration.FromMinutes(1)));

        Assert.Equal(RedialItemState.Completed, (await GetRequiredAsync("lead-1")).State);
        Assert.Empty(await Queue.ClaimDueAsync(T0 + Duration.FromDays(1), 10, Ttl));
    }

    [Fact]
    public async Task Enqueue_SameCallIdAfterCancelled_IsIgnored()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        Assert.True(await Queue.CancelAsync("lead-1", T0));

        Assert.False(await Queue.EnqueueAsync(Entry(), T0 + Duration.FromMinutes(1)));

        Assert.Equal(RedialItemState.Cancelled, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task Enqueue_OtherCallIdWhileClaimed_ReplacesAndVoidsTheClaim()
    {
        await Queue.EnqueueAsync(Entry(callId: "call-1/r2"), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.True(await Queue.EnqueueAsync(Entry(callId: "call-1/r3", attempt: 3, dueAt: T0 + Duration.FromHours(1)), T0 + Duration.FromMinutes(1)));

        Assert.False(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0 + Duration.FromMinutes(2)));
        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal("call-1/r3", item.CallId);
        Assert.Equal(0, item.ClaimCount);
    }

    [Fact]
    public async Task Enqueue_OtherCallIdAfterCompleted_AddsTheNewDial()
    {
        await Queue.EnqueueAsync(Entry(callId: "call-1/r2"), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0);

        Assert.True(await Queue.EnqueueAsync(Entry(callId: "call-1/r3", attempt: 3, dueAt: T0 + Duration.FromHours(1)), T0 + Duration.FromMinutes(1)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal("call-1/r3", item.CallId);
    }

    [Fact]
    public async Task ClaimDue_NothingDue_ReturnsEmpty()
    {
        await Queue.EnqueueAsync(Entry(dueAt: T0 + Duration.FromSeconds(1)), T0);

        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl));
        Assert.Equal(RedialItemState.Pending, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task ClaimDue_EmptyQueue_ReturnsEmpty()
    {
        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl));
    }

    [Fact]
    public async Task ClaimDue_ReturnsDueItemsEarliestFirstUpToMax()
    {
        await Queue.EnqueueAsync(Entry(leadId: "c", callId: "c1", dueAt: T0 - Duration.FromMinutes(1)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "a", callId: "a1", dueAt: T0 - Duration.FromMinutes(3)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "d", callId: "d1", dueAt: T0), T0);
        await Queue.EnqueueAsync(Entry(leadId: "b", callId: "b1", dueAt: T0 - Duration.FromMinutes(2)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "e", callId: "e1", dueAt: T0 + Duration.FromSeconds(1)), T0);

        var first = await Queue.ClaimDueAsync(T0, 3, Ttl);
        var second = await Queue.ClaimDueAsync(T0, 3, Ttl);

        Assert.Equal(["a", "b", "c"], first.Select(i => i.LeadId));
        Assert.Equal(["d"], second.Select(i => i.LeadId));
    }

    [Fact]
    public async Task ClaimDue_SetsTheClaim()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var now = T0 + Duration.FromMinutes(1);

        var claimed = await ClaimOneAsync("lead-1", now);

        Assert.Equal(RedialItemState.Claimed, claimed.State);
        Assert.False(string.IsNullOrEmpty(claimed.ClaimToken));
        Assert.Equal(now + Ttl, claimed.ClaimExpiresAt);
        Assert.Equal(1, claimed.ClaimCount);
        Assert.Equal(Entry(), claimed.Entry);
        var stored = await GetRequiredAsync("lead-1");
        Assert.Equal(claimed.ClaimToken, stored.ClaimToken);
        Assert.Equal(claimed.ClaimExpiresAt, stored.ClaimExpiresAt);
        Assert.Equal(RedialItemState.Claimed, stored.State);
    }

    [Fact]
    public async Task ClaimDue_ClaimedItem_IsNotClaimedAgainUntilTheClaimLapses()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var first = await ClaimOneAsync("lead-1", T0);

        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl));
        Assert.Empty(await Queue.ClaimDueAsync(T0 + Ttl - Duration.FromSeconds(1), 10, Ttl));

        var second = await ClaimOneAsync("lead-1", T0 + Ttl);
        Assert.NotEqual(first.ClaimToken, second.ClaimToken);
        Assert.Equal(2, second.ClaimCount);
        Assert.Equal(T0 + Ttl + Ttl, second.ClaimExpiresAt);
        Assert.False(await Queue.CompleteAsync("lead-1", first.ClaimToken!, T0 + Ttl));
        Assert.True(await Queue.CompleteAsync("lead-1", second.ClaimToken!, T0 + Ttl));
    }

    [Fact]
    public async Task ClaimDue_ByCampaign_ReturnsOnlyThatCampaign()
    {
        await Queue.EnqueueAsync(Entry(leadId: "a", callId: "a1", campaignId: "camp-a"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "b", callId: "b1", campaignId: "camp-b"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "c", callId: "c1", campaignId: "camp-a", dueAt: T0 - Duration.FromMinutes(1)), T0);

        var claimed = await Queue.ClaimDueAsync(T0, 10, Ttl, "camp-a");

        Assert.Equal(["c", "a"], claimed.Select(i => i.LeadId));
        Assert.Equal(["b"], (await Queue.ClaimDueAsync(T0, 10, Ttl)).Select(i => i.LeadId));
        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl, "camp-a"));
    }

    [Fact]
    public async Task ClaimDue_ByCampaign_SeesItemsChangedAfterAnEarlierCampaignClaim()
    {
        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl, "camp-a"));
        await Queue.EnqueueAsync(Entry(leadId: "a", callId: "a1", campaignId: "camp-a"), T0);
        var first = await Queue.ClaimDueAsync(T0, 10, Ttl, "camp-a");
        Assert.Single(first);

        var again = await Queue.ClaimDueAsync(T0 + Ttl, 10, Ttl, "camp-a");

        Assert.Equal(["a"], again.Select(i => i.LeadId));
    }

    [Fact]
    public async Task ClaimDue_InvalidArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Queue.ClaimDueAsync(T0, 0, Ttl));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Queue.ClaimDueAsync(T0, 1, Duration.Zero));
    }

    [Fact]
    public async Task Complete_WithCurrentToken_CompletesOnce()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        var now = T0 + Duration.FromMinutes(1);

        Assert.True(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, now));
        Assert.False(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, now));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Completed, item.State);
        Assert.Equal(now, item.UpdatedAt);
        Assert.Null(item.ClaimToken);
        Assert.Empty(await Queue.ClaimDueAsync(T0 + Duration.FromDays(1), 10, Ttl));
    }

    [Fact]
    public async Task Complete_WithWrongTokenOrLead_ChangesNothing()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.False(await Queue.CompleteAsync("lead-1", "not-the-token", T0));
        Assert.False(await Queue.CompleteAsync("lead-2", claimed.ClaimToken!, T0));

        Assert.Equal(RedialItemState.Claimed, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task Complete_PendingItem_ChangesNothing()
    {
        await Queue.EnqueueAsync(Entry(), T0);

        Assert.False(await Queue.CompleteAsync("lead-1", "any", T0));

        Assert.Equal(RedialItemState.Pending, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task Complete_LapsedClaimNotYetReclaimed_Succeeds()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.True(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0 + Ttl + Duration.FromMinutes(1)));

        Assert.Equal(RedialItemState.Completed, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task Release_WithoutDueTime_KeepsTheDueTimeAndIsClaimableAgain()
    {
        await Queue.EnqueueAsync(Entry(dueAt: T0), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.True(await Queue.ReleaseAsync("lead-1", claimed.ClaimToken!, null, T0 + Duration.FromSeconds(5)));
        Assert.False(await Queue.ReleaseAsync("lead-1", claimed.ClaimToken!, null, T0 + Duration.FromSeconds(5)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal(T0, item.DueAt);
        Assert.Null(item.ClaimToken);
        Assert.Equal(1, item.ClaimCount);
        var again = await ClaimOneAsync("lead-1", T0 + Duration.FromSeconds(6));
        Assert.Equal(2, again.ClaimCount);
    }

    [Fact]
    public async Task Release_WithDueTime_MovesTheDueTime()
    {
        await Queue.EnqueueAsync(Entry(dueAt: T0), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        var later = T0 + Duration.FromHours(3);

        Assert.True(await Queue.ReleaseAsync("lead-1", claimed.ClaimToken!, later, T0));

        Assert.Equal(later, (await GetRequiredAsync("lead-1")).DueAt);
        Assert.Empty(await Queue.ClaimDueAsync(later - Duration.FromSeconds(1), 10, Ttl));
        Assert.Single(await Queue.ClaimDueAsync(later, 10, Ttl));
    }

    [Fact]
    public async Task Release_WithStaleToken_ChangesNothing()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var first = await ClaimOneAsync("lead-1", T0);
        var second = await ClaimOneAsync("lead-1", T0 + Ttl);

        Assert.False(await Queue.ReleaseAsync("lead-1", first.ClaimToken!, T0 + Duration.FromDays(1), T0 + Ttl));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Claimed, item.State);
        Assert.Equal(second.ClaimToken, item.ClaimToken);
        Assert.Equal(T0, item.DueAt);
    }

    [Fact]
    public async Task Reschedule_PendingItem_MovesTheDueTime()
    {
        await Queue.EnqueueAsync(Entry(dueAt: T0), T0);
        var later = T0 + Duration.FromHours(1);

        Assert.True(await Queue.RescheduleAsync("lead-1", later, T0));

        Assert.Equal(later, (await GetRequiredAsync("lead-1")).DueAt);
        Assert.Empty(await Queue.ClaimDueAsync(T0, 10, Ttl));
        Assert.Single(await Queue.ClaimDueAsync(later, 10, Ttl));
    }

    [Fact]
    public async Task Reschedule_LiveClaimCompletedCancelledOrUnknown_ChangesNothing()
    {
        await Queue.EnqueueAsync(Entry(leadId: "claimed", callId: "x1"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "completed", callId: "x2"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "cancelled", callId: "x3"), T0);
        var claimed = await Queue.ClaimDueAsync(T0, 10, Ttl);
        await Queue.CompleteAsync("completed", claimed.Single(i => i.LeadId == "completed").ClaimToken!, T0);
        await Queue.CancelAsync("cancelled", T0);
        var later = T0 + Duration.FromHours(1);

        Assert.False(await Queue.RescheduleAsync("claimed", later, T0));
        Assert.False(await Queue.RescheduleAsync("completed", later, T0));
        Assert.False(await Queue.RescheduleAsync("cancelled", later, T0));
        Assert.False(await Queue.RescheduleAsync("unknown", later, T0));

        Assert.Equal(RedialItemState.Claimed, (await GetRequiredAsync("claimed")).State);
        Assert.Equal(T0, (await GetRequiredAsync("claimed")).DueAt);
    }

    [Fact]
    public async Task Reschedule_LapsedClaim_BecomesPendingAndVoidsTheClaim()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        var later = T0 + Duration.FromHours(1);

        Assert.True(await Queue.RescheduleAsync("lead-1", later, T0 + Ttl));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Equal(later, item.DueAt);
        Assert.False(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0 + Ttl));
        Assert.Empty(await Queue.ClaimDueAsync(later - Duration.FromSeconds(1), 10, Ttl));
    }

    [Fact]
    public async Task Cancel_PendingItem_IsCancelledOnce()
    {
        await Queue.EnqueueAsync(Entry(), T0);

        Assert.True(await Queue.CancelAsync("lead-1", T0 + Duration.FromSeconds(1)));
        Assert.False(await Queue.CancelAsync("lead-1", T0 + Duration.FromSeconds(2)));

        var item = await GetRequiredAsync("lead-1");
        Assert.Equal(RedialItemState.Cancelled, item.State);
        Assert.Equal(T0 + Duration.FromSeconds(1), item.UpdatedAt);
        Assert.Empty(await Queue.ClaimDueAsync(T0 + Duration.FromDays(1), 10, Ttl));
    }

    [Fact]
    public async Task Cancel_ClaimedItem_VoidsTheClaim()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);

        Assert.True(await Queue.CancelAsync("lead-1", T0));

        Assert.False(await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0));
        Assert.False(await Queue.ReleaseAsync("lead-1", claimed.ClaimToken!, null, T0));
        Assert.Equal(RedialItemState.Cancelled, (await GetRequiredAsync("lead-1")).State);
        Assert.Null((await GetRequiredAsync("lead-1")).ClaimToken);
    }

    [Fact]
    public async Task Cancel_UnknownOrCompletedLead_ReturnsFalse()
    {
        await Queue.EnqueueAsync(Entry(), T0);
        var claimed = await ClaimOneAsync("lead-1", T0);
        await Queue.CompleteAsync("lead-1", claimed.ClaimToken!, T0);

        Assert.False(await Queue.CancelAsync("lead-1", T0));
        Assert.False(await Queue.CancelAsync("nobody", T0));
        Assert.Equal(RedialItemState.Completed, (await GetRequiredAsync("lead-1")).State);
    }

    [Fact]
    public async Task Get_UnknownLead_ReturnsNull()
    {
        Assert.Null(await Queue.GetAsync("nobody"));
    }

    [Fact]
    public async Task GetCounts_CountsEveryState()
    {
        await Queue.EnqueueAsync(Entry(leadId: "scheduled", callId: "s", dueAt: T0 + Duration.FromHours(1)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "due", callId: "d", dueAt: T0 - Duration.FromHours(3)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "claimed", callId: "c", dueAt: T0 - Duration.FromHours(5)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "lapsed", callId: "l", dueAt: T0 - Duration.FromHours(4)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "completed", callId: "x", dueAt: T0 - Duration.FromHours(6), campaignId: "camp-b"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "cancelled", callId: "y", dueAt: T0 - Duration.FromHours(7)), T0);
        var early = T0 - Duration.FromMinutes(10);
        var first = await Queue.ClaimDueAsync(early, 2, Ttl);
        Assert.Equal(["cancelled", "completed"], first.Select(i => i.LeadId));
        await Queue.CompleteAsync("completed", first[1].ClaimToken!, T0);
        await Queue.CancelAsync("cancelled", T0);
        Assert.Equal(["claimed"], (await Queue.ClaimDueAsync(early, 1, Duration.FromHours(1))).Select(i => i.LeadId));
        Assert.Equal(["lapsed"], (await Queue.ClaimDueAsync(early, 1, Duration.FromMinutes(5))).Select(i => i.LeadId));

        Assert.Equal(new RedialQueueCounts(1, 2, 1, 1, 1), await Queue.GetCountsAsync(T0));
        Assert.Equal(new RedialQueueCounts(1, 2, 1, 0, 1), await Queue.GetCountsAsync(T0, "camp-a"));
        Assert.Equal(new RedialQueueCounts(0, 0, 0, 1, 0), await Queue.GetCountsAsync(T0, "camp-b"));
        Assert.Equal(default, await Queue.GetCountsAsync(T0, "camp-none"));
    }

    [Fact]
    public async Task Purge_RemovesOnlyOldCompletedAndCancelledItems()
    {
        await Queue.EnqueueAsync(Entry(leadId: "old-done", callId: "1"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "old-cancelled", callId: "2"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "new-done", callId: "3"), T0);
        await Queue.EnqueueAsync(Entry(leadId: "old-pending", callId: "4", dueAt: T0 + Duration.FromDays(30)), T0);
        await Queue.EnqueueAsync(Entry(leadId: "old-claimed", callId: "5"), T0);
        var claimed = await Queue.ClaimDueAsync(T0, 10, Ttl);
        await Queue.CompleteAsync("old-done", claimed.Single(i => i.LeadId == "old-done").ClaimToken!, T0);
        await Queue.CancelAsync("old-cancelled", T0);
        await Queue.CompleteAsync("new-done", claimed.Single(i => i.LeadId == "new-done").ClaimToken!, T0 + Duration.FromDays(2));

        Assert.Equal(2, await Queue.PurgeAsync(T0 + Duration.FromDays(1)));
        Assert.Equal(0, await Queue.PurgeAsync(T0 + Duration.FromDays(1)));

        Assert.Null(await Queue.GetAsync("old-done"));
        Assert.Null(await Queue.GetAsync("old-cancelled"));
        Assert.NotNull(await Queue.GetAsync("new-done"));
        Assert.NotNull(await Queue.GetAsync("old-pending"));
        Assert.NotNull(await Queue.GetAsync("old-claimed"));
    }

    [Fact]
    public async Task Reopen_KeepsItemsAndClaims()
    {
        await Queue.EnqueueAsync(Entry(leadId: "pending", callId: "p", dueAt: T0 + Duration.FromHours(1), flags: RedialFlags.LeaveVoicemail), T0);
        await Queue.EnqueueAsync(Entry(leadId: "claimed", callId: "c"), T0);
        var claimed = await ClaimOneAsync("claimed", T0);

        Queue = await ReopenAsync(Queue);

        var pending = await GetRequiredAsync("pending");
        Assert.Equal(Entry(leadId: "pending", callId: "p", dueAt: T0 + Duration.FromHours(1), flags: RedialFlags.LeaveVoicemail), pending.Entry);
        var stillClaimed = await GetRequiredAsync("claimed");
        Assert.Equal(claimed.ClaimToken, stillClaimed.ClaimToken);
        Assert.Equal(claimed.ClaimExpiresAt, stillClaimed.ClaimExpiresAt);
        Assert.Empty(await Queue.ClaimDueAsync(T0 + Duration.FromMinutes(1), 10, Ttl));
        Assert.True(await Queue.CompleteAsync("claimed", claimed.ClaimToken!, T0 + Duration.FromMinutes(1)));
        Assert.Equal(["pending"], (await Queue.ClaimDueAsync(T0 + Duration.FromHours(1), 10, Ttl)).Select(i => i.LeadId));
    }

    [Fact]
    public async Task ClaimDue_ConcurrentClaimers_ClaimEachItemExactlyOnce()
    {
        const int Items = 240;
        for (var i = 0; i < Items; i++)
        {
            await Queue.EnqueueAsync(Entry(leadId: $"lead-{i:D4}", callId: $"call-{i}", dueAt: T0 - Duration.FromSeconds(i % 17)), T0);
        }

        var claims = new System.Collections.Concurrent.ConcurrentBag<RedialItem>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            while (true)
            {
                var batch = await Queue.ClaimDueAsync(T0, 7, Ttl);
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var item in batch)
                {
                    claims.Add(item);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        Assert.Equal(Items, claims.Count);
        Assert.Equal(Items, claims.Select(c => c.LeadId).Distinct().Count());
        Assert.Equal(new RedialQueueCounts(0, 0, Items, 0, 0), await Queue.GetCountsAsync(T0));
    }
}
