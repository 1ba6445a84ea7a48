using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Dialer.Samples.Console.Tests;

/// <summary>Daily statistics survive a simulate run that is killed: they are flushed at every simulated hour.</summary>
public sealed partial class StatsKillTests : IDisposable
{
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public async Task Simulate_KilledMidRun_KeepsTheStatisticsFlushedAtTheHourlyCheckpoints()
    {
        // The redirected progress line is printed right after an hourly checkpoint (and its statistics flush); kill the
        // run at the first line that reports attempts.
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(DialerProcess.DllPath);
        foreach (var a in (string[])["--data", _dialer.DataDir, "simulate", "--generate", "50000", "--days", "3"])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        long seen = 0;
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            var match = AttemptsOnLine().Match(line);
            if (match.Success && (seen = long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)) > 0)
            {
                break;
            }
        }

        if (line is null)
        {
            Assert.Fail("simulate ended before reporting attempts: " + await stderr);
        }

        if (process.HasExited)
        {
            Assert.Fail($"simulate exited ({process.ExitCode}) before it could be killed: {await stderr}");
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        var stats = _dialer.Run("stats", "--json");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        var admitted = stats.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(l => JsonDocument.Parse(l).RootElement.GetProperty("admitted").GetInt64());
        Assert.True(admitted >= seen, $"the statistics hold {admitted} admitted; {seen} were reported before the kill");
        Assert.True(admitted <= CountAttempts(), $"{admitted} admitted in the statistics, more than the {CountAttempts()} stored attempts");
    }

    [GeneratedRegex(@"\battempts ([0-9,]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex AttemptsOnLine();

    private long CountAttempts()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _dialer.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attempts";
        return (long)command.ExecuteScalar()!;
    }
}
