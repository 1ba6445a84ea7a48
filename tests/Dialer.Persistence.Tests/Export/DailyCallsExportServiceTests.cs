using Dialer.Core;
using Dialer.Persistence.Sqlite;
using Dialer.Protection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Persistence.Tests.Export;

/// <summary>The daily calls export as a service: which days a run writes, when it runs next, its options and DI.</summary>
public sealed class DailyCallsExportServiceTests : IDisposable
{
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Exports => _dir.Combine("exports");

    private static FakeTimeProvider At(Instant instant) => new(instant.ToDateTimeOffset());

    private DailyCallsExportService Service(SqliteDialerStore store, TimeProvider time, Action<DailyCallsExportOptions>? configure = null)
    {
        var options = new DailyCallsExportOptions { Directory = Exports, ZoneId = "America/New_York", CatchUpDays = 3 };
        configure?.Invoke(options);
        return new DailyCallsExportService(options, store.Data, store, timeProvider: time);
    }

    private static AttemptEntry Attempt(string id, Instant at) =>
        new(id, Phone, "lead-" + id, "acme", "spring", null, at, "no_answer", DispositionCategory.Retryable, at + Duration.FromSeconds(20));

    private static async Task<string[]> IdsInAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return [.. (await JsonLinesReader.ReadAsync(file)).Data.Attempts.Select(a => a.AttemptId)];
    }

    [Fact]
    public async Task RunOnce_AfterTheDelay_WritesEveryMissingFinishedDayInTheZoneAndNotToday()
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(new StoreDataSet
        {
            Attempts =
            [
                Attempt("mar-7", Instant.FromUtc(2026, 3, 7, 15, 0)),
                Attempt("mar-8-late-local", Instant.FromUtc(2026, 3, 9, 3, 30)), // 23:30 EDT on 8 March (spring-forward day)
                Attempt("mar-9", Instant.FromUtc(2026, 3, 9, 15, 0)),
                Attempt("today", Instant.FromUtc(2026, 3, 10, 4, 30)), // 00:30 EDT on 10 March
            ],
        }, StoreImportMode.Merge);

        // 00:20 EDT on 10 March: 9 March finished 20 minutes ago, past the 15-minute delay.
        var written = await Service(store, At(Instant.FromUtc(2026, 3, 10, 4, 20))).RunOnceAsync();

        Assert.Equal(
            ["calls_2026-03-07.jsonl", "calls_2026-03-08.jsonl", "calls_2026-03-09.jsonl"],
            written.Select(Path.GetFileName));
        Assert.Equal(["mar-7"], await IdsInAsync(written[0]));
        Assert.Equal(["mar-8-late-local"], await IdsInAsync(written[1]));
        Assert.Equal(["mar-9"], await IdsInAsync(written[2]));
        Assert.False(File.Exists(Path.Combine(Exports, "calls_2026-03-10.jsonl")));
    }

    [Fact]
    public async Task RunOnce_BeforeTheDelay_LeavesYesterdayForLater_AndASecondRunRewritesNothing()
    {
        var store = _dir.OpenSqlite();
        var clock = At(Instant.FromUtc(2026, 3, 10, 4, 10)); // 00:10 EDT: 9 March ended 10 minutes ago
        var service = Service(store, clock);

        var first = await service.RunOnceAsync();
        var again = await service.RunOnceAsync();
        clock.Advance(TimeSpan.FromMinutes(6));
        var afterDelay = await service.RunOnceAsync();

        Assert.Equal(["calls_2026-03-06.jsonl", "calls_2026-03-07.jsonl", "calls_2026-03-08.jsonl"], first.Select(Path.GetFileName));
        Assert.Empty(again);
        Assert.Equal(["calls_2026-03-09.jsonl"], afterDelay.Select(Path.GetFileName));
    }

    [Fact]
    public async Task RunOnce_ExistingFile_IsNeverRewritten()
    {
        var store = _dir.OpenSqlite();
        Directory.CreateDirectory(Exports);
        var existing = Path.Combine(Exports, "calls_2026-03-09.jsonl");
        await File.WriteAllTextAsync(existing, "written by another host");

        var written = await Service(store, At(Instant.FromUtc(2026, 3, 10, 12, 0)), o => o.CatchUpDays = 1).RunOnceAsync();

        Assert.Empty(written);
        Assert.Equal("written by another host", await File.ReadAllTextAsync(existing));
    }

    [Theory]
    [InlineData("2026-03-10T04:00:00Z", "2026-03-10T04:15:00Z")] // local midnight: the run is 15 minutes later
    [InlineData("2026-03-10T04:15:00Z", "2026-03-11T04:15:00Z")] // exactly at the run: the next is tomorrow's
    [InlineData("2026-03-08T05:30:00Z", "2026-03-09T04:15:00Z")] // 00:30 EST on spring-forward day: next is 00:15 EDT
    [InlineData("2026-11-01T03:00:00Z", "2026-11-01T04:15:00Z")] // 23:00 EDT on 31 October
    [InlineData("2026-11-01T05:00:00Z", "2026-11-02T05:15:00Z")] // across fall-back: 00:15 EST
    public void NextRunAfter_IsTheDelayPastTheNextLocalMidnight(string now, string expected)
    {
        var service = Service(_dir.OpenSqlite(), TimeProvider.System);

        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse(expected).Value, service.NextRunAfter(NodaTime.Text.InstantPattern.ExtendedIso.Parse(now).Value));
    }

    [Fact]
    public void Options_Defaults()
    {
        var o = new DailyCallsExportOptions();

        Assert.Equal(("exports", "UTC", TimeSpan.FromMinutes(15), 7, true), (o.Directory, o.ZoneId, o.ExportAfter, o.CatchUpDays, o.RunInBackground));
    }

    [Fact]
    public void Validator_InvalidValues_ListsEveryProblemWithItsValue()
    {
        var options = new DailyCallsExportOptions { Directory = " ", ZoneId = "Mars/Olympus", ExportAfter = TimeSpan.FromHours(13), CatchUpDays = 0 };

        var ex = Assert.Throws<OptionsValidationException>(() => new DailyCallsExportOptionsValidator().ThrowIfInvalid(options));

        Assert.Equal(
            [
                "Directory = ' ': must name a directory.",
                "ZoneId = 'Mars/Olympus': is not a known IANA time zone id.",
                "ExportAfter = 13:00:00: must be between 00:00:00 and 12:00:00 after local midnight.",
                "CatchUpDays = 0: must be between 1 and 366.",
            ],
            ex.Failures);
    }

    [Fact]
    public async Task AddDailyCallsExport_FromConfiguration_RegistersOneHostedServiceWritingIntoTheConfiguredDirectory()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Export:Directory"] = Exports,
            ["Export:ZoneId"] = "America/New_York",
            ["Export:CatchUpDays"] = "1",
            ["Export:RunInBackground"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(At(Instant.FromUtc(2026, 3, 10, 12, 0)));
        services.AddDialer().AddProtection().UseSqlite(_dir.Combine("di.db"))
            .AddDailyCallsExport(config.GetSection("Export")).AddDailyCallsExport(config.GetSection("Export"));
        await using var provider = services.BuildServiceProvider();

        var service = provider.GetRequiredService<DailyCallsExportService>();
        var written = await service.RunOnceAsync();

        Assert.Same(service, Assert.Single(provider.GetServices<IHostedService>().OfType<DailyCallsExportService>()));
        Assert.Equal(Path.GetFullPath(Exports), service.Directory);
        Assert.Equal([Path.Combine(Path.GetFullPath(Exports), "calls_2026-03-09.jsonl")], written);
    }

    [Fact]
    public void AddDailyCallsExport_ObjectWhereTheZoneIsExpected_IsRejectedNamingTheKey()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Export:ZoneId:Name"] = "America/New_York",
        }).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddDailyCallsExport(config.GetSection("Export"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DailyCallsExportOptions>>().Value);

        Assert.Equal(["Export:ZoneId = (object): expected a string"], ex.Failures);
    }
}
