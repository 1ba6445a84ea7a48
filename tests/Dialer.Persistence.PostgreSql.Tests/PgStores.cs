using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests;

/// <summary>
/// Creates stores isolated in their own schema (a fresh, random schema name per store), so tests can run again and
/// again against one server.
/// </summary>
internal static class PgStores
{
    private static readonly Lazy<NpgsqlDataSource> Shared = new(PostgresTestServer.CreateDataSource);

    /// <summary>One data source for the whole test run (several stores share it, like one host).</summary>
    public static NpgsqlDataSource DataSource => Shared.Value;

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..20];

    public static PostgreSqlStore Create(string? schema = null, Action<PostgreSqlStoreOptions>? configure = null, NpgsqlDataSource? dataSource = null, TimeProvider? time = null)
    {
        var options = new PostgreSqlStoreOptions { Schema = schema ?? NewSchema() };
        configure?.Invoke(options);
        return new PostgreSqlStore(dataSource ?? DataSource, options, timeProvider: time);
    }

    public static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
