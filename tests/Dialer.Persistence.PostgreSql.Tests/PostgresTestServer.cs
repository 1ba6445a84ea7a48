using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests;

/// <summary>
/// The throwaway PostgreSQL server that <c>eng/test.sh</c> starts. Tests that need PostgreSQL get its connection
/// string from here; when it is missing they FAIL with instructions rather than skip, so a CI run that could not
/// start the server is red, never silently green.
/// </summary>
public static class PostgresTestServer
{
    /// <summary>The environment variable <c>eng/test.sh</c> exports.</summary>
    public const string ConnectionStringVariable = "DIALER_TEST_POSTGRES";

    /// <summary>The connection string of the throwaway server.</summary>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not set: PostgreSQL tests need the throwaway server that `bash eng/test.sh` starts " +
                "(initdb in a temp directory, 127.0.0.1, a free port). Run the tests through that script.");

    /// <summary>A data source for the throwaway server.</summary>
    public static NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);
}
