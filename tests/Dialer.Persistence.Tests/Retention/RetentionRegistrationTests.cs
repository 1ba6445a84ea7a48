using Dialer.Core;
using Dialer.Persistence.Sqlite;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence.Tests.Retention;

/// <summary>Retention composed with protection and the SQLite store through DI.</summary>
public sealed class RetentionRegistrationTests : IDisposable
{
    private static readonly Instant Now = TestData.T0;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddRetention_WithProtectionAndSqlite_PurgesOnlyBeyondTheRetention()
    {
        using var provider = Build(o => o.Attempts = TimeSpan.FromDays(3));
        var store = provider.GetRequiredService<SqliteDialerStore>();
        var phone = PhoneNumber.Parse("+14155550123");
        await store.Data.ImportAsync(new StoreDataSet
        {
            Attempts =
            [
                new Protection.AttemptEntry("old", phone, "l", "c", "k", null, Now - Duration.FromDays(4)),
                new Protection.AttemptEntry("inside", phone, "l", "c", "k", null, Now - Duration.FromDays(2)),
            ],
        }, StoreImportMode.Merge);

        var service = provider.GetRequiredService<RetentionService>();
        Assert.Equal(Duration.FromDays(2), service.Policy.RuleHorizon);
        Assert.Equal(new StoreDataCounts(1, 0, 0, 0, 0, 0), await service.RunAsync());
        var left = await Backup.StoreBackupTests.ReadAllAsync(store.Data);
        Assert.Equal("inside", Assert.Single(left.Attempts).AttemptId);
        Assert.Single(provider.GetServices<IHostedService>(), h => h.GetType().Name == "RetentionBackgroundService");
    }

    [Fact]
    public void AddRetention_AttemptsShorterThanTheProtectionHorizon_FailsValidation()
    {
        using var provider = Build(o => o.Attempts = TimeSpan.FromDays(1));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Equal(["Attempts = 1.00:00:00: must be between 2.00:00:00 (the longest protection rule horizon, at least one day: attempts inside it still decide admissions) and 36600 days, or null to keep attempts forever."], ex.Failures);
    }

    [Fact]
    public void AddRetention_FromConfiguration_BindsTheSection()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Retention:Attempts"] = "30.00:00:00",
            ["Retention:RunInBackground"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IStoreDataAccess>(new MemoryStoreData());
        services.AddDialer().AddRetention(config.GetSection("Retention")).AddRetention(config.GetSection("Retention"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<RetentionOptions>>().Value;
        Assert.Equal(TimeSpan.FromDays(30), options.Attempts);
        Assert.False(options.RunInBackground);
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task BackgroundService_PurgesOnStartAndAgainEveryInterval()
    {
        var phone = PhoneNumber.Parse("+14155550123");
        var clock = TestClock.At(Now);
        var store = new MemoryStoreData(new StoreDataSet { Attempts = [new Protection.AttemptEntry("a", phone, "l", "c", "k", null, Now - Duration.FromDays(4))] });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IStoreDataAccess>(store);
        services.AddDialer().AddRetention(o =>
        {
            o.Attempts = TimeSpan.FromDays(5);
            o.RunInterval = TimeSpan.FromHours(6);
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        await hosted.StartAsync(default);
        Assert.True(SpinWait.SpinUntil(() => store.PurgeCalls >= 1, TimeSpan.FromSeconds(30)), "the run on start did not happen");
        Assert.Single(store.Snapshot().Attempts);

        // A day later the attempt is five days old: the next run (every 6 hours) purges it.
        Assert.True(
            SpinWait.SpinUntil(() =>
            {
                clock.Advance(TimeSpan.FromHours(6));
                return store.Snapshot().Attempts.Count == 0;
            }, TimeSpan.FromSeconds(30)),
            "the interval purge did not run");
        await hosted.StopAsync(default);
        Assert.True(store.PurgeCalls >= 2);
    }

    private ServiceProvider Build(Action<RetentionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TestClock.At(Now));
        services.AddDialer().AddProtection().UseSqlite(_dir.Combine("dialer.db")).AddRetention(configure);
        return services.BuildServiceProvider();
    }
}
