using System.Globalization;
using Npgsql;

namespace Dialer.Reliability.Infrastructure;

/// <summary>Suite-wide settings: the trial scale, the seed, temp directories and the PostgreSQL server.</summary>
internal static class Suite
{
    /// <summary>Multiplies trial counts (default 1, sized for CI: the whole suite in about 10 minutes on 2 cores).</summary>
    public const string ScaleVariable = "DIALER_RELIABILITY_SCALE";

    /// <summary>Fixes the seed of every family (default: a fresh seed per run, printed so a failure can be replayed).</summary>
    public const string SeedVariable = "DIALER_RELIABILITY_SEED";

    /// <summary>The PostgreSQL connection string <c>eng/test.sh</c> exports.</summary>
    public const string PostgresVariable = "DIALER_TEST_POSTGRES";

    public static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable(ScaleVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;

    /// <summary>The seed CI uses, so a CI run is reproducible and never fails by the luck of a fresh seed.</summary>
    public const int DefaultSeed = 20261126;

    /// <summary>
    /// The seed for a family: <see cref="SeedVariable"/> when it holds a number; a fresh random seed (printed with the
    /// results, so a failure can be replayed) when it is <c>random</c>; otherwise <see cref="DefaultSeed"/>.
    /// </summary>
    public static int Seed()
    {
        var value = Environment.GetEnvironmentVariable(SeedVariable);
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
        {
            return s;
        }

        return string.Equals(value, "random", StringComparison.OrdinalIgnoreCase) ? Random.Shared.Next(1, int.MaxValue) : DefaultSeed;
    }

    /// <summary>The throwaway server's connection string; FAILS (never skips) when it is missing.</summary>
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: the PostgreSQL reliability families need the throwaway server that `bash eng/test.sh` starts. Run the tests through that script.");

    /// <summary>The variable naming libfaketime's library (<c>eng/test.sh</c> installs Debian's <c>libfaketime</c> and sets it).</summary>
    public const string FaketimeVariable = "DIALER_FAKETIME_LIB";

    /// <summary>Where Debian's libfaketime package puts the library.</summary>
    public const string DebianFaketimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    /// <summary>libfaketime's library; FAILS (never skips) when it is missing.</summary>
    public static string FaketimeLibrary =>
        Environment.GetEnvironmentVariable(FaketimeVariable) is { Length: > 0 } lib && File.Exists(lib) ? lib
        : File.Exists(DebianFaketimeLibrary) ? DebianFaketimeLibrary
        : throw new InvalidOperationException(
            $"libfaketime is not installed ({FaketimeVariable} unset and {DebianFaketimeLibrary} missing): the clock-skew family shifts whole host processes' clocks with it. `bash eng/test.sh` installs Debian's libfaketime package.");

    /// <summary>A fresh PostgreSQL schema name (each run isolated, so reruns work against one server).</summary>
    public static string NewSchema() => "rel_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A fresh temp directory for one test.</summary>
    public static string NewDirectory(string family)
    {
        var dir = Path.Combine(Path.GetTempPath(), "dialer-reliability", family + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static async Task PgExecAsync(string sql)
    {
        await using var ds = NpgsqlDataSource.Create(PostgresConnectionString);
        await using var command = ds.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
