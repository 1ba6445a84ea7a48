using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Benchmarks.Protection;

/// <summary>
/// The in-memory attempt ledger's atomic check-and-record (default rules: 10-minute duplicate window and 3 per callee
/// day), warm: the allow path (goal ≤ 40 ns, 0 B) and the deny path (0 B), against a floor of the bare building blocks
/// (a long-keyed dictionary lookup, a NodaTime zone offset, a lock and a CAS counter), for 1 K and 100 K tracked numbers.
/// </summary>
[MemoryDiagnoser]
public class ProtectionBenchmarks
{
    private const int Ring = 8;
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly long T0Ticks = T0.ToUnixTimeTicks();
    private static readonly long SpacingTicks = Duration.FromHours(12).BclCompatibleTicks;

    private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb["America/New_York"];
    private readonly Dictionary<long, int> _floorMap = [];
    private readonly Lock _floorLock = new();
    private InMemoryAttemptLedger _ledger = null!;
    private InMemoryAttemptLedger _generalLedger = null!;
    private ProtectionGate _gate = null!;
    private ProtectionRules _rules = null!;
    private ProtectionRules _generalRules = null!;
    private DialRequest[] _requests = null!;
    private DialRequest[] _coldRequests = null!;
    private DialRequest[] _denials = null!;
    private Cursor _next;
    private Cursor _nextGeneral;
    private long _counter;
    private Instant _latest;

    /// <summary>How many numbers are tracked (each with a steady history of attempts).</summary>
    [Params(1_000, 100_000)]
    public int Numbers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _requests = new DialRequest[Numbers * Ring];
        _denials = new DialRequest[Numbers];
        for (var n = 0; n < Numbers; n++)
        {
            var phone = PhoneNumber.FromValue(14_155_000_000UL + (ulong)n);
            _floorMap[(long)phone.Value] = n;
            _denials[n] = new DialRequest("deny-" + n, "lead-" + n, phone);
        }

        // Allocated in the order they are dialed (round by round), as a dialer creates each request just before
        // admitting it: consecutive calls read neighbouring objects.
        for (var r = 0; r < Ring; r++)
        {
            for (var n = 0; n < Numbers; n++)
            {
                _requests[(r * Numbers) + n] = new DialRequest($"call-{n}-{r}", "lead-" + n, _denials[n].Phone);
            }
        }

        // The same requests again (equal ids), allocated number by number: consecutive calls read objects about 1.5 KB
        // apart that were last read 1,000 calls earlier, so each call's request and call id miss the caches. This was
        // the layout of the harness before 2026-11-26; AllowPath_ColdRequests keeps that access pattern measured.
        _coldRequests = new DialRequest[Numbers * Ring];
        for (var n = 0; n < Numbers; n++)
        {
            for (var r = 0; r < Ring; r++)
            {
                _coldRequests[(r * Numbers) + n] = new DialRequest($"call-{n}-{r}", "lead-" + n, _denials[n].Phone);
            }
        }

        // Warm every number to its steady history (about 5 attempts inside the 48 h horizon) and report what the
        // ledger retains per tracked number (the requests' own strings are the host's and were allocated above).
        var before = GC.GetTotalMemory(forceFullCollection: true);
        _ledger = new InMemoryAttemptLedger();
        _gate = new ProtectionGate(_ledger, new ProtectionOptions());
        _rules = _gate.Rules;
        _next = new Cursor(Numbers);
        const int warmRounds = 10;
        for (var i = 0; i < Numbers * warmRounds; i++)
        {
            AllowPath();
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"// Protection memory: {Numbers} tracked numbers retain {retained:N0} B = {retained / (double)Numbers:N0} B per number");
        _latest = At(warmRounds - 1);

