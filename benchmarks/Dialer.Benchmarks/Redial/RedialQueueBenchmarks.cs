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
/// Two floor rows give the numbers a scale on a shared machine: <see cref="FloorDictionaryLookupAndHeapPushPop"/> (what one
/// enqueue at least does: a string-keyed lookup among 1,000,000 and a heap operation) and
/// <see cref="FloorHeapPopPush1000"/> (1,000 pops and pushes on a BCL <see cref="PriorityQueue{TElement, TPriority}"/> of
/// 1,000,000 — the heap work of a claim, without claims, tokens or items).
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
    private Dictionary<string, int> _floorIndex = null!;
    private PriorityQueue<int, long> _floorHeap = null!;
    private string[] _floorKeys = null!;

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
        _floorIndex = new Dictionary<string, int>(Items, StringComparer.Ordinal);
        _floorHeap = new PriorityQueue<int, long>(Items);
        for (var i = 0; i < Items; i++)
        {
            _floorIndex.Add("lead-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i);
            _floorHeap.Enqueue(i, random.NextInt64(0, 864_000_000_000));
        }

        _floorKeys = [.. _replacements.Select(r => r.LeadId)];
    }

    [Benchmark]
    public int FloorHeapPopPush1000()
    {
        var sum = 0;
        for (var i = 0; i < 1000; i++)
        {
            _floorHeap.TryDequeue(out var item, out var priority);
            _floorHeap.Enqueue(item, priority + 864_000_000_000);
            sum += item;
        }

        return sum;
    }

    [Benchmark]
    public int FloorDictionaryLookupAndHeapPushPop()
    {
        var i = _next++ & ((2 * Rotating) - 1);
        var index = _floorIndex[_floorKeys[i]];
        return _floorHeap.EnqueueDequeue(index, (index * 86_400L) + 864_000_000_000);
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
