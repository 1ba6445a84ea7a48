using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests;

public sealed class PostgresTestServerTests
{
    [Fact]
    public async Task ThrowawayServer_IsReachable_AndIsTheOneTheTestScriptStarted()
    {
        await using var dataSource = PostgresTestServer.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version_num')::int, host(inet_server_addr()), current_setting('data_directory'), current_database()",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        var versionNum = reader.GetInt32(0);
        Assert.InRange(versionNum, 150000, 159999); // PostgreSQL 15
        Assert.Equal("127.0.0.1", reader.GetString(1));
        Assert.Equal("dialer_test", reader.GetString(3));
        var expectedDataDir = Environment.GetEnvironmentVariable("DIALER_TEST_PGDATA");
        Assert.False(string.IsNullOrEmpty(expectedDataDir), "DIALER_TEST_PGDATA is not set: the server was not started by eng/test.sh.");
        Assert.Equal(Path.GetFullPath(expectedDataDir!), Path.GetFullPath(reader.GetString(2)));
    }
}
