using BenchmarkDotNet.Attributes;
using Dialer.Core;

namespace Dialer.Benchmarks.Admission;

/// <summary>
/// Admission cost against history size: 1 K, 100 K and 1 M tracked numbers, each with an attempt earlier that day,
/// admitted in random order so caches miss. Goal: 1 M within 3× of 1 K.
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private SuiteComposition _suite = null!;
    private DialRequest[] _requests = null!;
    private int[] _order = null!;
    private int _next;

    [Params(1_000, 100_000, 1_000_000)]
    public int TrackedNumbers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _suite = new SuiteComposition();
        var history = SuiteComposition.Requests(TrackedNumbers, "history");
        var earlier = SuiteComposition.Afternoon - NodaTime.Duration.FromHours(2);
        foreach (var request in history)
        {
            var decision = _suite.Admission.AdmitAsync(request, earlier).AsTask().GetAwaiter().GetResult();
            if (!decision.IsAllowed)
            {
                throw new InvalidOperationException("Setup expected every history admission to be allowed: " + decision);
            }

            _suite.SlotGate.RollbackAsync(request).AsTask().GetAwaiter().GetResult();
        }

        _requests = SuiteComposition.Requests(TrackedNumbers, "now");
        var random = new Random(42);
        _order = Enumerable.Range(0, TrackedNumbers).OrderBy(_ => random.Next()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _suite.Dispose();

    /// <summary>Admit (allow path: the number's last attempt was 2 hours ago) and roll back.</summary>
    [Benchmark]
    public ValueTask<bool> Admit()
    {
        var i = _order[_next];
        _next = _next + 1 == _order.Length ? 0 : _next + 1;
        return _suite.AdmitAndRollbackAsync(_requests[i], SuiteComposition.Afternoon);
    }
}
