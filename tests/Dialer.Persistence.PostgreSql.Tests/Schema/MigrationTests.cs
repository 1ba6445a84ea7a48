using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Dialer.Persistence.PostgreSql.Tests.Schema;

public sealed class MigrationTests
{
    [Fact]
    public void Migrations_AreNumberedWithoutGapsAndAdditiveOnly()
    {
        MigrationGuard.EnsureValid(PostgreSqlMigrations.All);
        Assert.Equal(PostgreSqlMigrations.All.Count, PostgreSqlMigrations.CurrentVersion);
    }

    [Fact]
    public void MigrationGuard_WouldCatchADestructiveScriptOfThisProvider()
    {
        // The guard is what keeps the scripts additive: prove it rejects what a careless migration would add.
        var bad = new SchemaMigration(PostgreSqlMigrations.CurrentVersion + 1, "bad", "ALTER TABLE {s}.attempts ALTER COLUMN phone TYPE text; DROP INDEX {s}.attempts_phone_at;");
        var ex = Assert.Throws<InvalidOperationException>(() => MigrationGuard.EnsureValid([.. PostgreSqlMigrations.All, bad]));
        Assert.Contains("DROP INDEX", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TYPE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_FromEmpty_ReachesTheCurrentVersion_AndRunningAgainChangesNothing()
    {
        await using var store = PgStores.Create();
        Assert.Equal(0, await store.GetSchemaVersionAsync());

        Assert.Equal(PostgreSqlMigrations.CurrentVersion, await store.MigrateAsync());
        var first = await CatalogAsync(store.Schema);
        Assert.Equal(PostgreSqlMigrations.CurrentVersion, await store.MigrateAsync());
        var second = await CatalogAsync(store.Schema);

        Assert.Equal(first, second);
        Assert.Equal(PostgreSqlMigrations.CurrentVersion, await store.GetSchemaVersionAsync());
        Assert.Equal(PostgreSqlMigrations.CurrentVersion, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".schema_version"));
        Assert.Contains("table attempts", first);
        Assert.Contains(first, r => r.StartsWith("function ledger_check(", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Migrate_FromEveryEarlierVersion_LeavesTheSameSchemaAsFromEmpty()
    {
        await using var fresh = PgStores.Create();
        await fresh.MigrateAsync();
        var expected = await CatalogAsync(fresh.Schema);

        for (var from = 1; from < PostgreSqlMigrations.CurrentVersion; from++)
        {
            await using var store = PgStores.Create();
            Assert.Equal(from, await store.Context.MigrateAsync(from, CancellationToken.None));
            Assert.Equal(from, await store.GetSchemaVersionAsync());
            Assert.Equal(PostgreSqlMigrations.CurrentVersion, await store.MigrateAsync());
            Assert.Equal(expected, await CatalogAsync(store.Schema));
        }
    }

    [Fact]
    public async Task Migrate_SeveralHostsStartingAtOnce_DoNotRace()
    {
        var schema = PgStores.NewSchema();
        var hosts = Enumerable.Range(0, 8).Select(_ => PgStores.Create(schema, dataSource: PostgresTestServer.CreateDataSource())).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = hosts.Select(h => Task.Run(async () =>
            {
                await start.Task;
                return (await h.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(new DialRequest(Guid.NewGuid().ToString("N"), "lead", PhoneNumber.Parse("+14155550100")), Instant.FromUtc(2026, 3, 2, 15, 0), DateTimeZone.Utc), ProtectionRules.None)).Status;
            })).ToArray();
            start.SetResult();
            var statuses = await Task.WhenAll(runs);

            Assert.All(statuses, s => Assert.Equal(LedgerStatus.Recorded, s));
            Assert.Equal(PostgreSqlMigrations.CurrentVersion, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version"));
        }
        finally
        {
            foreach (var h in hosts)
            {
                await h.DataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task NewerSchemaVersion_FailsClosed_WithAStoreSchemaException()
    {
        var schema = PgStores.NewSchema();
        await using (var writer = PgStores.Create(schema))
        {
            await writer.MigrateAsync();
        }

        await PgStores.ExecAsync($"INSERT INTO \"{schema}\".schema_version (version, name) VALUES ({PostgreSqlMigrations.CurrentVersion + 1}, 'from-the-future')");
        await using var store = PgStores.Create(schema);

        var ex = await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(
            new AttemptContext(new DialRequest("c1", "l1", PhoneNumber.Parse("+14155550100")), Instant.FromUtc(2026, 3, 2, 15, 0), DateTimeZone.Utc), ProtectionRules.None));
        Assert.Contains($"version {PostgreSqlMigrations.CurrentVersion + 1}", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.RedialQueue.GetAsync("lead"));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.MigrateAsync());
        Assert.NotNull(store.FailClosedReason);
        var health = await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(0L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".attempts"));
    }

    [Fact]
    public async Task MigrateOnStartOff_EmptySchema_RefusesUntilMigrated()
    {
        await using var store = PgStores.Create(configure: o => o.MigrateOnStart = false);

        var ex = await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.SlotStore.ReleaseAsync("c1"));
        Assert.Contains("MigrateAsync", ex.Message, StringComparison.Ordinal);

        await store.MigrateAsync();
        Assert.False(await store.SlotStore.ReleaseAsync("c1"));
    }

    [Fact]
    public async Task HealthCheck_AtTheCurrentVersion_IsHealthyAndReportsTheVersion()
    {
        await using var store = PgStores.Create();
        await store.MigrateAsync();

        var health = await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(PostgreSqlMigrations.CurrentVersion, health.Data["schemaVersion"]);
        Assert.Equal("postgresql", health.Data["provider"]);
    }

    /// <summary>Tables with their columns and types, indexes with their definitions, and functions with their signatures.</summary>
    private static async Task<List<string>> CatalogAsync(string schema)
    {
        var rows = new List<string>();
        await using var command = PgStores.DataSource.CreateCommand("""
            SELECT 'table ' || c.table_name || '.' || c.column_name || ' ' || c.data_type || ' ' || c.is_nullable || ' ' || COALESCE(c.column_default, '')
              FROM information_schema.columns c WHERE c.table_schema = $1 AND c.table_name <> 'schema_version'
            UNION ALL
            SELECT 'table ' || t.table_name FROM information_schema.tables t WHERE t.table_schema = $1
            UNION ALL
            SELECT 'index ' || replace(i.indexdef, $1, 'S') FROM pg_indexes i WHERE i.schemaname = $1
            UNION ALL
            SELECT 'function ' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') ' || md5(replace(p.prosrc, $1, 'S'))
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
            ORDER BY 1
            """);
        command.Parameters.AddWithValue(schema);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
