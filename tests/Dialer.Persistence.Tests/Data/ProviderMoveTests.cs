using Dialer.Persistence.PostgreSql;
using Dialer.Testing;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;

namespace Dialer.Persistence.Tests.Data;

/// <summary>
/// Moving data between providers: a SQLite export imported into PostgreSQL (the throwaway server <c>eng/test.sh</c>
/// starts; named by <c>DIALER_TEST_POSTGRES</c>, and these tests fail rather than skip without it), and a provider-neutral
/// backup of SQLite restored into PostgreSQL.
/// </summary>
public sealed class ProviderMoveTests : IAsyncLifetime
{
    private const string ConnectionVariable = "DIALER_TEST_POSTGRES";
    private readonly TempDirectory _dir = new();
    private readonly string _schema = "move_" + Guid.NewGuid().ToString("N")[..16];
    private NpgsqlDataSource? _dataSource;

    public Task InitializeAsync()
    {
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{ConnectionVariable} is not set: run the tests through `bash eng/test.sh`, which starts a throwaway PostgreSQL server.");
        _dataSource = NpgsqlDataSource.Create(connection);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await using (var command = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
            {
                await command.ExecuteNonQueryAsync();
            }

            await _dataSource.DisposeAsync();
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task ExportFromSqlite_ImportIntoPostgreSql_GivesTheSameRows()
    {
        var sqlite = _dir.OpenSqlite();
        await sqlite.Data.ImportAsync(TestData.Sample(TestData.T0), StoreImportMode.Replace);
        var file = new MemoryStream();
        await StoreDataTransfer.ExportAsync(sqlite.Data, sqlite, file, StoreDataFilter.All, TestClock.At(TestData.T0));

        await using var pg = new PostgreSqlStore(_dataSource!, new PostgreSqlStoreOptions { Schema = _schema });
        await pg.MigrateAsync();
        file.Position = 0;
        var written = await StoreDataTransfer.ImportAsync(pg.Data, file, StoreImportMode.Merge);

        Assert.Equal(TestData.Sample(TestData.T0).Counts, written);
        TestData.AssertSame(await Backup.StoreBackupTests.ReadAllAsync(sqlite.Data), await Backup.StoreBackupTests.ReadAllAsync(pg.Data));
    }

    [Fact]
    public async Task ExportFromSqlite_AnyDataSet_ImportsIntoPostgreSqlAndExportsTheSameRows()
    {
        var sqlite = _dir.OpenSqlite();
        await using var pg = new PostgreSqlStore(_dataSource!, new PostgreSqlStoreOptions { Schema = _schema });
        await pg.MigrateAsync();
        var clock = TestClock.At(TestData.T0);
        Prop.ForAll(TestData.DataSets.ToArbitrary(), data =>
        {
            sqlite.Data.ImportAsync(data, StoreImportMode.Replace).AsTask().GetAwaiter().GetResult();
            var file = new MemoryStream();
            StoreDataTransfer.ExportAsync(sqlite.Data, sqlite, file, StoreDataFilter.All, clock).GetAwaiter().GetResult();
            file.Position = 0;
            Assert.Equal(data.Counts, StoreDataTransfer.ImportAsync(pg.Data, file, StoreImportMode.Replace).GetAwaiter().GetResult());
            TestData.AssertSame(data, Backup.StoreBackupTests.ReadAllAsync(pg.Data).GetAwaiter().GetResult());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(20));
    }

    [Fact]
    public async Task BackupOfSqlite_RestoredIntoPostgreSql_ReplacesItsData()
    {
        var sqlite = _dir.OpenSqlite();
        await sqlite.Data.ImportAsync(TestData.Sample(TestData.T0), StoreImportMode.Replace);
        var backup = await StoreBackup.CreateAsync(sqlite.Data, sqlite, _dir.Combine("backups"), timeProvider: TestClock.At(TestData.T0));

        await using var pg = new PostgreSqlStore(_dataSource!, new PostgreSqlStoreOptions { Schema = _schema });
        await pg.MigrateAsync();
        await pg.Data.ImportAsync(new StoreDataSet { Campaigns = [TestData.Sample(TestData.T0).Campaigns[0] with { Id = "old-campaign" }] }, StoreImportMode.Merge);
        await StoreBackup.RestoreAsync(backup, pg.Data);

        TestData.AssertSame(TestData.Sample(TestData.T0), await Backup.StoreBackupTests.ReadAllAsync(pg.Data));
    }
}
