using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Persistence.Tests.Statistics;

public sealed class DailyStatisticsCollectorTests
{
    private static readonly Instant Now = TestData.T0;
    private static readonly DenialReason Duplicate = new(DenialCategory.Protection, "protection.duplicate_window", "dialed inside the duplicate window", Now + Duration.FromMinutes(10));
    private static readonly DenialReason Closed = new(DenialCategory.CallingWindow, "window.closed", "calling window closed", Now + Duration.FromHours(8));

    [Fact]
    public void Options_Defaults_AreTheDocumentedConstants()
    {
        var o = new DailyStatisticsOptions();
        Assert.Equal("UTC", o.ReportingZoneId);
        Assert.Equal(TimeSpan.FromSeconds(60), o.FlushInterval);
        Assert.Equal(TimeSpan.FromHours(24), o.OutcomeDeduplicationWindow);
        Assert.True(new DailyStatisticsOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Validator_InvalidValues_ReportsEveryProblemWithPathAndValue()
    {
        var o = new DailyStatisticsOptions { ReportingZoneId = "Mars/Olympus", FlushInterval = TimeSpan.Zero, OutcomeDeduplicationWindow = TimeSpan.FromDays(-1) };
        Assert.Equal(
            [
                "ReportingZoneId = 'Mars/Olympus': must be an IANA time zone id such as UTC or America/New_York.",
                "FlushInterval = 00:00:00: must be between 00:00:01 and one day.",
                "OutcomeDeduplicationWindow = -1.00:00:00: must be between 00:00:00 (off) and 30 days.",
            ],
            new DailyStatisticsOptionsValidator().Validate(null, o).Failures);
        var ex = Assert.Throws<OptionsValidationException>(() => new DailyStatisticsCollector(o, new MemoryStoreData()));
        Assert.Equal(3, ex.Failures.Count());
    }

    [Fact]
    public async Task OnAdmissionAndHandle_CountPerLocalDateClientAndCampaign()
    {
        var (collector, store, _) = Create("America/New_York");
        var acme = TestRequests.Create(clientId: "acme", campaignId: "spring");
        var other = TestRequests.Create(clientId: "beta", campaignId: "fall");

        // 2025-03-09T12:00Z is 08:00 EDT on the 9th; 03:30Z is 22:30 EST on the 8th.
        collector.OnAdmission(acme, Allowed(Now));
        collector.OnAdmission(acme, Allowed(Now));
        collector.OnAdmission(acme, Denied(Now, Duplicate, Closed));
        collector.OnAdmission(acme, Denied(Now, Duplicate));
        collector.OnAdmission(acme, Allowed(Instant.FromUtc(2025, 3, 9, 3, 30)));
        collector.OnAdmission(other, Denied(Now, Closed));
        await collector.HandleAsync(new CallOutcome(acme, Disposition.NoAnswer, Now), default);
        await collector.HandleAsync(new CallOutcome(acme.WithCallId("x2"), Disposition.Sold, Now), default);
        await collector.HandleAsync(new CallOutcome(acme.WithCallId("x3"), Disposition.NoAnswer, Now), default);

        var expected = new[]
        {
            new DailyStatistics { Date = new LocalDate(2025, 3, 8), ClientId = "acme", CampaignId = "spring", Requests = 1, Admitted = 1 },
            new DailyStatistics
            {
                Date = new LocalDate(2025, 3, 9), ClientId = "acme", CampaignId = "spring", Requests = 4, Admitted = 2, Denied = 2,
                DeniedByReason = new Dictionary<string, long> { ["protection.duplicate_window"] = 2, ["window.closed"] = 1 },
                Outcomes = new Dictionary<string, long> { ["no_answer"] = 2, ["sold"] = 1 },
            },
            new DailyStatistics
            {
                Date = new LocalDate(2025, 3, 9), ClientId = "beta", CampaignId = "fall", Requests = 1, Denied = 1,
                DeniedByReason = new Dictionary<string, long> { ["window.closed"] = 1 },
            },
        };
        Assert.Equal(expected, collector.GetPending());

        Assert.Equal(3, await collector.FlushAsync());
        Assert.Empty(collector.GetPending());
        Assert.Equal(expected, store.Snapshot().DailyStatistics.OrderBy(s => s.Date).ThenBy(s => s.ClientId).ToArray());
        Assert.Equal(0, await collector.FlushAsync());
        Assert.Equal(1, store.AddCalls);
    }

    [Fact]
    public async Task FlushAsync_StoreFails_KeepsEveryCountForTheNextFlush()
    {
        var (collector, store, _) = Create();
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        collector.OnAdmission(request, Allowed(Now));
        collector.OnAdmission(request, Denied(Now, Duplicate));
        var before = collector.GetPending();
        store.FailNextAdd = new InvalidOperationException("disk full");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => collector.FlushAsync());
        Assert.Equal("disk full", ex.Message);
        Assert.Equal(before, collector.GetPending());
        Assert.Empty(store.Snapshot().DailyStatistics);

        collector.OnAdmission(request, Allowed(Now));
        Assert.Equal(1, await collector.FlushAsync());
        var row = Assert.Single(store.Snapshot().DailyStatistics);
        Assert.Equal(new DailyStatistics
        {
            Date = new LocalDate(2025, 3, 9), ClientId = "acme", CampaignId = "spring", Requests = 3, Admitted = 2, Denied = 1,
            DeniedByReason = new Dictionary<string, long> { ["protection.duplicate_window"] = 1 },
        }, row);
    }

    [Fact]
    public async Task Counting_EightThreadsWhileFlushing_LosesAndDoublesNothing()
    {
        var (collector, store, _) = Create();
        const int PerThread = 5_000;
        var requests = Enumerable.Range(0, 4).Select(i => TestRequests.Create(clientId: "c" + (i % 2), campaignId: "k" + i)).ToArray();
        var allowed = Allowed(Now);
        var denied = Denied(Now, Duplicate, Closed);
        using var start = new Barrier(9);
        var workers = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                var request = requests[(t + i) % requests.Length];
                collector.OnAdmission(request, i % 3 == 0 ? denied : allowed);
                if (i % 5 == 0)
                {
                    collector.HandleAsync(new CallOutcome(request.WithCallId($"t{t}-{i}"), Disposition.NoAnswer, Now), default).AsTask().GetAwaiter().GetResult();
                }
            }
        })).ToArray();
        var flusher = Task.Run(async () =>
        {
            start.SignalAndWait();
            var fail = false;
            while (!workers.All(w => w.IsCompleted))
            {
                if (fail)
                {
                    store.FailNextAdd = new IOException("flaky");
                }

                fail = !fail;
                try
                {
                    await collector.FlushAsync();
                }
                catch (IOException)
                {
                }
            }
        });
        await Task.WhenAll(workers);
        await flusher;
        await collector.FlushAsync();

        var rows = store.Snapshot().DailyStatistics;
        var deniedPerThread = Enumerable.Range(0, PerThread).Count(i => i % 3 == 0);
        Assert.Equal(8L * PerThread, rows.Sum(r => r.Requests));
        Assert.Equal(8L * deniedPerThread, rows.Sum(r => r.Denied));
        Assert.Equal(8L * (PerThread - deniedPerThread), rows.Sum(r => r.Admitted));
        Assert.Equal(8L * deniedPerThread, rows.Sum(r => r.DeniedByReason["protection.duplicate_window"]));
        Assert.Equal(8L * deniedPerThread, rows.Sum(r => r.DeniedByReason["window.closed"]));
        Assert.Equal(8L * Enumerable.Range(0, PerThread).Count(i => i % 5 == 0), rows.Sum(r => r.Outcomes["no_answer"]));
        Assert.Equal(4, rows.Count);
        Assert.Empty(collector.GetPending());
    }

    [Fact]
    public async Task HandleAsync_SameAttemptReportedAgain_CountsOnceUntilTheWindowPassed()
    {
        var (collector, store, clock) = Create();
        var outcome = new CallOutcome(TestRequests.Create(callId: "dup-1"), Disposition.Busy, Now);
        await collector.HandleAsync(outcome, default);
        await collector.HandleAsync(outcome, default);
        await collector.FlushAsync();
        clock.Advance(TimeSpan.FromHours(25));
        await collector.FlushAsync(); // forgets attempt ids older than the window
        await collector.HandleAsync(outcome, default);
        await collector.FlushAsync();
        Assert.Equal(2, Assert.Single(store.Snapshot().DailyStatistics).Outcomes["busy"]);

        var (counting, countingStore, _) = Create(dedup: TimeSpan.Zero);
        await counting.HandleAsync(outcome, default);
        await counting.HandleAsync(outcome, default);
        await counting.FlushAsync();
        Assert.Equal(2, Assert.Single(countingStore.Snapshot().DailyStatistics).Outcomes["busy"]);
    }

    [Fact]
    public async Task FlushAsync_DatesMoreThanADayPast_AreDroppedFromMemoryWithoutLosingLateCounts()
    {
        var (collector, store, clock) = Create();
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        collector.OnAdmission(request, Allowed(Now));
        await collector.FlushAsync();
        Assert.Equal(1, collector.TrackedKeys);

        clock.Advance(TimeSpan.FromDays(1));
        await collector.FlushAsync();
        Assert.Equal(1, collector.TrackedKeys); // yesterday is kept: late outcomes still arrive

        clock.Advance(TimeSpan.FromDays(1));
        await collector.FlushAsync(); // retired: out of the map, kept for one more flush
        Assert.Equal(1, collector.TrackedKeys);
        await collector.FlushAsync();
        Assert.Equal(0, collector.TrackedKeys);

        await collector.HandleAsync(new CallOutcome(request, Disposition.Busy, Now), default);
        Assert.Equal(1, collector.TrackedKeys);
        Assert.Equal(1, await collector.FlushAsync());
        var row = Assert.Single(store.Snapshot().DailyStatistics);
        Assert.Equal((1L, 1L), (row.Requests, row.Outcomes["busy"]));
    }

    [Fact]
    public void OnAdmission_KnownKeyAndReasons_AllocatesNothing()
    {
        var (collector, _, _) = Create("America/New_York");
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        var allowed = Allowed(Now);
        var denied = Denied(Now, Duplicate, Closed);
        collector.OnAdmission(request, allowed);
        collector.OnAdmission(request, denied);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            collector.OnAdmission(request, allowed);
            collector.OnAdmission(request, denied);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task AddDailyStatistics_RegistersOnceAsObserverHandlerAndFlusher_AndFlushesOnStop()
    {
        var store = new MemoryStoreData();
        var clock = TestClock.At(Now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IStoreDataAccess>(store);
        var builder = services.AddDialer();
        builder.AddDailyStatistics(o => o.FlushInterval = TimeSpan.FromMinutes(5));
        builder.AddDailyStatistics();
        using var provider = services.BuildServiceProvider();

        var collector = provider.GetRequiredService<DailyStatisticsCollector>();
        Assert.Same(collector, Assert.Single(provider.GetServices<IAdmissionObserver>().OfType<DailyStatisticsCollector>()));
        Assert.Same(collector, Assert.Single(provider.GetServices<ICallOutcomeHandler>().OfType<DailyStatisticsCollector>()));
        Assert.Equal(TimeSpan.FromMinutes(5), collector.FlushInterval);
        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        await hosted.StartAsync(default);
        collector.OnAdmission(TestRequests.Create(), Allowed(Now));

        // ExecuteAsync starts on a background thread: keep moving the fake clock until its delay has been registered and fired.
        Assert.True(
            SpinWait.SpinUntil(() =>
            {
                clock.Advance(TimeSpan.FromMinutes(5));
                return store.AddCalls == 1;
            }, TimeSpan.FromSeconds(30)),
            "the interval flush did not run");
        collector.OnAdmission(TestRequests.Create(), Allowed(Now));
        await hosted.StopAsync(default);
        Assert.Equal(2, store.Snapshot().DailyStatistics.Single().Requests);
    }

    [Fact]
    public void AddDailyStatistics_InvalidOptions_FailsWithEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IStoreDataAccess>(new MemoryStoreData());
        services.AddDialer().AddDailyStatistics(o => o.ReportingZoneId = "Nowhere");
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DailyStatisticsOptions>>().Value);
        Assert.Equal(["ReportingZoneId = 'Nowhere': must be an IANA time zone id such as UTC or America/New_York."], ex.Failures);
    }

    private static (DailyStatisticsCollector Collector, MemoryStoreData Store, FakeTimeProvider Clock) Create(string zone = "UTC", TimeSpan? dedup = null)
    {
        var store = new MemoryStoreData();
        var clock = TestClock.At(Now);
        var options = new DailyStatisticsOptions { ReportingZoneId = zone, OutcomeDeduplicationWindow = dedup ?? TimeSpan.FromHours(24) };
        return (new DailyStatisticsCollector(options, store, DateTimeZoneProviders.Tzdb, clock), store, clock);
    }

    private static AdmissionDecision Allowed(Instant at) => AdmissionDecision.Allow(at, "attempt", AdmissionHolds.Attempt, at, null);

    private static AdmissionDecision Denied(Instant at, params DenialReason[] reasons) =>
        AdmissionDecision.Deny(at, reasons.Length == 1 ? new DenialReasonList(reasons[0]) : new DenialReasonList(reasons), null);
}