        // The same default rules plus a lead-keyed cap that never binds here: the ledger then tracks leads and takes its
        // general path (every key's log locked and read, the reference decider) instead of the number-only fast path.
        _generalLedger = new InMemoryAttemptLedger();
        _generalRules = new ProtectionRules([.. _rules.Limits, CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Duration.FromHours(1), 1000)]);
        _nextGeneral = new Cursor(Numbers);
        for (var i = 0; i < Numbers * warmRounds; i++)
        {
            AllowPath_GeneralPath();
        }
    }

    /// <summary>The floor: a long-keyed dictionary lookup, a zone offset, a lock and a CAS counter.</summary>
    [Benchmark(Baseline = true)]
    public long Floor()
    {
        var (n, round) = _next.Next();
        var key = 14_155_000_000L + n;
        var at = T0 + Duration.FromTicks(round);
        lock (_floorLock)
        {
            _floorMap.TryGetValue(key, out var value);
            var offset = _zone.GetUtcOffset(at);
            Interlocked.CompareExchange(ref _counter, value + offset.Seconds, _counter);
        }

        return _counter;
    }

    /// <summary>The ledger's check-and-record, allowed and recorded.</summary>
    [Benchmark]
    public LedgerStatus AllowPath() => Record(_ledger, _rules, _requests, ref _next);

    /// <summary>
    /// The same check-and-record with each call's request and call id cold in cache (requests allocated number by number
    /// instead of in dialing order).
    /// </summary>
    [Benchmark]
    public LedgerStatus AllowPath_ColdRequests() => Record(_ledger, _rules, _coldRequests, ref _next);

    /// <summary>
    /// The same check-and-record with rules that also hold a lead-keyed cap: the general path (the number's and the
    /// lead's stripes locked, the reference decider over both logs), for comparison with the fused fast path above.
    /// </summary>
    [Benchmark]
    public LedgerStatus AllowPath_GeneralPath() => Record(_generalLedger, _generalRules, _requests, ref _nextGeneral);

    /// <summary>The same through the admission gate (callee zone resolution, result mapping).</summary>
    [Benchmark]
    public bool GateAllowPath()
    {
        var (n, round) = _next.Next();
        var pending = _gate.EnterAsync(_requests[((int)(round % Ring) * Numbers) + n], At(round));
        var allowed = pending.IsCompletedSuccessfully && pending.Result.IsAllowed;
        if (!allowed)
        {
            throw new InvalidOperationException("expected the gate to allow");
        }

        return allowed;
    }

    /// <summary>The ledger's check-and-record, denied by the duplicate window (nothing recorded).</summary>
    [Benchmark]
    public int DenyPath()
    {
        // One minute after each number's latest attempt (recorded by the setup's last round).
        var (n, _) = _next.Next();
        var pending = _ledger.TryRecordAttemptAsync(new AttemptContext(_denials[n], _latest + Duration.FromMinutes(1), _zone), _rules);
        var reasons = pending.IsCompletedSuccessfully ? pending.Result.Reasons.Count : 0;
        if (reasons != 1)
        {
            throw new InvalidOperationException($"expected one denial reason, got {reasons}");
        }

        return reasons;
    }

    // One check-and-record of the next number in turn, which must be recorded (inlined into each row, so the rows time
    // the same harness).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LedgerStatus Record(InMemoryAttemptLedger ledger, ProtectionRules rules, DialRequest[] requests, ref Cursor cursor)
    {
        var (n, round) = cursor.Next();
        var request = requests[((int)(round % Ring) * Numbers) + n];
        var pending = ledger.TryRecordAttemptAsync(new AttemptContext(request, At(round), _zone), rules);
        var status = pending.IsCompletedSuccessfully ? pending.Result.Status : LedgerStatus.Denied;
        if (status != LedgerStatus.Recorded)
        {
            throw new InvalidOperationException($"expected the attempt to be recorded, got {status}");
        }

        return status;
    }

    // The instant of a round: integer ticks (NodaTime's Duration * long goes through decimal, ~30 ns that would be
    // charged to the ledger).
    private static Instant At(long round) => Instant.FromUnixTimeTicks(T0Ticks + (round * SpacingTicks));

    /// <summary>
    /// Cycles over the numbers, counting rounds: the same sequence as dividing a call counter by the number count, without
    /// two 64-bit divisions per call (≈ 6 ns on this machine, which the harness would otherwise add to every row).
    /// </summary>
    private struct Cursor(int numbers)
    {
        private int _n = -1;
        private long _round;

        public (int N, long Round) Next()
        {
            if (++_n == numbers)
            {
                _n = 0;
                _round++;
            }

            return (_n, _round);
        }
    }
}
