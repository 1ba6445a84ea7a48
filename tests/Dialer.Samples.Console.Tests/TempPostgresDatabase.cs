using Npgsql;

namespace Dialer.Samples.Console.Tests;

/// <summary>
/// A database of its own on the throwaway server named by <c>DIALER_TEST_POSTGRES</c> (set by <c>eng/test.sh</c>), so
/// a test may replace every row (restore, import --replace) without disturbing tests that share the server. Fails,
/// never skips, when the variable is missing.
/// </summary>
internal sealed class TempPostgresDatabase : IDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private TempPostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static TempPostgresDatabase Create()
    {
        var connection = Environment.GetEnvironmentVariable("DIALER_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(connection), "DIALER_TEST_POSTGRES is not set: run the suite with eng/test.sh, which starts a throwaway PostgreSQL.");
        var name = "dialer_e2e_" + Guid.NewGuid().ToString("N")[..16];
        Execute(connection!, $"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(connection) { Database = name, Pooling = false };
        return new TempPostgresDatabase(connection!, name, builder.ConnectionString);
    }

    public void Dispose() => Execute(_admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The database name is generated here from a GUID.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
