using Dialer.Campaigns;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dialer.Persistence.PostgreSql.Tests.DependencyInjection;

public sealed class DialerBuilderPostgreSqlExtensionsTests
{
    [Fact]
    public async Task UsePostgreSql_AfterThePackages_ReplacesEveryInMemoryDefault()
    {
        var schema = PgStores.NewSchema();
        var services = new ServiceCollection();
        services.AddDialer().AddProtection().AddRedial().AddCampaigns().UsePostgreSql(PostgresTestServer.ConnectionString, o => o.Schema = schema);
        await using var provider = services.BuildServiceProvider();

        AssertEveryPortIsPostgreSql(provider, schema);
        Assert.Single(services, d => d.ServiceType == typeof(IAttemptLedger));
        Assert.Single(services, d => d.ServiceType == typeof(IRedialQueue));
        Assert.Single(services, d => d.ServiceType == typeof(ISlotStore));
    }

    [Fact]
    public async Task UsePostgreSql_BeforeThePackages_StillWins()
    {
        var schema = PgStores.NewSchema();
        var services = new ServiceCollection();
        services.AddDialer().UsePostgreSql(PgStores.DataSource, o => o.Schema = schema).AddProtection().AddRedial().AddCampaigns();
        await using var provider = services.BuildServiceProvider();

        AssertEveryPortIsPostgreSql(provider, schema);
    }

    [Fact]
    public async Task UsePostgreSql_RegistersMaintenanceAndAHealthCheck_ThatReportsTheSchemaVersion()
    {
        var schema = PgStores.NewSchema();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDialer().UsePostgreSql(PgStores.DataSource, o => o.Schema = schema).UsePostgreSql(PgStores.DataSource, o => o.Schema = schema);
        await using var provider = services.BuildServiceProvider();
        var maintenance = provider.GetRequiredService<IStoreMaintenance>();

        Assert.Equal(PostgreSqlMigrations.CurrentVersion, await maintenance.MigrateAsync());
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal(DialerBuilderPostgreSqlExtensions.HealthCheckName, entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(PostgreSqlMigrations.CurrentVersion, entry.Value.Data["schemaVersion"]);
    }

    [Fact]
    public async Task UsePostgreSql_InvalidOptions_FailValidationWithEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddDialer().UsePostgreSql(PgStores.DataSource, o =>
        {
            o.Schema = "Not Valid";
            o.CommandTimeout = TimeSpan.FromHours(2);
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value);
        Assert.Equal(2, ex.Failures.Count());
    }

    private static void AssertEveryPortIsPostgreSql(IServiceProvider provider, string schema)
    {
        var store = provider.GetRequiredService<PostgreSqlStore>();
        Assert.Equal(schema, store.Schema);
        Assert.Same(store, provider.GetRequiredService<IStoreMaintenance>());
        Assert.Same(store.AttemptLedger, provider.GetRequiredService<IAttemptLedger>());
        Assert.Same(store.RedialQueue, provider.GetRequiredService<IRedialQueue>());
        Assert.Same(store.AnsweringMachineTracker, provider.GetRequiredService<IAnsweringMachineTracker>());
        Assert.Same(store.SlotStore, provider.GetRequiredService<ISlotStore>());
        Assert.Same(store.CampaignStore, provider.GetRequiredService<ICampaignStore>());
    }
}
