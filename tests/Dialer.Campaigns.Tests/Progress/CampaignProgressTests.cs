using NodaTime;

namespace Dialer.Campaigns.Tests.Progress;

public sealed class CampaignProgressTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    private static CampaignSnapshot Snapshot(long cursor, long? total, CampaignState state = CampaignState.Running) => new()
    {
        Id = "c",
        ClientId = "acme",
        Name = "c",
        State = state,
        Cursor = cursor,
        Processed = cursor,
        TotalLeads = total,
    };

    [Fact]
    public void Compute_TotalUnknown_HasNoPercentRemainingOrEta()
    {
        var p = new CampaignProgressTracker(TimeSpan.FromMinutes(5)).Compute(Snapshot(3, null), T0);
        Assert.Equal(3, p.Processed);
        Assert.Null(p.Total);
        Assert.Null(p.Percent);
        Assert.Null(p.Remaining);
        Assert.Null(p.RatePerMinute);
        Assert.Null(p.EstimatedCompletion);
    }

    [Fact]
    public void Compute_NoLeads_IsComplete()
    {
        var p = new CampaignProgressTracker(TimeSpan.FromMinutes(5)).Compute(Snapshot(0, 0), T0);
        Assert.Equal(100d, p.Percent);
        Assert.Equal(0, p.Remaining);
        Assert.Equal(T0, p.EstimatedCompletion);
    }

    [Fact]
    public void RatePerMinute_OnlySamplesInsideTheWindowCount()
    {
        var tracker = new CampaignProgressTracker(TimeSpan.FromMinutes(5));
        tracker.Record("c", T0, 0);
        tracker.Record("c", T0 + Duration.FromMinutes(4), 4);
        tracker.Record("c", T0 + Duration.FromMinutes(8), 20);
        Assert.Equal(4d, tracker.RatePerMinute("c", T0 + Duration.FromMinutes(8)));
        Assert.Null(tracker.RatePerMinute("c", T0 + Duration.FromMinutes(14)));
        Assert.Null(tracker.RatePerMinute("other", T0));
    }

    [Fact]
    public void Compute_Running_EstimatesCompletionFromTheRecentRate_PausedHasNoEta()
    {
        var tracker = new CampaignProgressTracker(TimeSpan.FromMinutes(5));
        tracker.Record("c", T0, 10);
        tracker.Record("c", T0 + Duration.FromMinutes(2), 30);
        var running = tracker.Compute(Snapshot(30, 130), T0 + Duration.FromMinutes(2));
        Assert.Equal(10d, running.RatePerMinute);
        Assert.Equal(100, running.Remaining);
        Assert.Equal(30d * 100 / 130, running.Percent!.Value, 9);
        Assert.Equal(T0 + Duration.FromMinutes(12), running.EstimatedCompletion);
        Assert.Null(tracker.Compute(Snapshot(30, 130, CampaignState.Paused), T0 + Duration.FromMinutes(2)).EstimatedCompletion);
    }

    [Fact]
    public void Tracker_NonPositiveWindow_Throws() =>
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new CampaignProgressTracker(TimeSpan.Zero)).ParamName);
}
