using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Campaigns.Tests.Support;

/// <summary>Wires a campaign runner to in-memory stores, the real composite admission with the slot gate, and fake time.</summary>
internal sealed class RunnerHarness : IDisposable
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    public RunnerHarness(int leads = 10, SlotOptions? slots = null)
    {
        Time = TestClock.At(T0);
        Slots = new SlotManager(SlotStore, slots ?? new SlotOptions { GlobalMaxCalls = 5, DefaultCampaignMaxCalls = 2 }, Time);
        Leads = new FakeLeadSource(leads);
        Placer = new FakePlacer(Time);
        Manager = new CampaignManager(Campaigns, Time, Progress);
    }

    public FakeTimeProvider Time { get; }

    public InMemoryCampaignStore Campaigns { get; } = new();

    public InMemorySlotStore SlotStore { get; } = new();

    public SlotManager Slots { get; }

    public FakeLeadSource Leads { get; }

    public FakePlacer Placer { get; }

    public RecordingHandler Reported { get; } = new();

    public List<AdmissionGate> ExtraGates { get; } = [];

    public FakeDueDialQueue? DueDials { get; set; }

    public CampaignProgressTracker Progress { get; } = new(TimeSpan.FromMinutes(5));

    public CampaignManager Manager { get; }

    public CampaignRunnerOptions Options { get; } = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(10),
        TakeoverAfter = TimeSpan.FromSeconds(30),
        PollInterval = TimeSpan.FromSeconds(5),
        RetryDelay = TimeSpan.FromSeconds(1),
        PlacementErrorBudget = 3,
        LeadBatchSize = 3,
    };

    public DialAdmission Admission() => new([new SlotGate(Slots), .. ExtraGates], Time);

    public CampaignRunner Runner(string owner, ICampaignStore? store = null, ICallPlacer? placer = null)
    {
        var o = new CampaignRunnerOptions
        {
            OwnerId = owner,
            HeartbeatInterval = Options.HeartbeatInterval,
            TakeoverAfter = Options.TakeoverAfter,
            PollInterval = Options.PollInterval,
            RetryDelay = Options.RetryDelay,
            PlacementErrorBudget = Options.PlacementErrorBudget,
            LeadBatchSize = Options.LeadBatchSize,
            RedialBatchSize = Options.RedialBatchSize,
        };
        return new CampaignRunner(
            store ?? Campaigns,
            Leads,
            placer ?? Placer,
            Admission(),
            new CallOutcomeDispatcher([Reported, new SlotReleaseOutcomeHandler(Slots)]),
            Time,
            o,
            DueDials,
            Slots,
            Progress);
    }

    /// <summary>Creates campaign "spring" of client "acme" and starts it.</summary>
    public async Task<string> StartedCampaignAsync(string id = "spring")
    {
        await Manager.CreateAsync(new CampaignDefinition(id, "acme", "Spring"));
        Assert.True((await Manager.StartAsync(id)).Succeeded);
        return id;
    }

    /// <summary>Advances fake time in small steps until <paramref name="task"/> completes (bounded; never sleeps).</summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan? step = null, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.Yield();
            if (!task.IsCompleted)
            {
                Time.Advance(step ?? TimeSpan.FromSeconds(1));
            }
        }

        if (!task.IsCompleted)
        {
            var snapshots = string.Join("; ", (await Campaigns.ListAsync()).Select(c => $"{c.Id} {c.State} owner={c.OwnerId} epoch={c.Epoch} cursor={c.Cursor} inflight={c.InFlightCallId} hb={c.HeartbeatAt}"));
            Assert.Fail($"the run did not finish within the fake-time budget; now={Time.GetUtcNow():O}, placed={Placer.Placed.Count}, status={task.Status}, campaigns: {snapshots}");
        }

        return await task;
    }

    /// <summary>Lets pending continuations run without moving time.</summary>
    public static async Task SettleAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
        }
    }

    public void Dispose() => Slots.Dispose();
}
