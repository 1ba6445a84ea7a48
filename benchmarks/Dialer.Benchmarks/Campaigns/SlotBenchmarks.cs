using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Dialer.Campaigns;
using Dialer.Core;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Benchmarks.Campaigns;

/// <summary>
/// One concurrency slot taken and given back, single thread: the in-memory slot store (three nested scopes: global,
/// client, campaign; idempotent by call id; leases with expiry) and the slot gate, against
/// <see cref="ConcurrencyLimiter"/> (the baseline) and <see cref="SemaphoreSlim"/>, which guard one flat count.
/// </summary>
[MemoryDiagnoser]
public class SlotBenchmarks
{
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration Ttl = Duration.FromMinutes(10);

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions { PermitLimit = 100, QueueLimit = 0 });
    private readonly SemaphoreSlim _semaphore = new(100, 100);
    private readonly InMemorySlotStore _store = new();
    private readonly SlotScopeSet _scopes = new(
        new SlotScopeLimit(SlotScope.Global, 100),
        new SlotScopeLimit(SlotScope.Client("acme"), 50),
        new SlotScopeLimit(SlotScope.Campaign("acme", "spring"), 20));

    private readonly SlotGate _gate;
    private readonly SlotManager _manager;
    private readonly DialRequest _request = new("call-1", "lead-1", PhoneNumber.Parse("+14155550123"), "acme", "spring");

    public SlotBenchmarks()
    {
        _manager = new SlotManager(new InMemorySlotStore(), new SlotOptions { GlobalMaxCalls = 100, DefaultClientMaxCalls = 50, DefaultCampaignMaxCalls = 20 }, new FakeTimeProvider(Now.ToDateTimeOffset()));
        _gate = new SlotGate(_manager);
    }

    [Benchmark(Baseline = true)]
    public bool ConcurrencyLimiter_AcquireRelease()
    {
        using var lease = _limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool SemaphoreSlim_WaitRelease()
    {
        var acquired = _semaphore.Wait(0);
        _semaphore.Release();
        return acquired;
    }

    [Benchmark]
    public bool SlotStore_AcquireRelease()
    {
        var acquired = Sync(_store.TryAcquireAsync("call-1", _scopes, Now, Ttl)).IsAcquired;
        return Sync(_store.ReleaseAsync("call-1")) && acquired;
    }

    [Benchmark]
    public bool SlotGate_EnterRollback()
    {
        var allowed = Sync(_gate.EnterAsync(_request, Now)).IsAllowed;
        Sync(_gate.RollbackAsync(_request));
        return allowed;
    }

    internal static T Sync<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    internal static void Sync(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>The same pairs from two threads at once (contended), 2 × 50,000 pairs per invocation.</summary>
[MemoryDiagnoser]
public class SlotContendedBenchmarks
{
    private const int PerThread = 50_000;
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration Ttl = Duration.FromMinutes(10);

    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions { PermitLimit = 100, QueueLimit = 0 });
    private readonly SemaphoreSlim _semaphore = new(100, 100);
    private readonly InMemorySlotStore _store = new();
    private readonly SlotScopeSet _scopes = new(
        new SlotScopeLimit(SlotScope.Global, 100),
        new SlotScopeLimit(SlotScope.Client("acme"), 50),
        new SlotScopeLimit(SlotScope.Campaign("acme", "spring"), 20));

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * PerThread)]
    public void ConcurrencyLimiter_TwoThreads() => Parallel.Invoke(LimiterLoop, LimiterLoop);

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void SemaphoreSlim_TwoThreads() => Parallel.Invoke(SemaphoreLoop, SemaphoreLoop);

    [Benchmark(OperationsPerInvoke = 2 * PerThread)]
    public void SlotStore_TwoThreads() => Parallel.Invoke(() => StoreLoop("call-a"), () => StoreLoop("call-b"));

    private void LimiterLoop()
    {
        for (var i = 0; i < PerThread; i++)
        {
            using var lease = _limiter.AttemptAcquire();
        }
    }

    private void SemaphoreLoop()
    {
        for (var i = 0; i < PerThread; i++)
        {
            if (_semaphore.Wait(0))
            {
                _semaphore.Release();
            }
        }
    }

    private void StoreLoop(string callId)
    {
        for (var i = 0; i < PerThread; i++)
        {
            if (SlotBenchmarks.Sync(_store.TryAcquireAsync(callId, _scopes, Now, Ttl)).IsAcquired)
            {
                SlotBenchmarks.Sync(_store.ReleaseAsync(callId));
            }
        }
    }
}
