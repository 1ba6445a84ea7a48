using Dialer.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Lifecycle;

public sealed class CampaignManagerTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    // Operator commands from each state: expected refusal (None = applied) and the state afterwards. Stated by hand.
    public static TheoryData<CampaignState, CampaignCommand, CampaignRefusal, CampaignState> Table => new()
    {
        { CampaignState.Draft, CampaignCommand.Start, CampaignRefusal.None, CampaignState.Running },
        { CampaignState.Draft, CampaignCommand.Pause, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Draft, CampaignCommand.Resume, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Draft, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Draft, CampaignCommand.Fail, CampaignRefusal.NotAllowedFromState, CampaignState.Draft },
        { CampaignState.Running, CampaignCommand.Start, CampaignRefusal.AlreadyInState, CampaignState.Running },
        { CampaignState.Running, CampaignCommand.Pause, CampaignRefusal.None, CampaignState.Paused },
        { CampaignState.Running, CampaignCommand.Resume, CampaignRefusal.AlreadyInState, CampaignState.Running },
        { CampaignState.Running, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Running, CampaignCommand.Fail, CampaignRefusal.None, CampaignState.Failed },
        { CampaignState.Paused, CampaignCommand.Start, CampaignRefusal.NotAllowedFromState, CampaignState.Paused },
        { CampaignState.Paused, CampaignCommand.Pause, CampaignRefusal.AlreadyInState, CampaignState.Paused },
        { CampaignState.Paused, CampaignCommand.Resume, CampaignRefusal.None, CampaignState.Running },
        { CampaignState.Paused, CampaignCommand.Cancel, CampaignRefusal.None, CampaignState.Cancelled },
        { CampaignState.Paused, CampaignCommand.Fail, CampaignRefusal.None, CampaignState.Failed },
        { CampaignState.Cancelled, CampaignCommand.Start, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Resume, CampaignRefusal.Terminal, CampaignState.Cancelled },
        { CampaignState.Cancelled, CampaignCommand.Cancel, CampaignRefusal.AlreadyInState, CampaignState.Cancelled },
        { CampaignState.Failed, CampaignCommand.Pause, CampaignRefusal.Terminal, CampaignState.Failed },
        { CampaignState.Failed, CampaignCommand.Fail, CampaignRefusal.AlreadyInState, CampaignState.Failed },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Command_FromEachState_IsAppliedOrRefusedWithItsReason(CampaignState from, CampaignCommand command, CampaignRefusal refusal, CampaignState after)
    {
        var manager = new CampaignManager(new InMemoryCampaignStore(), TestClock.At(T0));
        await manager.CreateAsync(new CampaignDefinition("c", "acme"));
        switch (from)
        {
            case CampaignState.Running:
                await manager.StartAsync("c");
                break;
            case CampaignState.Paused:
                await manager.StartAsync("c");
                await manager.PauseAsync("c");
                break;
            case CampaignState.Cancelled:
                await manager.CancelAsync("c");
                break;
            case CampaignState.Failed:
                await manager.StartAsync("c");
                await manager.FailAsync("c", "setup");
                break;
        }

        var result = command switch
        {
            CampaignCommand.Start => await manager.StartAsync("c"),
            CampaignCommand.Pause => await manager.PauseAsync("c"),
            CampaignCommand.Resume => await manager.ResumeAsync("c"),
            CampaignCommand.Cancel => await manager.CancelAsync("c"),
            CampaignCommand.Fail => await manager.FailAsync("c", "provider down"),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        Assert.Equal(refusal, result.Refusal);
        Assert.Equal(refusal == CampaignRefusal.None, result.Succeeded);
        Assert.Equal(after, (await manager.GetAsync("c"))!.State);
    }

    [Fact]
    public async Task Command_UnknownCampaign_IsRefusedAsNotFound()
    {
        var manager = new CampaignManager(new InMemoryCampaignStore(), TestClock.At(T0));
        var r = await manager.PauseAsync("missing");
        Assert.Equal(CampaignRefusal.NotFound, r.Refusal);
        Assert.Equal("No campaign has this id.", r.Message);
    }

    [Fact]
    public async Task Refusal_Message_ExplainsTheReason()
    {
        var manager = new CampaignManager(new InMemoryCampaignStore(), TestClock.At(T0));
        await manager.CreateAsync(new CampaignDefinition("c"));
        var r = await manager.ResumeAsync("c");
        Assert.Equal("The command is not allowed from the campaign's current state.", r.Message);
        Assert.Contains("NotAllowedFromState", r.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_WithoutError_ThrowsNamingTheArgument()
    {
        var manager = new CampaignManager(new InMemoryCampaignStore(), TestClock.At(T0));
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await manager.FailAsync("c", " "));
        Assert.Equal("error", ex.ParamName);
    }

    [Fact]
    public void Evaluate_IsConsistentWithTargetOfAndIsTerminal()
    {
        Assert.Equal(CampaignRefusal.None, CampaignLifecycle.Evaluate(CampaignState.Running, CampaignCommand.Complete, out var to));
        Assert.Equal(CampaignState.Completed, to);
        Assert.Equal(CampaignRefusal.NotAllowedFromState, CampaignLifecycle.Evaluate(CampaignState.Paused, CampaignCommand.Complete, out _));
        Assert.True(CampaignLifecycle.IsTerminal(CampaignState.Completed));
        Assert.True(CampaignLifecycle.IsTerminal(CampaignState.Cancelled));
        Assert.True(CampaignLifecycle.IsTerminal(CampaignState.Failed));
        Assert.False(CampaignLifecycle.IsTerminal(CampaignState.Paused));
        Assert.Throws<ArgumentOutOfRangeException>(() => CampaignLifecycle.TargetOf((CampaignCommand)42));
    }
}
