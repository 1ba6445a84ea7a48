using Dialer.Reliability.Infrastructure;
using NodaTime;

namespace Dialer.Reliability.Racing;

/// <summary>The checkers' own edge cases (a checker that cries wolf is as useless as one that cannot fail).</summary>
public sealed class CheckerTests
{
    private static readonly long T0 = DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerDay;

    [Fact]
    public void RealTime_EarlierCallEndsAfterAPause_IsNotACertainDuplicate()
    {
        // Host 1's call starts first and is paused inside it for 1.5 s; host 2's call lies 200 ms after host 1's start.
        // Host 1's commit may have happened after the pause, more than the window after host 2's: not certain.
        var dials = new[]
        {
            new Dial("a", 1, 0, T0, T0 + Ms(1700), 1),
            new Dial("b", 1, 0, T0 + Ms(150), T0 + Ms(200), 2),
        };
        Assert.Empty(DialChecker.CheckRealTime(dials, Duration.FromSeconds(1)));
    }

    [Fact]
    public void RealTime_BothCallsInsideTheWindow_IsADuplicate()
    {
        var dials = new[]
        {
            new Dial("a", 1, 0, T0, T0 + Ms(50), 1),
            new Dial("b", 1, 0, T0 + Ms(150), T0 + Ms(200), 2),
        };
        Assert.Single(DialChecker.CheckRealTime(dials, Duration.FromSeconds(1)));
    }

    [Fact]
    public void Leases_LoggedAfterAPauseThatBeganInsideTheAcquire_AreCountedAsPastTtlNotExcusedSilently()
    {
        // Six leases at once with a limit of 5: the one whose acquire started 2 s before its release is a past-TTL pause.
        var leases = Enumerable.Range(0, 5).ToDictionary(i => $"c{i}", i => (T0 + i, (long?)(T0 + Ms(100)), 0), StringComparer.Ordinal);
        leases["late"] = (T0 + 10, T0 + Ms(50), 1);
        Assert.Single(LeaseChecker.Check(leases, 5, TimeSpan.FromSeconds(1)).Violations);
        var (violations, overruns, _) = LeaseChecker.Check(leases, 5, TimeSpan.FromSeconds(1), new Dictionary<string, long> { ["late"] = T0 - Ms(2000) });
        Assert.Empty(violations);
        Assert.Equal(1, overruns);
    }

    private static long Ms(int milliseconds) => TimeSpan.TicksPerMillisecond * milliseconds;
}
