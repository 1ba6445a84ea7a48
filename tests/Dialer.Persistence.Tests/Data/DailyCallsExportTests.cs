using Dialer.Core;
using Dialer.Protection;
using Dialer.Testing;
using NodaTime;
using NodaTime.Testing.TimeZones;

namespace Dialer.Persistence.Tests.Data;

/// <summary>The daily <c>calls_YYYY-MM-DD.jsonl</c> export on a real (SQLite) store, across DST changes.</summary>
public sealed class DailyCallsExportTests : IDisposable
{
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExportDailyCalls_SpringForwardDay_HoldsTheTwentyThreeLocalHoursOnly()
    {
        // 2025-03-09 in New York runs from 05:00Z (midnight EST) to 04:00Z next day (midnight EDT).
        var ids = await ExportAsync(new LocalDate(2025, 3, 9), NewYork,
            ("before", Instant.FromUtc(2025, 3, 9, 4, 59, 59)),
            ("first", Instant.FromUtc(2025, 3, 9, 5, 0)),
            ("after-gap", Instant.FromUtc(2025, 3, 9, 7, 30)),
            ("last", Instant.FromUtc(2025, 3, 10, 3, 59, 59)),
            ("next-day", Instant.FromUtc(2025, 3, 10, 4, 0)));
        Assert.Equal(["first", "after-gap", "last"], ids);
    }

    [Fact]
    public async Task ExportDailyCalls_FallBackDay_HoldsTheTwentyFiveLocalHours()
    {
        // 2025-11-02 in New York runs from 04:00Z (midnight EDT) to 05:00Z next day (midnight EST).
        var ids = await ExportAsync(new LocalDate(2025, 11, 2), NewYork,
            ("before", Instant.FromUtc(2025, 11, 2, 3, 59)),
            ("first", Instant.FromUtc(2025, 11, 2, 4, 0)),
            ("repeated-hour", Instant.FromUtc(2025, 11, 2, 6, 30)),
            ("late-evening", Instant.FromUtc(2025, 11, 3, 4, 30)),
            ("next-day", Instant.FromUtc(2025, 11, 3, 5, 0)));
        Assert.Equal(["first", "repeated-hour", "late-evening"], ids);
    }

    [Fact]
    public async Task ExportDailyCalls_ZoneChangingOffsetMidDay_UsesTheLocalMidnights()
    {
        // A zone moving from UTC+0 to UTC+2 at noon UTC: 2025-06-01 ends at 22:00Z.
        var zone = new SingleTransitionDateTimeZone(Instant.FromUtc(2025, 6, 1, 12, 0), Offset.Zero, Offset.FromHours(2));
        var ids = await ExportAsync(new LocalDate(2025, 6, 1), zone,
            ("first", Instant.FromUtc(2025, 6, 1, 0, 0)),
            ("last", Instant.FromUtc(2025, 6, 1, 21, 59)),
            ("next-day", Instant.FromUtc(2025, 6, 1, 22, 0)));
        Assert.Equal(["first", "last"], ids);
    }

    [Fact]
    public async Task ExportDailyCalls_FileExists_IsReplacedWholeAndNoTemporaryFileIsLeft()
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [Attempt("a1", Instant.FromUtc(2025, 3, 9, 15, 0))] }, StoreImportMode.Merge);
        var exports = _dir.Combine("exports");
        Directory.CreateDirectory(exports);
        await File.WriteAllTextAsync(Path.Combine(exports, "calls_2025-03-09.jsonl"), "old content");
        var clock = TestClock.At(Instant.FromUtc(2025, 3, 10, 6, 0));

        var path = await StoreDataTransfer.ExportDailyCallsAsync(store.Data, exports, new LocalDate(2025, 3, 9), NewYork, store, clock);

        Assert.Equal(Path.Combine(exports, "calls_2025-03-09.jsonl"), path);
        Assert.Equal(["calls_2025-03-09.jsonl"], Directory.GetFiles(exports).Select(Path.GetFileName));
        await using var file = File.OpenRead(path);
        var content = await JsonLinesReader.ReadAsync(file);
        Assert.Equal(new JsonLinesHeader("sqlite", store.CurrentSchemaVersion, Instant.FromUtc(2025, 3, 10, 6, 0)), content.Header);
        var attempt = Assert.Single(content.Data.Attempts);
        Assert.Equal(("no_answer", (DispositionCategory?)DispositionCategory.Retryable), (attempt.OutcomeCode, attempt.OutcomeCategory));
    }

    [Fact]
    public void DailyCallsFileName_IsCallsDashIsoDate() =>
        Assert.Equal("calls_2025-01-05.jsonl", StoreDataTransfer.DailyCallsFileName(new LocalDate(2025, 1, 5)));

    private async Task<string[]> ExportAsync(LocalDate date, DateTimeZone zone, params (string Id, Instant At)[] attempts)
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(new StoreDataSet { Attempts = [.. attempts.Select(a => Attempt(a.Id, a.At))] }, StoreImportMode.Merge);
        var path = await StoreDataTransfer.ExportDailyCallsAsync(store.Data, _dir.Combine("exports"), date, zone, store, TestClock.At(TestData.T0));
        await using var file = File.OpenRead(path);
        var content = await JsonLinesReader.ReadAsync(file);
        Assert.Equal(0, content.Data.Counts.Total - content.Data.Counts.Attempts);
        return [.. content.Data.Attempts.Select(a => a.AttemptId)];
    }

    private static AttemptEntry Attempt(string id, Instant at) =>
        new(id, Phone, "lead-" + id, "acme", "spring", null, at, "no_answer", DispositionCategory.Retryable, at + Duration.FromSeconds(20));
}
