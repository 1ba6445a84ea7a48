using Dialer.Core;
using Dialer.Persistence.Sqlite;
using Dialer.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Persistence.Tests.Statistics;

/// <summary>The collector composed with the real SQLite store: flushed increments add up in the store.</summary>
public sealed class DailyStatisticsSqliteTests : IDisposable
{
    private static readonly Instant Now = TestData.T0;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Flush_TwiceIntoSqlite_AddsTheIncrementsToTheStoredRow()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TestClock.At(Now));
        services.AddDialer().UseSqlite(_dir.Combine("dialer.db")).AddDailyStatistics(o => o.ReportingZoneId = "Europe/Berlin");
        await using var provider = services.BuildServiceProvider();
        var collector = provider.GetRequiredService<DailyStatisticsCollector>();
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        var denial = new DenialReason(DenialCategory.Protection, "protection.daily_cap", "daily cap reached", null);

        collector.OnAdmission(request, AdmissionDecision.Allow(Now, request.CallId, AdmissionHolds.Attempt, Now, null));
        await collector.HandleAsync(new CallOutcome(request, Disposition.NoAnswer, Now), default);
        Assert.Equal(1, await collector.FlushAsync());
        collector.OnAdmission(request, AdmissionDecision.Deny(Now, new DenialReasonList(denial), null));
        collector.OnAdmission(request, AdmissionDecision.Deny(Now, new DenialReasonList(denial), null));
        Assert.Equal(1, await collector.FlushAsync());

        var store = provider.GetRequiredService<SqliteDialerStore>();
        var rows = new List<DailyStatistics>();
        await foreach (var row in store.Data.ReadDailyStatisticsAsync(null, null))
        {
            rows.Add(row);
        }

        Assert.Equal(
            new DailyStatistics
            {
                Date = new LocalDate(2025, 3, 9), ClientId = "acme", CampaignId = "spring", Requests = 3, Admitted = 1, Denied = 2,
                DeniedByReason = new Dictionary<string, long> { ["protection.daily_cap"] = 2 },
                Outcomes = new Dictionary<string, long> { ["no_answer"] = 1 },
            },
            Assert.Single(rows));
    }
}
