using System.Text.Json;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Samples.Console.Tests;

public sealed class SimulateTests : IDisposable
{
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public void TwoDaySimulation_StoreShowsNoAttemptOutsideLegalHours_NoCapExceeded_NoDuplicateInsideWindow()
    {
        var result = _dialer.Run("simulate", "--generate", "300", "--days", "2", "--seed", "7");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Admitted = attempts placed", result.Stdout, StringComparison.Ordinal);

        var config = ReadConfig();
        var protection = config.GetProperty("Protection");
        var duplicateWindow = Duration.FromTimeSpan(TimeSpan.Parse(protection.GetProperty("DuplicateWindow").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var dailyCap = protection.GetProperty("MaxDailyAttemptsPerNumber").GetInt32();
        var legal = config.GetProperty("Scheduling").GetProperty("LegalHours");
        var legalStart = LocalTimeOf(legal.GetProperty("StartTime").GetString()!);
        var legalEnd = LocalTimeOf(legal.GetProperty("EndTime").GetString()!);
        var business = config.GetProperty("Scheduling").GetProperty("Schedules").GetProperty("default");
        var businessZone = DateTimeZoneProviders.Tzdb[business.GetProperty("TimeZone").GetString()!];
        var businessStart = LocalTimeOf(business.GetProperty("Schedule").GetProperty("StartTime").GetString()!);
        var businessEnd = LocalTimeOf(business.GetProperty("Schedule").GetProperty("EndTime").GetString()!);

        var leads = ReadLeads();
        var attempts = ReadAttempts();
        Assert.True(attempts.Count >= 300, $"expected at least one attempt per lead over two days, got {attempts.Count}");

        foreach (var a in attempts)
        {
            var zone = DateTimeZoneProviders.Tzdb[leads[a.LeadId].Zone];
            var local = a.At.InZone(zone).TimeOfDay;
            Assert.True(local >= legalStart && local < legalEnd, $"attempt {a.Id} at {a.At} is {local} in {zone.Id}, outside legal hours");
            var office = a.At.InZone(businessZone);
            Assert.True(office.TimeOfDay >= businessStart && office.TimeOfDay < businessEnd && office.DayOfWeek != IsoDayOfWeek.Sunday, $"attempt {a.Id} at {a.At} is outside business hours ({office})");
        }

        foreach (var byPhone in attempts.GroupBy(a => a.Phone))
        {
            var ordered = byPhone.OrderBy(a => a.At).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].At - ordered[i - 1].At >= duplicateWindow, $"attempts {ordered[i - 1].Id} and {ordered[i].Id} to one number are {ordered[i].At - ordered[i - 1].At} apart");
            }

            var zone = DateTimeZoneProviders.Tzdb[leads[ordered[0].LeadId].Zone];
            foreach (var day in ordered.GroupBy(a => a.At.InZone(zone).Date))
            {
                Assert.True(day.Count() <= dailyCap, $"{day.Count()} attempts to {byPhone.Key} on {day.Key} (cap {dailyCap})");
            }
        }
    }

    [Fact]
    public void RunningAgain_ContinuesTheCampaign()
    {
        var first = _dialer.Run("simulate", "--generate", "200", "--days", "1");
        Assert.True(first.ExitCode == 0, first.ToString());
        var afterFirst = ReadAttempts();

        var second = _dialer.Run("simulate", "--days", "1");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("continued", second.Stdout, StringComparison.Ordinal);
        var afterSecond = ReadAttempts();
        Assert.True(afterSecond.Count > afterFirst.Count, $"the second day placed no attempt ({afterFirst.Count} → {afterSecond.Count})");
        Assert.True(afterSecond.Min(a => a.At) == afterFirst.Min(a => a.At));
        Assert.True(afterSecond.Max(a => a.At) > afterFirst.Max(a => a.At) + Duration.FromHours(12), "the second run did not continue the simulated clock");
    }

    [Fact]
    public void MissingLeadsFile_ExitsTwoNamingIt_AndStoresNothing()
    {
        var result = _dialer.Run("simulate", "--leads", "/nonexistent/leads.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--leads '/nonexistent/leads.csv'", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dialer.DatabasePath));
    }

    [Fact]
    public void LeadsFile_MalformedPhone_ExitsTwoNamingLineAndValue()
    {
        Directory.CreateDirectory(_dialer.DataDir);
        var csv = Path.Combine(_dialer.DataDir, "in.csv");
        File.WriteAllText(csv, "lead_id,phone,region,zone\nA1,+12125550123,NY,America/New_York\nA2,555-0100,NY,America/New_York\n");

        var result = _dialer.Run("simulate", "--leads", csv);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'555-0100'", result.Stderr, StringComparison.Ordinal);
    }

    private JsonElement ReadConfig()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(_dialer.ConfigPath));
        return doc.RootElement.Clone();
    }

    private Dictionary<string, (string Phone, string Region, string Zone)> ReadLeads()
    {
        var file = Path.Combine(_dialer.DataDir, "simulation-sim-leads.csv");
        return File.ReadAllLines(file).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .ToDictionary(c => c[0], c => (c[1], c[2], c[3]), StringComparer.Ordinal);
    }

    private List<Attempt> ReadAttempts()
    {
        var list = new List<Attempt>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _dialer.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempt_id, phone, lead_id, recorded_at FROM attempts";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new Attempt(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), Instant.FromUnixTimeTicks(reader.GetInt64(3))));
        }

        return list;
    }

    private static LocalTime LocalTimeOf(string text) => NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text).Value;

    private sealed record Attempt(string Id, long Phone, string LeadId, Instant At);
}
