using NodaTime;

namespace Dialer.Protection.Tests.InMemory;

/// <summary>
/// The ledger's day-bounds caches (one per stripe, backed by one shared sequence-locked cache) answer exactly what
/// <see cref="ProtectionDecider.LocalDayBounds"/> computes — across DST days (23 and 25 hours, Lord Howe's 30-minute
/// shift), more zones than slots, and threads racing to refresh the shared slots.
/// </summary>
public sealed class DayBoundsCacheTests
{
    private static readonly DateTimeZone[] Zones =
    [
        .. new[]
        {
            "America/New_York", "Europe/London", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "America/St_Johns",
            "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "America/Los_Angeles", "Asia/Kathmandu",
        }.Select(id => DateTimeZoneProviders.Tzdb[id]),
        DateTimeZone.Utc,
    ];

    [Fact]
    public void StripeCaches_OverOneSharedCache_MatchTheDecider_UnderRacingThreads()
    {
        var shared = new SharedDayBounds();
        var start = Instant.FromUtc(2026, 1, 1, 0, 0);
        var mismatches = 0;
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            var mine = new DayBoundsCache(shared);
            for (var i = 0; i < 20_000; i++)
            {
                // Instants walk through the year in 37-minute steps per thread, offset per thread; zones rotate faster
                // than the eight slots can hold them.
                var zone = Zones[(i + t) % Zones.Length];
                var at = start + Duration.FromMinutes((37L * i) + (101L * t));
                if (mine.Get(zone, at) != ProtectionDecider.LocalDayBounds(zone, at))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, mismatches);
    }

    [Theory]
    [InlineData("America/New_York", 2026, 3, 8, 23)]
    [InlineData("America/New_York", 2026, 11, 1, 25)]
    [InlineData("Australia/Lord_Howe", 2026, 4, 5, 24.5)]
    public void DstDays_HaveTheirTrueLength(string zoneId, int year, int month, int day, double hours)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var cache = new DayBoundsCache();
        var noon = new LocalDateTime(year, month, day, 12, 0).InZoneLeniently(zone).ToInstant();

        var (first, firstEnd) = cache.Get(zone, noon);
        var (again, againEnd) = cache.Get(zone, noon + Duration.FromHours(1));

        Assert.Equal(Duration.FromMinutes(hours * 60), firstEnd - first);
        Assert.Equal((first, firstEnd), (again, againEnd));
        Assert.Equal(new LocalDate(year, month, day).AtStartOfDayInZone(zone).ToInstant(), first);
    }
}
