using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using NodaTime;
using PhoneNumbers;

namespace Dialer.Benchmarks.Admission;

/// <summary>
/// The hot admission path (DESIGN.md, "Numbers the suite is held to"): the suite's composed in-memory admission
/// (calling window + slots + protection) against a floor of bare building blocks and against the off-the-shelf
/// composition a team would otherwise write. Every allow-path operation admits one request and then undoes what it
/// took (the attempt and the slot), and the floor and off-the-shelf variants do the same symmetric work, so each
/// operation takes the allow path again.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const int Pool = 4096;

    private SuiteComposition _suite = null!;
    private SuiteComposition _fullSlots = null!;
    private DialRequest[] _requests = null!;
    private DialRequest _duplicate = null!;
    private DialRequest _capped = null!;
    private DialRequest _slotDenied = null!;
    private int _next;

    // Floor: the bare building blocks, hand-written.
    private readonly Dictionary<long, long> _lastAttempt = [];
    private DateTimeZone _chicago = null!;
    private int _slotCounter;
    private long[] _numbers = null!;

    // Off-the-shelf: libphonenumber + TimeZoneInfo + MemoryCache + ConcurrencyLimiter.
    private PhoneNumberUtil _phoneUtil = null!;
    private TimeZoneInfo _chicagoTzi = null!;
    private MemoryCache _cache = null!;
    private ConcurrencyLimiter _limiter = null!;
    private string[] _phoneStrings = null!;

    [GlobalSetup]
    public void Setup()
    {
        _suite = new SuiteComposition();
        _requests = SuiteComposition.Requests(Pool);
        var at = SuiteComposition.Afternoon;

        // Deny paths: a duplicate inside the window, a number at its daily cap, and a full slot scope.
        _duplicate = SuiteComposition.Requests(1, "dup")[0];
        Require(_suite.Admission.AdmitAsync(_duplicate, at - Duration.FromMinutes(1)));
        _duplicate = _duplicate.WithCallId("dup-again");

        var capped = new DialRequest("cap-0", "lead-cap", Dialer.Core.PhoneNumber.Parse("+13125559999"), "acme", "spring") { CalleeZoneId = "America/Chicago" };
        for (var i = 0; i < 3; i++)
        {
            Require(_suite.Admission.AdmitAsync(capped.WithCallId("cap-" + i), at - Duration.FromHours(3 - i)));
        }

        _capped = capped.WithCallId("cap-again");

        _fullSlots = new SuiteComposition(globalMaxCalls: 1);
        Require(_fullSlots.Admission.AdmitAsync(SuiteComposition.Requests(1, "holder")[0], at));
        _slotDenied = SuiteComposition.Requests(2, "blocked")[1];

        _chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
        _numbers = _requests.Select(r => (long)r.Phone.Value).ToArray();
        foreach (var n in _numbers)
        {
            _lastAttempt[n] = 0;
        }

        _phoneUtil = PhoneNumberUtil.GetInstance();
        _chicagoTzi = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        _cache = new MemoryCache(new MemoryCacheOptions { Clock = new FixedClock(at.ToDateTimeOffset()) });
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1_000_000, QueueLimit = 0 });
        _phoneStrings = _requests.Select(r => r.Phone.ToString()).ToArray();
    }

    private static void Require(ValueTask<AdmissionDecision> pending)
    {
        var decision = pending.AsTask().GetAwaiter().GetResult();
        if (!decision.IsAllowed)
        {
            throw new InvalidOperationException("Benchmark setup expected an allowed admission: " + decision);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _suite.Dispose();
        _fullSlots.Dispose();
        _cache.Dispose();
        _limiter.Dispose();
    }

    private int NextIndex()
    {
        var i = _next;
        _next = (i + 1) & (Pool - 1);
        return i;
    }

    /// <summary>The floor: a long-keyed dictionary lookup and update of the last attempt, a NodaTime window check, a CAS slot counter.</summary>
    [Benchmark(Baseline = true)]
    public bool Floor()
    {
        var number = _numbers[NextIndex()];
        var now = SuiteComposition.Afternoon;
        var local = now.InZone(_chicago).TimeOfDay;
        if (local < new LocalTime(8, 0) || local >= new LocalTime(21, 0))
        {
            return false;
        }

        if (Interlocked.Increment(ref _slotCounter) > 1_000_000)
        {
            Interlocked.Decrement(ref _slotCounter);
            return false;
        }

        var ticks = now.ToUnixTimeTicks();
        ref var last = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_lastAttempt, number);
        var allowed = ticks - last >= Duration.FromMinutes(10).BclCompatibleTicks;
        var previous = last;
        last = ticks;

        // Undo, as the suite's operation does.
        last = previous;
        Interlocked.Decrement(ref _slotCounter);
        return allowed;
    }

    /// <summary>The suite's composed in-memory admission, allow path, warm (admit, then roll back what it took).</summary>
    [Benchmark]
    public ValueTask<bool> Suite_Allow() => _suite.AdmitAndRollbackAsync(_requests[NextIndex()], SuiteComposition.Afternoon);

    /// <summary>Deny: outside the callee's legal hours (every later gate is still asked, so every reason is listed).</summary>
    [Benchmark]
    public async ValueTask<bool> Suite_Deny_OutsideHours() => (await _suite.Admission.AdmitAsync(_requests[NextIndex()], SuiteComposition.Night).ConfigureAwait(false)).IsAllowed;

    /// <summary>Deny: a second call inside the duplicate window.</summary>
    [Benchmark]
    public async ValueTask<bool> Suite_Deny_DuplicateWindow() => (await _suite.Admission.AdmitAsync(_duplicate, SuiteComposition.Afternoon).ConfigureAwait(false)).IsAllowed;

    /// <summary>Deny: the number's daily cap is reached.</summary>
    [Benchmark]
    public async ValueTask<bool> Suite_Deny_CapReached() => (await _suite.Admission.AdmitAsync(_capped, SuiteComposition.Afternoon).ConfigureAwait(false)).IsAllowed;

    /// <summary>Deny: no concurrency slot is free.</summary>
    [Benchmark]
    public async ValueTask<bool> Suite_Deny_SlotFull() => (await _fullSlots.Admission.AdmitAsync(_slotDenied, SuiteComposition.Afternoon).ConfigureAwait(false)).IsAllowed;

    /// <summary>
    /// Off the shelf: libphonenumber parse + validate per call, a TimeZoneInfo window check, MemoryCache for the duplicate
    /// window and ConcurrencyLimiter for slots (then the same undo as the others).
    /// </summary>
    [Benchmark]
    public bool OffTheShelf()
    {
        var text = _phoneStrings[NextIndex()];
        var parsed = _phoneUtil.Parse(text, null);
        if (!_phoneUtil.IsValidNumber(parsed))
        {
            return false;
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(SuiteComposition.Afternoon.ToDateTimeUtc(), _chicagoTzi);
        if (local.Hour < 8 || local.Hour >= 21)
        {
            return false;
        }

        using var lease = _limiter.AttemptAcquire(1);
        if (!lease.IsAcquired)
        {
            return false;
        }

        var key = _phoneUtil.Format(parsed, PhoneNumberFormat.E164);
        if (_cache.TryGetValue(key, out _))
        {
            return false;
        }

        _cache.Set(key, true, TimeSpan.FromMinutes(10));
        _cache.Remove(key);
        return true;
    }

#pragma warning disable CS0618 // ISystemClock is what MemoryCacheOptions.Clock takes.
    private sealed class FixedClock(DateTimeOffset now) : ISystemClock
    {
        public DateTimeOffset UtcNow { get; } = now;
    }
#pragma warning restore CS0618
}
