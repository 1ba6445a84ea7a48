using System.Diagnostics.Metrics;
using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Persistence.Tests.Diagnostics;

[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>The package's counters (run alone: the meter is process-wide).</summary>
[Collection(nameof(MetricsCollection))]
public sealed class PersistenceMetricsTests
{
    private static readonly Instant Now = TestData.T0;

    [Fact]
    public async Task Counters_FlushesPurgesAndBackups_AreCountedOnTheDialerPersistenceMeter()
    {
        var measured = new List<(string Name, long Value, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Dialer.Persistence")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tag = null;
            foreach (var t in tags)
            {
                tag = t.Key + "=" + t.Value;
            }

            lock (measured)
            {
                measured.Add((instrument.Name, value, tag));
            }
        });
        listener.Start();

        var store = new MemoryStoreData(new StoreDataSet
        {
            Attempts = [new Protection.AttemptEntry("old", PhoneNumber.Parse("+14155550123"), "l", "c", "k", null, Now - Duration.FromDays(100))],
        });
        var collector = new DailyStatisticsCollector(new DailyStatisticsOptions(), store, timeProvider: TestClock.At(Now));
        collector.OnAdmission(TestRequests.Create(), AdmissionDecision.Allow(Now, "a", AdmissionHolds.Attempt, Now, null));
        store.FailNextAdd = new IOException("down");
        await Assert.ThrowsAsync<IOException>(() => collector.FlushAsync());
        await collector.FlushAsync();
        await new RetentionService(store, new RetentionPolicy(new RetentionOptions(), Duration.FromDays(2)), TestClock.At(Now)).RunAsync();
        using var dir = new TempDirectory();
        await StoreBackup.CreateAsync(store, null, dir.Combine("backups"), timeProvider: TestClock.At(Now));

        Assert.Equal(
            [
                ("dialer.persistence.statistics.flush_failures", 1L, (string?)null),
                ("dialer.persistence.statistics.rows_written", 1L, null),
                ("dialer.persistence.retention.deleted", 1L, "dialer.data_type=attempt"),
                ("dialer.persistence.backups.created", 1L, null),
            ],
            measured);
    }
}
