using Dialer.Core;
using NodaTime;

namespace Dialer.Samples.Console.Simulation;

/// <summary>
/// A simulated telephony provider: a seeded mix of outcomes with plausible talk times. Deterministic for a seed and
/// an attempt id, so a re-run of the same campaign places the same calls with the same results.
/// </summary>
internal sealed class SimulatedTelephony
{
    // Disposition, weight (percent), and the call's length from dial to hang-up (min, max seconds).
    private static readonly (Disposition Disposition, int Weight, int MinSeconds, int MaxSeconds)[] s_mix =
    [
        (Disposition.NoAnswer, 30, 25, 40),
        (Disposition.AnsweringMachine, 22, 30, 60),
        (Disposition.Busy, 8, 3, 8),
        (Disposition.Conversation, 14, 90, 420),
        (Disposition.NotInterested, 10, 20, 90),
        (Disposition.Transferred, 6, 120, 600),
        (Disposition.Sold, 4, 300, 900),
        (Disposition.UnknownOutcome, 6, 10, 45),
    ];

    private readonly int _seed;

    public SimulatedTelephony(int seed)
    {
        _seed = seed;
    }

    public static IReadOnlyList<Disposition> Dispositions { get; } = [.. s_mix.Select(m => m.Disposition)];

    /// <summary>What happens when <paramref name="callId"/> is dialed: its disposition and how long the line is held.</summary>
    public (Disposition Disposition, Duration Length) Place(string callId)
    {
        var random = new Random(HashCode.Combine(_seed, StableHash(callId)));
        var pick = random.Next(100);
        foreach (var (disposition, weight, min, max) in s_mix)
        {
            if (pick < weight)
            {
                return (disposition, Duration.FromSeconds(random.Next(min, max + 1)));
            }

            pick -= weight;
        }

        return (Disposition.NoAnswer, Duration.FromSeconds(30));
    }

    private static int StableHash(string s)
    {
        // FNV-1a: string.GetHashCode is randomized per process, and runs must be reproducible.
        var hash = 2166136261u;
        foreach (var c in s)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
