using Dialer.Core;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Contracts.Redial;

/// <summary>
/// The behaviour every <see cref="IAnsweringMachineTracker"/> must have. A store's test project derives one class from
/// this and supplies <see cref="CreateTrackerAsync"/> (an empty tracker over fresh storage) and
/// <see cref="ReopenAsync"/> (close it and open a new instance over the same storage).
/// </summary>
public abstract class AnsweringMachineTrackerContractTests : IAsyncLifetime
{
    /// <summary>The base instant of every test.</summary>
    protected static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    private static readonly PhoneNumber A = PhoneNumber.Parse("+14155550123");
    private static readonly PhoneNumber B = PhoneNumber.Parse("+14155550124");

    /// <summary>The tracker under test.</summary>
    protected IAnsweringMachineTracker Tracker { get; private set; } = null!;

    /// <summary>Creates an empty tracker over fresh storage.</summary>
    protected abstract Task<IAnsweringMachineTracker> CreateTrackerAsync();

    /// <summary>Closes <paramref name="tracker"/> and returns a new instance over the same storage; in memory, the same instance.</summary>
    protected abstract Task<IAnsweringMachineTracker> ReopenAsync(IAnsweringMachineTracker tracker);

    /// <summary>Releases the tracker after a test; disposes it when it is disposable.</summary>
    protected virtual async Task DisposeTrackerAsync(IAnsweringMachineTracker tracker)
    {
        switch (tracker)
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
    public async Task InitializeAsync() => Tracker = await CreateTrackerAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Tracker is not null)
        {
            await DisposeTrackerAsync(Tracker);
        }
    }

    private static Instant At(int minutes) => T0 + Duration.FromMinutes(minutes);

    [Fact]
    public async Task Get_UnknownNumber_ReturnsZeroes()
    {
        Assert.Equal(new AnsweringMachineStats(A, 0, 0, 0, null), await Tracker.GetAsync(A));
    }

    [Fact]
    public async Task Record_Machines_CountInARowAndInTotal()
    {
        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 1, At(0)), await Tracker.RecordAsync(A, "a1", true, At(0)));
        Assert.Equal(new AnsweringMachineStats(A, 2, 2, 2, At(5)), await Tracker.RecordAsync(A, "a2", true, At(5)));

        Assert.Equal(new AnsweringMachineStats(A, 2, 2, 2, At(5)), await Tracker.GetAsync(A));
    }

    [Fact]
    public async Task Record_NonMachine_ResetsInARowOnly()
    {
        await Tracker.RecordAsync(A, "a1", true, At(0));
        await Tracker.RecordAsync(A, "a2", true, At(1));

        Assert.Equal(new AnsweringMachineStats(A, 0, 2, 3, At(2)), await Tracker.RecordAsync(A, "a3", false, At(2)));
        Assert.Equal(new AnsweringMachineStats(A, 1, 3, 4, At(3)), await Tracker.RecordAsync(A, "a4", true, At(3)));
    }

    [Fact]
    public async Task Record_SameAttemptAgain_ChangesNothing()
    {
        await Tracker.RecordAsync(A, "a1", true, At(0));

        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 1, At(0)), await Tracker.RecordAsync(A, "a1", true, At(9)));
        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 1, At(0)), await Tracker.RecordAsync(A, "a1", false, At(9)));
    }

    [Fact]
    public async Task Record_EarlierInstantAfterLater_KeepsTheLatestLastOutcome()
    {
        await Tracker.RecordAsync(A, "a2", false, At(10));

        var stats = await Tracker.RecordAsync(A, "a1", true, At(5));

        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 2, At(10)), stats);
    }

    [Fact]
    public async Task Record_Numbers_AreCountedSeparately()
    {
        await Tracker.RecordAsync(A, "x", true, At(0));

        Assert.Equal(new AnsweringMachineStats(B, 1, 1, 1, At(1)), await Tracker.RecordAsync(B, "x", true, At(1)));
        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 1, At(0)), await Tracker.GetAsync(A));
    }

    [Fact]
    public async Task Record_InvalidArguments_Throw()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Tracker.RecordAsync(default, "a", true, T0));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await Tracker.RecordAsync(A, "", true, T0));
    }

    [Fact]
    public async Task Reset_ForgetsTheNumberAndItsAttempts()
    {
        await Tracker.RecordAsync(A, "a1", true, At(0));
        await Tracker.RecordAsync(B, "b1", true, At(0));

        Assert.True(await Tracker.ResetAsync(A));
        Assert.False(await Tracker.ResetAsync(A));

        Assert.Equal(new AnsweringMachineStats(A, 0, 0, 0, null), await Tracker.GetAsync(A));
        Assert.Equal(new AnsweringMachineStats(A, 1, 1, 1, At(1)), await Tracker.RecordAsync(A, "a1", true, At(1)));
        Assert.Equal(1, (await Tracker.GetAsync(B)).TotalOutcomes);
    }

    [Fact]
    public async Task Purge_ForgetsNumbersLastSeenBeforeTheCutoff()
    {
        await Tracker.RecordAsync(A, "a1", true, At(0));
        await Tracker.RecordAsync(B, "b1", true, At(0));
        await Tracker.RecordAsync(B, "b2", true, At(60));

        Assert.Equal(1, await Tracker.PurgeAsync(At(30)));
        Assert.Equal(0, await Tracker.PurgeAsync(At(30)));

        Assert.Equal(0, (await Tracker.GetAsync(A)).TotalOutcomes);
        Assert.Equal(new AnsweringMachineStats(B, 2, 2, 2, At(60)), await Tracker.GetAsync(B));
        Assert.Equal(1, (await Tracker.RecordAsync(A, "a1", true, At(61))).TotalOutcomes);
    }

    [Fact]
    public async Task Reopen_KeepsCountsAndAttemptIds()
    {
        await Tracker.RecordAsync(A, "a1", true, At(0));
        await Tracker.RecordAsync(A, "a2", false, At(1));
        await Tracker.RecordAsync(A, "a3", true, At(2));

        Tracker = await ReopenAsync(Tracker);

        Assert.Equal(new AnsweringMachineStats(A, 1, 2, 3, At(2)), await Tracker.GetAsync(A));
        Assert.Equal(new AnsweringMachineStats(A, 1, 2, 3, At(2)), await Tracker.RecordAsync(A, "a2", true, At(3)));
    }

    [Fact]
    public async Task Record_ConcurrentDistinctAttempts_CountsEveryOneOnce()
    {
        const int PerWorker = 25;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < PerWorker; i++)
            {
                await Tracker.RecordAsync(A, $"w{w}-{i}", true, At(i));

                // Every worker also retries one shared attempt id: it must count once.
                await Tracker.RecordAsync(A, "shared", true, At(0));
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        var stats = await Tracker.GetAsync(A);
        Assert.Equal((8 * PerWorker) + 1, stats.TotalOutcomes);
        Assert.Equal((8 * PerWorker) + 1, stats.TotalMachines);
        Assert.Equal((8 * PerWorker) + 1, stats.ConsecutiveMachines);
    }
}
