using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Benchmarks.Protection;

[MemoryDiagnoser]
public class ProtectionPartsBenchmarks
{
    private const int Ring = 8;
    [Params(1000)]
    public int Numbers { get; set; }
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly long T0Ticks = T0.ToUnixTimeTicks();
    private static readonly long SpacingTicks = Duration.FromHours(12).BclCompatibleTicks;
    private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb["America/New_York"];
    private InMemoryAttemptLedger _ledger = null!;
    private InMemoryAttemptLedger _bare = null!;
    private ProtectionRules _rules = null!;
    private DialRequest[] _requests = null!;
    private long _next;
    private long _nextBare;

    [GlobalSetup]
    public void Setup()
    {
        _requests = new DialRequest[Numbers * Ring];
        for (var n = 0; n < Numbers; n++)
        {
            var phone = PhoneNumber.FromValue(14_155_000_000UL + (ulong)n);
            for (var r = 0; r < Ring; r++)
            {
                _requests[(r * Numbers) + n] = new DialRequest($"call-{n}-{r}", "lead-" + n, phone);
            }
        }

        _ledger = new InMemoryAttemptLedger();
        _bare = new InMemoryAttemptLedger(Duration.FromDays(2));
        _rules = new ProtectionGate(_ledger, new ProtectionOptions()).Rules;
        for (var i = 0; i < Numbers * 10; i++)
        {
            Record();
            RecordNoRules();
        }
    }

    [Benchmark(Baseline = true)]
    public Instant Context()
    {
        var i = _next;
        var n = (int)(i % Numbers);
        var round = i / Numbers;
        var request = _requests[((int)(round % Ring) * Numbers) + n];
        return new AttemptContext(request, At(round), _zone).At;
    }

    [Benchmark]
    public Instant DayBounds() => ProtectionDecider.LocalDayBounds(_zone, T0 + Duration.FromTicks(_next++ % 1000)).Start;

    [Benchmark]
    public int HashCallId() => _requests[(int)(_next++ % (Numbers * Ring))].CallId.GetHashCode(StringComparison.Ordinal);

    [Benchmark]
    public LedgerStatus Record()
    {
        var i = _next++;
        var n = (int)(i % Numbers);
        var round = i / Numbers;
        var request = _requests[((int)(round % Ring) * Numbers) + n];
        var p = _ledger.TryRecordAttemptAsync(new AttemptContext(request, At(round), _zone), _rules); return p.IsCompletedSuccessfully ? p.Result.Status : LedgerStatus.Denied;
    }

    private long _sink;

    [Benchmark]
    public LedgerStatus RecordHotRequest()
    {
        var i = _next++;
        var n = (int)(i % Numbers);
        var round = i / Numbers;
        var request = _requests[((int)(round % Ring) * Numbers) + n];
        _sink += request.CallId[^1] + (long)request.Phone.Value;
        var p = _ledger.TryRecordAttemptAsync(new AttemptContext(request, At(round), _zone), _rules); return p.IsCompletedSuccessfully ? p.Result.Status : LedgerStatus.Denied;
    }

    [Benchmark]
    public long TouchRequestOnly()
    {
        var i = _next++;
        var n = (int)(i % Numbers);
        var round = i / Numbers;
        var request = _requests[((int)(round % Ring) * Numbers) + n];
        return _sink += request.CallId[^1] + (long)request.Phone.Value;
    }

    [Benchmark]
    public LedgerStatus RecordNoRules()
    {
        var i = _nextBare++;
        var n = (int)(i % Numbers);
        var round = i / Numbers;
        var request = _requests[((int)(round % Ring) * Numbers) + n];
        var p = _bare.TryRecordAttemptAsync(new AttemptContext(request, At(round), _zone), ProtectionRules.None); return p.IsCompletedSuccessfully ? p.Result.Status : LedgerStatus.Denied;
    }

    // The instant of a round: integer ticks (NodaTime's Duration * long goes through decimal, ~30 ns that would be
    // charged to the ledger).
    private static Instant At(long round) => Instant.FromUnixTimeTicks(T0Ticks + (round * SpacingTicks));
}
