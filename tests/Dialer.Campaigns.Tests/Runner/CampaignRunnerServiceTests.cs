using Dialer.Campaigns.Tests.Support;
using Dialer.Core;
using Microsoft.Extensions.Options;

namespace Dialer.Campaigns.Tests.Runner;

public sealed class CampaignRunnerServiceTests
{
    private static CampaignRunnerService Service(RunnerHarness h, int maxCampaigns = 4) =>
        new(h.Runner("host-1"), h.Campaigns, h.Time, Options.Create(new CampaignsOptions { Runner = { MaxConcurrentCampaigns = maxCampaigns, TakeoverAfter = h.Options.TakeoverAfter, HeartbeatInterval = h.Options.HeartbeatInterval } }));

    [Fact]
    public async Task PollOnce_RunsUnownedRunningCampaignsOnly()
    {
        using var h = new RunnerHarness(leads: 3);
        await h.StartedCampaignAsync("a");
        await h.StartedCampaignAsync("b");
        await h.Manager.CreateAsync(new CampaignDefinition("d", "acme"));
        await h.StartedCampaignAsync("o");
        Assert.True((await h.Campaigns.TryClaimAsync("o", "other-host", h.Time.GetCurrentInstant(), NodaTime.Duration.FromSeconds(30))).Succeeded);
        var service = Service(h);

        await service.PollOnceAsync(CancellationToken.None);
        await service.WhenRunsEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CampaignState.Completed, (await h.Campaigns.GetAsync("a"))!.State);
        Assert.Equal(CampaignState.Completed, (await h.Campaigns.GetAsync("b"))!.State);
        Assert.Equal(CampaignState.Draft, (await h.Campaigns.GetAsync("d"))!.State);
        Assert.Equal(CampaignState.Running, (await h.Campaigns.GetAsync("o"))!.State);
        Assert.Equal(["a:0", "a:1", "a:2", "b:0", "b:1", "b:2"], h.Placer.Placed.Select(p => p.Request.CallId).Order(StringComparer.Ordinal));
        Assert.Empty(service.RunningCampaigns);
    }

    [Fact]
    public async Task PollOnce_OwnerHeartbeatStale_TakesTheCampaignOver()
    {
        using var h = new RunnerHarness(leads: 2);
        await h.StartedCampaignAsync("o");
        await h.Campaigns.TryClaimAsync("o", "dead-host", h.Time.GetCurrentInstant(), NodaTime.Duration.FromSeconds(30));
        var service = Service(h);
        await service.PollOnceAsync(CancellationToken.None);
        await service.WhenRunsEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(h.Placer.Placed);

        h.Time.Advance(h.Options.TakeoverAfter);
        await service.PollOnceAsync(CancellationToken.None);
        await service.WhenRunsEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var c = (await h.Campaigns.GetAsync("o"))!;
        Assert.Equal(CampaignState.Completed, c.State);
        Assert.Equal("host-1", c.OwnerId);
        Assert.Equal(2, c.Epoch);
    }

    [Fact]
    public async Task PollOnce_AtMostMaxConcurrentCampaignsAtOnce()
    {
        using var h = new RunnerHarness(leads: 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Placer.BeforeAnswer = _ => gate.Task;
        await h.StartedCampaignAsync("a");
        await h.StartedCampaignAsync("b");
        var service = Service(h, maxCampaigns: 1);

        await service.PollOnceAsync(CancellationToken.None);
        await service.PollOnceAsync(CancellationToken.None);
        Assert.Single(service.RunningCampaigns);

        gate.SetResult();
        await service.WhenRunsEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await service.PollOnceAsync(CancellationToken.None);
        await service.WhenRunsEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CampaignState.Completed, (await h.Campaigns.GetAsync("a"))!.State);
        Assert.Equal(CampaignState.Completed, (await h.Campaigns.GetAsync("b"))!.State);
    }

    [Fact]
    public async Task StartStop_HostedLifetime_RunsCampaignsAndStopsGracefully()
    {
        using var h = new RunnerHarness(leads: 3);
        await h.StartedCampaignAsync("a");
        var service = Service(h);
        await service.StartAsync(CancellationToken.None);
        await WaitUntilAsync(async () => (await h.Campaigns.GetAsync("a"))!.State == CampaignState.Completed);
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(3, h.Placer.Placed.Count);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100_000; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Yield();
        }

        Assert.Fail("condition not met");
    }
}
