using Dialer.Campaigns.Tests.Support;
using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Runner;

public sealed class CampaignRunnerTests
{
    private static readonly Instant T0 = RunnerHarness.T0;

    private static string[] Leads(params int[] indexes) => [.. indexes.Select(i => "lead-" + i)];

    private static string[] Range(int from, int count) => Leads([.. Enumerable.Range(from, count)]);

    [Fact]
    public async Task Run_EveryLead_PlacesEachOnceInOrderAndCompletes()
    {
        using var h = new RunnerHarness(leads: 7);
        h.Placer.Disposition = r => r.LeadId == "lead-3" ? Disposition.Conversation : Disposition.NoAnswer;
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(7, result.Cursor);
        Assert.Equal(Range(0, 7), h.Placer.PlacedLeadIds);
        Assert.Equal(["spring:0", "spring:1", "spring:2", "spring:3", "spring:4", "spring:5", "spring:6"], h.Reported.Outcomes.Select(o => o.AttemptId));
        var c = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Completed, c.State);
        Assert.Equal(7, c.Cursor);
        Assert.Equal(7, c.Processed);
        Assert.Equal(7, c.TotalLeads);
        Assert.Null(c.InFlightCallId);
        Assert.Equal(6, c.OutcomeCounts["no_answer"]);
        Assert.Equal(1, c.OutcomeCounts["conversation"]);
        Assert.Equal(0, await h.SlotStore.CountAsync(SlotScope.Global, h.Time.GetCurrentInstant()));
    }

    [Fact]
    public async Task Run_RequestsCarryTheLeadAndCampaign()
    {
        using var h = new RunnerHarness(leads: 1);
        h.Leads.Leads[0] = new CampaignLead("lead-0", PhoneNumber.Parse("+13125550100")) { CalleeZoneId = "America/Chicago", RegionCode = "IL", PostalCode = "60601", SubjectKey = "debt-9" };
        var id = await h.StartedCampaignAsync();
        await h.DriveAsync(h.Runner("host-a").RunAsync(id));
        var request = Assert.Single(h.Placer.Placed).Request;
        Assert.Equal("spring:0", request.CallId);
        Assert.Equal("acme", request.ClientId);
        Assert.Equal("spring", request.CampaignId);
        Assert.Equal(PhoneNumber.Parse("+13125550100"), request.Phone);
        Assert.Equal("America/Chicago", request.CalleeZoneId);
        Assert.Equal("IL", request.RegionCode);
        Assert.Equal("60601", request.PostalCode);
        Assert.Equal("debt-9", request.SubjectKey);
    }

    [Fact]
    public async Task Run_PausedMidRun_StopsBetweenLeadsAndResumesAtTheExactNextLead()
    {
        using var h = new RunnerHarness(leads: 10);
        var id = await h.StartedCampaignAsync();
        h.Placer.BeforeAnswer = async r =>
        {
            if (r.LeadId == "lead-3")
            {
                Assert.True((await h.Manager.PauseAsync(id)).Succeeded);
            }
        };

        var run = h.Runner("host-a").RunAsync(id);
        await RunnerHarness.SettleAsync();
        Assert.False(run.IsCompleted);
        Assert.Equal(Range(0, 4), h.Placer.PlacedLeadIds);
        var paused = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Paused, paused.State);
        Assert.Equal(4, paused.Cursor);
        Assert.Null(paused.InFlightCallId);

        // Paused for ten minutes: nothing is dialed, and the owner keeps heartbeating so nobody takes it over.
        for (var i = 0; i < 60; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(10));
            await RunnerHarness.SettleAsync();
        }

        Assert.Equal(4, h.Placer.Placed.Count);
        var stillPaused = (await h.Campaigns.GetAsync(id))!;
        Assert.False(stillPaused.IsOwnerStale(h.Time.GetCurrentInstant(), Duration.FromSeconds(30)));
        Assert.Equal(CampaignRefusal.NotRunning, (await h.Runner("host-b").RunAsync(id)).Refusal);

        Assert.True((await h.Manager.ResumeAsync(id)).Succeeded);
        var result = await h.DriveAsync(run);
        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Range(0, 10), h.Placer.PlacedLeadIds);
        Assert.Equal(CampaignState.Completed, (await h.Campaigns.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Run_CancelledMidRun_StopsAfterTheCurrentLead()
    {
        using var h = new RunnerHarness(leads: 10);
        var id = await h.StartedCampaignAsync();
        h.Placer.BeforeAnswer = async r =>
        {
            if (r.LeadId == "lead-5")
            {
                await h.Manager.CancelAsync(id);
            }
        };

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));
        Assert.Equal(CampaignRunStatus.Cancelled, result.Status);
        Assert.Equal(Range(0, 6), h.Placer.PlacedLeadIds);
        var c = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Cancelled, c.State);
        Assert.Equal(6, c.Cursor);
    }

    [Fact]
    public async Task Run_PlacerThrows_MarksTheLeadFailedReportsItAndGoesOn()
    {
        using var h = new RunnerHarness(leads: 10);
        h.Placer.Throws = r => r.LeadId is "lead-2" or "lead-5";
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Range(0, 10), h.Placer.PlacedLeadIds);
        Assert.Equal(Disposition.Failed, h.Reported.Outcomes.Single(o => o.AttemptId == "spring:2").Disposition);
        Assert.Equal(Disposition.Failed, h.Reported.Outcomes.Single(o => o.AttemptId == "spring:5").Disposition);
        var c = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(2, c.OutcomeCounts["failed"]);
        Assert.Equal(8, c.OutcomeCounts["no_answer"]);
        Assert.Equal(2, c.PlacementErrors);
        Assert.Equal(0, c.ConsecutivePlacementErrors);
        Assert.Equal(0, await h.SlotStore.CountAsync(SlotScope.Global, h.Time.GetCurrentInstant()));
    }

    [Fact]
    public async Task Run_PlacerKeepsThrowing_FailsTheCampaignOnceTheBudgetIsSpent()
    {
        using var h = new RunnerHarness(leads: 10);
        h.Placer.Throws = _ => true;
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        // Budget 3: the fourth failure in a row fails the campaign.
        Assert.Equal(CampaignRunStatus.Failed, result.Status);
        Assert.Equal(Range(0, 4), h.Placer.PlacedLeadIds);
        Assert.Equal("The call placer failed 4 times in a row; the budget is 3.", result.Error);
        var c = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Failed, c.State);
        Assert.Equal(result.Error, c.Error);
        Assert.Equal(4, c.Cursor);
        Assert.Equal(4, c.ConsecutivePlacementErrors);
        Assert.Equal(0, await h.SlotStore.CountAsync(SlotScope.Global, h.Time.GetCurrentInstant()));
    }

    [Fact]
    public async Task Run_FailuresInterruptedBySuccess_DoNotSpendTheBudget()
    {
        using var h = new RunnerHarness(leads: 9);
        h.Placer.Throws = r => r.LeadId is not ("lead-3" or "lead-7");
        var id = await h.StartedCampaignAsync();
        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));
        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(7, (await h.Campaigns.GetAsync(id))!.PlacementErrors);
    }

    [Fact]
    public async Task Run_HostStops_CheckpointsReleasesOwnershipAndAnotherHostResumesAtTheNextLead()
    {
        using var h = new RunnerHarness(leads: 10);
        var id = await h.StartedCampaignAsync();
        using var shutdown = new CancellationTokenSource();
        h.Placer.BeforeAnswer = r =>
        {
            if (r.LeadId == "lead-3")
            {
                shutdown.Cancel();
            }

            return Task.CompletedTask;
        };

        var stopped = await h.DriveAsync(h.Runner("host-a").RunAsync(id, shutdown.Token));
        Assert.Equal(CampaignRunStatus.Stopped, stopped.Status);
        Assert.Equal(4, stopped.Cursor);
        var c = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Running, c.State);
        Assert.Null(c.OwnerId);
        Assert.Equal(4, c.Cursor);
        Assert.Equal(0, await h.SlotStore.CountAsync(SlotScope.Global, h.Time.GetCurrentInstant()));

        h.Placer.BeforeAnswer = null;
        var resumed = await h.DriveAsync(h.Runner("host-b").RunAsync(id));
        Assert.Equal(CampaignRunStatus.Completed, resumed.Status);
        Assert.Equal(Range(0, 10), h.Placer.PlacedLeadIds);
    }

    [Fact]
    public async Task Run_StoppedWhileDialing_CountsTheCallUnknownAndNeverDialsItAgain()
    {
        using var h = new RunnerHarness(leads: 5);
        var id = await h.StartedCampaignAsync();
        using var shutdown = new CancellationTokenSource();
        h.Placer.BeforeAnswer = r =>
        {
            if (r.LeadId == "lead-2")
            {
                shutdown.Cancel();
                shutdown.Token.ThrowIfCancellationRequested();
            }

            return Task.CompletedTask;
        };

        var stopped = await h.DriveAsync(h.Runner("host-a").RunAsync(id, shutdown.Token));
        Assert.Equal(CampaignRunStatus.Stopped, stopped.Status);
        Assert.Equal(Disposition.UnknownOutcome, h.Reported.Outcomes.Single(o => o.AttemptId == "spring:2").Disposition);

        h.Placer.BeforeAnswer = null;
        await h.DriveAsync(h.Runner("host-b").RunAsync(id));
        Assert.Equal(Range(0, 5), h.Placer.PlacedLeadIds);
        Assert.Equal(1, (await h.Campaigns.GetAsync(id))!.OutcomeCounts["unknown_outcome"]);
    }

    [Fact]
    public async Task Run_OwnerStallsPastTheThreshold_AnotherHostTakesOverAtTheCheckpointAndTheLateCheckpointIsRejected()
    {
        using var h = new RunnerHarness(leads: 10);
        var id = await h.StartedCampaignAsync();

        // Host A's process freezes while dialing lead 4: its call hangs and its heartbeats stop reaching the store.
        var storeA = new StallableCampaignStore(h.Campaigns);
        var placerA = new FakePlacer(h.Time) { Name = "A" };
        var callEnds = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        placerA.BeforeAnswer = async r =>
        {
            if (r.LeadId == "lead-4")
            {
                storeA.Stall();
                await callEnds.Task;
            }
        };
        var runA = h.Runner("host-a", storeA, placerA).RunAsync(id);
        await RunnerHarness.SettleAsync();
        Assert.False(runA.IsCompleted);
        var checkpoint = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(4, checkpoint.Cursor);
        Assert.Equal("spring:4", checkpoint.InFlightCallId);

        // Host B may not take over while A's last heartbeat is fresh ...
        var placerB = new FakePlacer(h.Time) { Name = "B" };
        var runnerB = h.Runner("host-b", placer: placerB);
        h.Time.Advance(TimeSpan.FromSeconds(29));
        var early = await runnerB.RunAsync(id);
        Assert.Equal(CampaignRunStatus.NotClaimed, early.Status);
        Assert.Equal(CampaignRefusal.OwnerAlive, early.Refusal);

        // ... but once it is older than the threshold, B takes over at the checkpoint and finishes the campaign.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var resultB = await h.DriveAsync(runnerB.RunAsync(id));
        Assert.Equal(CampaignRunStatus.Completed, resultB.Status);
        Assert.Equal(Range(5, 5), placerB.PlacedLeadIds);

        // A wakes up: its call ends, it reports the real outcome, and its late checkpoint is rejected (fencing).
        storeA.Unstall();
        callEnds.SetResult();
        var resultA = await runA.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CampaignRunStatus.Fenced, resultA.Status);
        Assert.Equal(Range(0, 5), placerA.PlacedLeadIds);
        Assert.Contains(h.Reported.Outcomes, o => o.AttemptId == "spring:4" && o.Disposition == Disposition.NoAnswer);

        // Across the whole run no lead was skipped and none was placed twice.
        var all = placerA.PlacedLeadIds.Concat(placerB.PlacedLeadIds).ToList();
        Assert.Equal(Range(0, 10), all.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        Assert.Equal(all.Count, all.Distinct().Count());

        var final = (await h.Campaigns.GetAsync(id))!;
        Assert.Equal(CampaignState.Completed, final.State);
        Assert.Equal("host-b", final.OwnerId);
        Assert.Equal(2, final.Epoch);
        Assert.Equal(10, final.Cursor);
        Assert.Equal(10, final.Processed);
        Assert.Equal(9, final.OutcomeCounts["no_answer"]);
        Assert.Equal(1, final.OutcomeCounts["unknown_outcome"]);
    }

    [Fact]
    public async Task Run_NotRunning_IsNotClaimed()
    {
        using var h = new RunnerHarness(leads: 3);
        await h.Manager.CreateAsync(new CampaignDefinition("draft", "acme"));
        var result = await h.Runner("host-a").RunAsync("draft");
        Assert.Equal(CampaignRunStatus.NotClaimed, result.Status);
        Assert.Equal(CampaignRefusal.NotRunning, result.Refusal);
        Assert.Equal(CampaignRefusal.NotFound, (await h.Runner("host-a").RunAsync("missing")).Refusal);
        Assert.Empty(h.Placer.Placed);
    }

    [Fact]
    public async Task Run_WindowClosedForALead_DefersItToTheDueQueue()
    {
        using var h = new RunnerHarness(leads: 5);
        h.DueDials = new FakeDueDialQueue();
        var opens = T0 + Duration.FromHours(2);
        h.ExtraGates.Add(new FakeGate("window", AdmissionGateOrder.CallingWindow, (r, at) => r.LeadId == "lead-2" && at < opens
            ? GateResult.Denied(new DenialReason(DenialCategory.CallingWindow, "window.closed", "Calling is closed.", opens))
            : GateResult.Allowed));
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Leads(0, 1, 3, 4), h.Placer.PlacedLeadIds);
        var deferred = Assert.Single(h.DueDials.Pending);
        Assert.Equal("lead-2", deferred.Request.LeadId);
        Assert.Equal(opens, deferred.DueAt);
        Assert.Equal(DueDialKind.Deferred, deferred.Kind);
        Assert.Equal(1, (await h.Campaigns.GetAsync(id))!.OutcomeCounts["deferred"]);
    }

    [Fact]
    public async Task Run_WindowClosedAndNoDueQueue_WaitsForTheWindowThenPlacesInOrder()
    {
        using var h = new RunnerHarness(leads: 4);
        var opens = T0 + Duration.FromMinutes(2);
        h.ExtraGates.Add(new FakeGate("window", AdmissionGateOrder.CallingWindow, (r, at) => r.LeadId == "lead-1" && at < opens
            ? GateResult.Denied(new DenialReason(DenialCategory.CallingWindow, "window.closed", "Calling is closed.", opens))
            : GateResult.Allowed));
        var id = await h.StartedCampaignAsync();
        DateTimeOffset? placedAt = null;
        h.Placer.BeforeAnswer = r =>
        {
            if (r.LeadId == "lead-1")
            {
                placedAt = h.Time.GetUtcNow();
            }

            return Task.CompletedTask;
        };

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));
        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Range(0, 4), h.Placer.PlacedLeadIds);
        Assert.True(placedAt >= opens.ToDateTimeOffset(), $"lead-1 was placed at {placedAt}, before the window opened");
    }

    [Fact]
    public async Task Run_NoSlotFree_WaitsAndPlacesTheLeadOnceASlotIsReleased()
    {
        using var h = new RunnerHarness(leads: 3);
        var scopes = h.Slots.ScopesFor("acme", "spring");
        await h.Slots.TryAcquireAsync("other-1", scopes);
        await h.Slots.TryAcquireAsync("other-2", scopes);
        var id = await h.StartedCampaignAsync();

        var run = h.Runner("host-a").RunAsync(id);
        for (var i = 0; i < 10; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await RunnerHarness.SettleAsync();
        }

        Assert.Empty(h.Placer.Placed);
        Assert.Equal(0, (await h.Campaigns.GetAsync(id))!.Cursor);
        await h.Slots.ReleaseAsync("other-1");
        var result = await h.DriveAsync(run);
        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Range(0, 3), h.Placer.PlacedLeadIds);
    }

    [Fact]
    public async Task Run_LeadDeniedByProtection_IsCountedAndNotPlaced()
    {
        using var h = new RunnerHarness(leads: 4);
        h.ExtraGates.Add(new FakeGate("protection", AdmissionGateOrder.Protection, (r, _) => r.LeadId == "lead-1"
            ? GateResult.Denied(new DenialReason(DenialCategory.Protection, "protection.dnc", "On the do-not-call list.", null))
            : GateResult.Allowed));
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(Leads(0, 2, 3), h.Placer.PlacedLeadIds);
        Assert.Equal(1, (await h.Campaigns.GetAsync(id))!.OutcomeCounts[CampaignRunner.AdmissionDeniedOutcome]);
        Assert.Equal(0, await h.SlotStore.CountAsync(SlotScope.Global, h.Time.GetCurrentInstant()));
    }

    [Fact]
    public async Task Run_DueRedials_AreClaimedAdmittedPlacedAndCompleted()
    {
        using var h = new RunnerHarness(leads: 2);
        h.DueDials = new FakeDueDialQueue();
        var redial = new DialRequest("redial-7", "lead-7", PhoneNumber.Parse("+14155559999"), "acme", "spring");
        await h.DueDials.DeferAsync(redial, T0, DueDialKind.Redial);
        await h.DueDials.DeferAsync(new DialRequest("other-1", "lead-8", PhoneNumber.Parse("+14155559998"), "acme", "autumn"), T0, DueDialKind.Redial);
        var id = await h.StartedCampaignAsync();

        var result = await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(CampaignRunStatus.Completed, result.Status);
        Assert.Equal(1, result.RedialsPlaced);
        Assert.Equal(["redial-7", "spring:0", "spring:1"], h.Placer.Placed.Select(p => p.Request.CallId));
        Assert.Equal("redial-7", Assert.Single(h.DueDials.Completed).Request.CallId);
        Assert.Equal("lead-8", Assert.Single(h.DueDials.Pending).Request.LeadId);
        Assert.Equal(2, (await h.Campaigns.GetAsync(id))!.Processed);
    }

    [Fact]
    public async Task Run_RedialDeniedByTheWindow_GoesBackToTheQueueForWhenItOpens()
    {
        using var h = new RunnerHarness(leads: 1);
        h.DueDials = new FakeDueDialQueue();
        var opens = T0 + Duration.FromHours(1);
        h.ExtraGates.Add(new FakeGate("window", AdmissionGateOrder.CallingWindow, (r, at) => r.CallId == "redial-7" && at < opens
            ? GateResult.Denied(new DenialReason(DenialCategory.CallingWindow, "window.closed", "Calling is closed.", opens))
            : GateResult.Allowed));
        await h.DueDials.DeferAsync(new DialRequest("redial-7", "lead-7", PhoneNumber.Parse("+14155559999"), "acme", "spring"), T0, DueDialKind.Redial);
        var id = await h.StartedCampaignAsync();

        await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        Assert.Equal(["spring:0"], h.Placer.Placed.Select(p => p.Request.CallId));
        Assert.Equal(opens, Assert.Single(h.DueDials.Released).DueAt);
        Assert.Equal(opens, Assert.Single(h.DueDials.Pending).DueAt);
    }

    [Fact]
    public async Task Progress_MidRun_ReportsPercentRateAndEta()
    {
        using var h = new RunnerHarness(leads: 10);
        h.Placer.CallDuration = Duration.FromSeconds(30);
        var id = await h.StartedCampaignAsync();
        CampaignProgress? progress = null;
        h.Placer.BeforeAnswer = async r =>
        {
            if (r.LeadId == "lead-5")
            {
                progress = await h.Manager.GetProgressAsync(id);
            }
        };

        await h.DriveAsync(h.Runner("host-a").RunAsync(id));

        // Five leads of 30 s each are done when lead 5 starts: 2 per minute, 5 to go, 150 s left.
        Assert.NotNull(progress);
        Assert.Equal(CampaignState.Running, progress.State);
        Assert.Equal(5, progress.Processed);
        Assert.Equal(10, progress.Total);
        Assert.Equal(5, progress.Remaining);
        Assert.Equal(50d, progress.Percent);
        Assert.Equal(2d, progress.RatePerMinute!.Value, 6);
        Assert.Equal(T0 + Duration.FromSeconds(150) + Duration.FromSeconds(150), progress.EstimatedCompletion);
        Assert.Equal(5, progress.OutcomeCounts["no_answer"]);

        var done = (await h.Manager.GetProgressAsync(id))!;
        Assert.Equal(100d, done.Percent);
        Assert.Equal(0, done.Remaining);
        Assert.Equal(h.Time.GetCurrentInstant(), done.EstimatedCompletion);
    }
}
