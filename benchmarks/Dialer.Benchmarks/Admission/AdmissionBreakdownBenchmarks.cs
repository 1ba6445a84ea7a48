using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Scheduling;
using NodaTime;

namespace Dialer.Benchmarks.Admission;

/// <summary>
/// Where the composed admission's time goes: each gate of <see cref="AdmissionBenchmarks.Suite_Allow"/> alone (allow
/// path, taking and giving back what it takes), so a missed goal can be attributed.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBreakdownBenchmarks
{
    private const int Pool = 4096;
    private SuiteComposition _suite = null!;
    private AdmissionGate _window = null!;
    private DialRequest[] _requests = null!;
    private DateTimeZone _chicago = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _suite = new SuiteComposition();
        _window = _suite.Gates.OfType<CallingWindowGate>().Single();
        _requests = SuiteComposition.Requests(Pool);
        _chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
    }

    [GlobalCleanup]
    public void Cleanup() => _suite.Dispose();

    private DialRequest Next()
    {
        var r = _requests[_next];
        _next = (_next + 1) & (Pool - 1);
        return r;
    }

    [Benchmark(Baseline = true)]
    public async ValueTask<bool> Composite_AdmitAndRollback() => await _suite.AdmitAndRollbackAsync(Next(), SuiteComposition.Afternoon).ConfigureAwait(false);

    [Benchmark]
    public async ValueTask<bool> CallingWindowGate_Enter() => (await _window.EnterAsync(Next(), SuiteComposition.Afternoon).ConfigureAwait(false)).IsAllowed;

    [Benchmark]
    public async ValueTask<bool> SlotGate_EnterAndRollback()
    {
        var request = Next();
        var result = await _suite.SlotGate.EnterAsync(request, SuiteComposition.Afternoon).ConfigureAwait(false);
        await _suite.SlotGate.RollbackAsync(request).ConfigureAwait(false);
        return result.IsAllowed;
    }

    [Benchmark]
    public async ValueTask<bool> ProtectionGate_EnterAndRollback()
    {
        var request = Next();
        var result = await _suite.ProtectionGate.EnterAsync(request, SuiteComposition.Afternoon).ConfigureAwait(false);
        await _suite.ProtectionGate.RollbackAsync(request).ConfigureAwait(false);
        return result.IsAllowed;
    }

    [Benchmark]
    public async ValueTask<bool> ProtectionGate_CheckOnly()
    {
        // The read-only evaluation (what CheckAsync and the "every reason" pass cost).
        var request = Next();
        return (await _suite.ProtectionGate.CheckAsync(request, SuiteComposition.Afternoon).ConfigureAwait(false)).IsAllowed;
    }

    [Benchmark]
    public bool Ledger_RecordAndVoid()
    {
        // The protection gate's ledger work alone (check-and-record, then void), without zone resolution or mapping.
        var request = Next();
        var pending = _suite.Ledger.TryRecordAttemptAsync(new AttemptContext(request, SuiteComposition.Afternoon, _chicago), _suite.ProtectionGate.Rules);
        var recorded = pending.IsCompletedSuccessfully && pending.Result.Status == LedgerStatus.Recorded;
        var voided = _suite.Ledger.VoidAttemptAsync(request);
        return recorded && voided.IsCompletedSuccessfully && voided.Result;
    }

    [Benchmark]
    public DateTimeZone ProtectionGate_CalleeZone() => _suite.ProtectionGate.CalleeZoneFor(Next());
}
