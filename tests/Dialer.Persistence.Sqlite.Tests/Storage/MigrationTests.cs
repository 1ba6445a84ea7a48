using Microsoft.Data.Sqlite;

namespace Dialer.Persistence.Sqlite.Tests.Storage;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void Migrations_AreAdditiveAndNumberedWithoutGaps()
    {
        MigrationGuard.EnsureValid(SqliteSchema.Migrations);
        Assert.Equal(SqliteSchema.Migrations.Count, SqliteSchema.CurrentVersion);
    }

    [Fact]
    public async Task Open_EmptyFile_MigratesToTheCurrentVersion()
    {
        var store = _db.Open();

        Assert.Equal(SqliteSchema.CurrentVersion, await store.GetSchemaVersionAsync());
        Assert.Null(store.FailClosedReason);
        Assert.Equal(Enumerable.Range(1, SqliteSchema.CurrentVersion).ToArray(), Versions(_db.Path));
    }

    [Fact]
    public async Task Migrate_Again_IsANoOpAndLeavesTheSameSchema()
    {
        var store = _db.Open();
        var before = SchemaDump(_db.Path);

        Assert.Equal(SqliteSchema.CurrentVersion, await store.MigrateAsync());
        Assert.Equal(SqliteSchema.CurrentVersion, await store.MigrateAsync());
        store = _db.Reopen(store);

        Assert.Equal(before, SchemaDump(_db.Path));
        Assert.Equal(Enumerable.Range(1, SqliteSchema.CurrentVersion).ToArray(), Versions(_db.Path));
    }

    [Fact]
    public async Task Migrate_EveryScriptRunTwice_IsIdempotent()
    {
        _db.Open().Dispose();
        var before = SchemaDump(_db.Path);

        using (var connection = _db.OpenRaw())
        {
            connection.Open();
            foreach (var m in SqliteSchema.Migrations)
            {
                using var command = connection.CreateCommand();
                command.CommandText = m.Script;
                command.ExecuteNonQuery();
            }
        }

        Assert.Equal(before, SchemaDump(_db.Path));
        Assert.Null((await Task.FromResult(_db.Open())).FailClosedReason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Open_FromEveryEarlierVersion_LeavesTheSameSchemaAsFromEmpty(int earlier)
    {
        using var fresh = new TempDatabase();
        fresh.Open().Dispose();
        var expected = SchemaDump(fresh.Path);

        // Build the file as an older version of the code would have left it.
        using (var connection = _db.OpenRaw())
        {
            connection.Open();
            Exec(connection, SqliteSchema.VersionTableScript);
            foreach (var m in SqliteSchema.Migrations.Take(earlier))
            {
                Exec(connection, m.Script);
                Exec(connection, $"INSERT INTO schema_version VALUES ({m.Version}, '{m.Name}', 0);");
            }
        }

        var store = _db.Open();

        Assert.Equal(SqliteSchema.CurrentVersion, await store.GetSchemaVersionAsync());
        Assert.Equal(expected, SchemaDump(_db.Path));
    }

    [Fact]
    public async Task Open_WithoutMigrateOnOpen_FailsClosedUntilMigrated()
    {
        var store = _db.Open(o => o.MigrateOnOpen = false);

        Assert.Contains("schema version 0", store.FailClosedReason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.RedialQueue.GetAsync("lead"));

        Assert.Equal(SqliteSchema.CurrentVersion, await store.MigrateAsync());

        Assert.Null(store.FailClosedReason);
        Assert.Null(await store.RedialQueue.GetAsync("lead"));
    }

    internal static string SchemaDump(string path)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add($"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}: {(reader.IsDBNull(3) ? "" : reader.GetString(3))}");
        }

        return string.Join("\n", lines);
    }

    private static int[] Versions(string path)
    {
        using var connection = new SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version ORDER BY version";
        using var reader = command.ExecuteReader();
        var list = new List<int>();
        while (reader.Read())
        {
            list.Add(reader.GetInt32(0));
        }

        return [.. list];
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
