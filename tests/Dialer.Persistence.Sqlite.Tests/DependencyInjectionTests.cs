using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void UseSqlite_AfterTheDomainPackages_ReplacesEveryInMemoryDefault()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddProtection().AddRedial().AddCampaigns().UseSqlite(_db.Path);

        AssertSqlite(services);
    }

    [Fact]
    public void UseSqlite_BeforeTheDomainPackages_IsNotOverriddenByTheirDefaults()
    {
        var services = new ServiceCollection();
        services.AddDialer().UseSqlite(_db.Path).AddProtection().AddRedial().AddCampaigns();

        AssertSqlite(services);
    }

    [Fact]
    public async Task UseSqlite_HealthCheckAndMaintenance_ReportTheCurrentSchema()
    {
        var services = new ServiceCollection();
        services.AddDialer().UseSqlite(_db.Path, o => o.BusyTimeout = TimeSpan.FromSeconds(5));
        using var provider = services.BuildServiceProvider();

        var maintenance = provider.GetRequiredService<IStoreMaintenance>();
        var health = await provider.GetRequiredService<StoreHealthCheck>().CheckHealthAsync(new HealthCheckContext());

        Assert.Equal("sqlite", maintenance.Provider);
        Assert.Equal(SqliteSchema.CurrentVersion, await maintenance.GetSchemaVersionAsync());
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.BusyTimeout);
    }

    [Fact]
    public void UseSqlite_InvalidOptions_FailValidationWithEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddDialer().UseSqlite(" ", o => o.MaxBatchSize = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value);

        Assert.Equal(["Path = ' ': is required: the path of the database file.", "MaxBatchSize = 0: must be between 1 and 10000."], ex.Failures);
    }

    [Fact]
    public async Task Admission_WithANewerSchemaFile_IsDeniedWithAStoreReason()
    {
        using (var store = _db.Open())
        {
        }

        _db.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'future', 0)");
        var services = new ServiceCollection();
        services.AddDialer().AddProtection().UseSqlite(_db.Path);
        using var provider = services.BuildServiceProvider();

        var decision = await provider.GetRequiredService<IDialAdmission>().AdmitAsync(
            new DialRequest("call-1", "lead-1", PhoneNumber.Parse("+14155550123")),
            Instant.FromUtc(2026, 3, 2, 15, 0));

        Assert.False(decision.IsAllowed);
        Assert.Contains(decision.Reasons, r => r.Category == DenialCategory.Store);
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
    }

    [Fact]
    public async Task Admission_ThroughTheSqliteLedger_IsRecordedInTheFile()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddProtection().UseSqlite(_db.Path);
        using var provider = services.BuildServiceProvider();
        var admission = provider.GetRequiredService<IDialAdmission>();
        var at = Instant.FromUtc(2026, 3, 2, 15, 0);

        var first = await admission.AdmitAsync(new DialRequest("call-1", "lead-1", PhoneNumber.Parse("+14155550123")), at);
        var second = await admission.AdmitAsync(new DialRequest("call-2", "lead-1", PhoneNumber.Parse("+14155550123")), at + Duration.FromMinutes(1));

        Assert.True(first.IsAllowed, first.ToString());
        Assert.False(second.IsAllowed);
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
    }

    private static void AssertSqlite(ServiceCollection services)
    {
        Assert.Single(services, d => d.ServiceType == typeof(IAttemptLedger));
        Assert.Single(services, d => d.ServiceType == typeof(IRedialQueue));
        Assert.Single(services, d => d.ServiceType == typeof(ISlotStore));
        Assert.Single(services, d => d.ServiceType == typeof(ICampaignStore));
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<SqliteDialerStore>();
        Assert.Same(store.AttemptLedger, provider.GetRequiredService<IAttemptLedger>());
        Assert.Same(store.RedialQueue, provider.GetRequiredService<IRedialQueue>());
        Assert.Same(store.AnsweringMachineTracker, provider.GetRequiredService<IAnsweringMachineTracker>());
        Assert.Same(store.SlotStore, provider.GetRequiredService<ISlotStore>());
        Assert.Same(store.CampaignStore, provider.GetRequiredService<ICampaignStore>());
        Assert.Same(store, provider.GetRequiredService<IStoreMaintenance>());
    }
}
