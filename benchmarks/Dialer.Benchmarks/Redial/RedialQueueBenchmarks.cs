using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Benchmarks.Redial;

/// <summary>
/// The in-memory redial queue holding 1,000,000 items (half due, half later): claiming 1,000 due items and
/// enqueueing one. Goals: claim of 1,000 ≤ 1 ms, enqueue ≤ 1 µs.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Claim1000"/> claims with a 1 ns claim lifetime and moves "now" on by 1 µs per call, so each call first
/// returns the previous call's 1,000 lapsed claims to the due heap and then claims 1,000 — the steady state of a
/// runner whose claims keep lapsing, and never an empty queue.
/// </para>
/// <para>
/// <see cref="Enqueue"/> replaces the pending item of one of 4,096 leads (re-enqueue with a new call id), alternating
/// two prepared entries per lead, so the queue stays at 1,000,000 items (the item is re-keyed in the due heap in
/// place).
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class RedialQueueBenchmarks
{
    private const int Items = 1_000_000;
    private const int Rotating = 4096;
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration ClaimTtl = Duration.FromNanoseconds(1);

    private InMemoryRedialQueue _queue = null!;
    private RedialEntry[] _replacements = null!;
    private Instant _now;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _queue = new InMemoryRedialQueue();
        var phone = PhoneNumber.Parse("+14155550123");
        var random = new Random(1);
        for (var i = 0; i < Items; i++)
        {
            var lead = "lead-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Half due (the last day), half later (the next day).
            var due = T0 + Duration.FromSeconds(i % 2 == 0 ? -random.Next(1, 86_400) : random.Next(1, 86_400));
            var entry = new RedialEntry(new DialRequest(lead, lead, phone, null, "camp"), DueDialKind.Redial, 2, due);
            Sync(_queue.EnqueueAsync(entry, T0));
        }

        _replacements = new RedialEntry[2 * Rotating];
        for (var i = 0; i < _replacements.Length; i++)
        {
            var lead = "lead-" + (i % Rotating * 2 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var callId = lead + (i < Rotating ? "/r3" : "/r4");
            _replacements[i] = new RedialEntry(
                new DialRequest(callId, lead, phone, null, "camp"), DueDialKind.Redial, i < Rotating ? 3 : 4, T0 + Duration.FromSeconds(random.Next(1, 86_400)));
        }

        _now = T0;
    }

    [Benchmark]
    public int Claim1000()
    {
        _now += Duration.FromTicks(10);
        return Sync(_queue.ClaimDueAsync(_now, 1000, ClaimTtl)).Count;
    }

    [Benchmark]
    public bool Enqueue()
    {
        var i = _next++ & ((2 * Rotating) - 1);
        return Sync(_queue.EnqueueAsync(_replacements[i], T0));
    }

    private static T Sync<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task.Result : throw new InvalidOperationException("The in-memory queue completes synchronously.");
}
