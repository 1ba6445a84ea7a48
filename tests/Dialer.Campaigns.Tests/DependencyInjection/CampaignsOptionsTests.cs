using Microsoft.Extensions.Options;

namespace Dialer.Campaigns.Tests.DependencyInjection;

public sealed class CampaignsOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var o = new CampaignsOptions();
        Assert.Equal(100, o.Slots.GlobalMaxCalls);
        Assert.Null(o.Slots.DefaultClientMaxCalls);
        Assert.Null(o.Slots.DefaultCampaignMaxCalls);
        Assert.Empty(o.Slots.Clients);
        Assert.Empty(o.Slots.Campaigns);
        Assert.Empty(o.Slots.Keys);
        Assert.Equal(TimeSpan.FromMinutes(10), o.Slots.LeaseTtl);
        Assert.Equal(TimeSpan.Zero, o.Slots.MaxWait);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Slots.WaitPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Slots.ReclaimInterval);

        Assert.Null(o.Runner.OwnerId);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Runner.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Runner.TakeoverAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Runner.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Runner.RetryDelay);
        Assert.Equal(10, o.Runner.PlacementErrorBudget);
        Assert.Equal(100, o.Runner.LeadBatchSize);
        Assert.Equal(10, o.Runner.RedialBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(5), o.Runner.ProgressWindow);
        Assert.Equal(4, o.Runner.MaxConcurrentCampaigns);

        Assert.True(new CampaignsOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Validate_EveryFieldInvalid_ReportsAllErrorsWithPathAndValue()
    {
        var o = new CampaignsOptions
        {
            Slots = new SlotOptions
            {
                GlobalMaxCalls = 0,
                DefaultClientMaxCalls = -1,
                DefaultCampaignMaxCalls = -2,
                Clients = { ["acme"] = new SlotLimitOptions { MaxConcurrentCalls = -3 } },
                Campaigns = { ["spring"] = null! },
                Keys = { ["trunk"] = -4 },
                LeaseTtl = TimeSpan.Zero,
                MaxWait = TimeSpan.FromSeconds(-1),
                WaitPollInterval = TimeSpan.Zero,
                ReclaimInterval = TimeSpan.FromSeconds(-5),
            },
            Runner = new CampaignRunnerOptions
            {
                OwnerId = " ",
                HeartbeatInterval = TimeSpan.FromSeconds(20),
                TakeoverAfter = TimeSpan.FromSeconds(30),
                PollInterval = TimeSpan.Zero,
                RetryDelay = TimeSpan.Zero,
                ProgressWindow = TimeSpan.Zero,
                PlacementErrorBudget = -1,
                LeadBatchSize = 0,
                RedialBatchSize = 1001,
                MaxConcurrentCampaigns = 0,
            },
        };

        var ex = Assert.Throws<OptionsValidationException>(() => CampaignsOptionsValidator.ThrowIfInvalid(o));
        string[] expected =
        [
            "Slots:GlobalMaxCalls = 0: must be at least 1.",
            "Slots:DefaultClientMaxCalls = -1: must not be negative (null = no client limit).",
            "Slots:DefaultCampaignMaxCalls = -2: must not be negative (null = no campaign limit).",
            "Slots:Clients:acme:MaxConcurrentCalls = -3: must not be negative (null = not limited at this level).",
            "Slots:Campaigns:spring = null: must not be null.",
            "Slots:Keys:trunk = -4: must not be negative.",
            "Slots:LeaseTtl = 00:00:00: must be positive.",
            "Slots:MaxWait = -00:00:01: must not be negative (zero = do not wait).",
            "Slots:WaitPollInterval = 00:00:00: must be positive.",
            "Slots:ReclaimInterval = -00:00:05: must be positive.",
            "Runner:OwnerId = ' ': must be 1 to 256 non-blank characters, or null to generate one.",
            "Runner:TakeoverAfter = 00:00:30: must be positive and at least twice HeartbeatInterval, so one late heartbeat does not hand the campaign over.",
            "Runner:PollInterval = 00:00:00: must be positive.",
            "Runner:RetryDelay = 00:00:00: must be positive.",
            "Runner:ProgressWindow = 00:00:00: must be positive.",
            "Runner:PlacementErrorBudget = -1: must not be negative (0 = the first failing placement fails the campaign).",
            "Runner:LeadBatchSize = 0: must be between 1 and 10000.",
            "Runner:RedialBatchSize = 1001: must be between 0 and 1000.",
            "Runner:MaxConcurrentCampaigns = 0: must be at least 1.",
        ];
        Assert.Equal(expected, ex.Failures);
        Assert.Equal(string.Join("; ", expected), ex.Message);
        Assert.Equal(expected, new CampaignsOptionsValidator().Validate(null, o).Failures);
    }

    [Fact]
    public void Validate_NullSections_AreReported()
    {
        var result = new CampaignsOptionsValidator().Validate(null, new CampaignsOptions { Slots = null!, Runner = null! });
        Assert.Equal(["Slots = null: must not be null.", "Runner = null: must not be null."], result.Failures);
    }
}
