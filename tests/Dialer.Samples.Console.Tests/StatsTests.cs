using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Dialer.Samples.Console.Tests;

public sealed class StatsTests : IDisposable
{
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public void Simulate_CountsEveryDecisionPerDay_AdmittedMatchesTheStoredAttempts()
    {
        var simulate = _dialer.Run("simulate", "--generate", "200", "--days", "2");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        Assert.Contains("Daily statistics of 'sim'", simulate.Stdout, StringComparison.Ordinal);

        var stats = _dialer.Run("stats", "--json");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        var rows = stats.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(rows);
        long admitted = 0;
        long outcomes = 0;
        foreach (var row in rows)
        {
            Assert.Equal("sim", row.GetProperty("campaignId").GetString());
            var denied = row.GetProperty("denied").GetInt64();
            Assert.Equal(row.GetProperty("requests").GetInt64(), row.GetProperty("admitted").GetInt64() + denied);
            Assert.True(row.GetProperty("deniedByReason").EnumerateObject().Sum(p => p.Value.GetInt64()) >= denied, row.ToString());
            admitted += row.GetProperty("admitted").GetInt64();
            outcomes += row.GetProperty("outcomes").EnumerateObject().Sum(p => p.Value.GetInt64());
        }

        var attempts = CountAttempts();
        Assert.Equal(attempts, admitted);
        Assert.Equal(attempts, outcomes);
        var firstDay = rows[0].GetProperty("date").GetString()!;
        var one = _dialer.Run("stats", "--from", firstDay, "--to", firstDay, "--json");
        Assert.Single(one.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--from '2026-3-1' is not a date", "stats", "--from", "2026-3-1")]
    [InlineData("--to '2026-03-01' is before --from '2026-03-05'", "stats", "--from", "2026-03-05", "--to", "2026-03-01")]
    [InlineData("--store 'memory'", "--store", "memory", "stats")]
    public void Stats_BadInput_ExitsTwoNamingTheArgument(string message, params string[] args)
    {
        var result = _dialer.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigValidate_BadStatisticsZone_IsListedNamingTheFieldAndValue()
    {
        Assert.Equal(0, _dialer.Run("config", "show").ExitCode);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(_dialer.ConfigPath))!.AsObject();
        json["Statistics"] = new System.Text.Json.Nodes.JsonObject { ["ReportingZoneId"] = "Mars/Base" };
        File.WriteAllText(_dialer.ConfigPath, json.ToJsonString());

        var validate = _dialer.Run("config", "validate");
        var stats = _dialer.Run("stats");

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("DailyStatisticsOptions: ReportingZoneId = 'Mars/Base'", validate.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, stats.ExitCode);
    }

    private long CountAttempts()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _dialer.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attempts";
        return (long)command.ExecuteScalar()!;
    }
}
