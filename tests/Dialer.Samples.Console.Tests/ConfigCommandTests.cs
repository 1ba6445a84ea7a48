using System.Text.Json;

namespace Dialer.Samples.Console.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public void FirstRun_CreatesValidDefaultConfiguration_AndSaysWhere()
    {
        var result = _dialer.Run("config", "validate");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_dialer.ConfigPath, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("is valid", result.Stdout, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(_dialer.ConfigPath));
        foreach (var section in new[] { "Scheduling", "Protection", "Redial", "Campaigns" })
        {
            Assert.True(doc.RootElement.TryGetProperty(section, out _), $"dialer.json has no {section} section");
        }
    }

    [Fact]
    public void Show_PrintsTheFile()
    {
        var result = _dialer.Run("config", "show");

        Assert.Equal(0, result.ExitCode);
        using var shown = JsonDocument.Parse(result.Stdout);
        Assert.Equal("America/New_York", shown.RootElement.GetProperty("Scheduling").GetProperty("Schedules").GetProperty("default").GetProperty("TimeZone").GetString());
    }

    [Fact]
    public void BlackoutAddThenRemove_WritesAtomically_KeepingThePreviousFile()
    {
        _dialer.Run("config", "validate");
        var before = File.ReadAllText(_dialer.ConfigPath);

        var add = _dialer.Run("config", "blackout", "add", "2026-07-03");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(before, File.ReadAllText(_dialer.ConfigPath + ".bak"));
        Assert.Contains("2026-07-03", BlackoutDates(), StringComparer.Ordinal);
        Assert.False(File.Exists(_dialer.ConfigPath + ".tmp"));

        var remove = _dialer.Run("config", "blackout", "remove", "2026-07-03");

        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.DoesNotContain("2026-07-03", BlackoutDates(), StringComparer.Ordinal);
    }

    [Fact]
    public void BlackoutAdd_MalformedDate_ExitsTwoNamingTheValue_AndChangesNothing()
    {
        _dialer.Run("config", "validate");
        var before = File.ReadAllText(_dialer.ConfigPath);

        var result = _dialer.Run("config", "blackout", "add", "2026-13-40");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DATE '2026-13-40'", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(_dialer.ConfigPath));
        Assert.False(File.Exists(_dialer.ConfigPath + ".bak"));
    }

    [Fact]
    public void CorruptConfiguration_GivesClearError_AndIsNotOverwritten()
    {
        Directory.CreateDirectory(_dialer.DataDir);
        const string corrupt = "{ \"Scheduling\": { \"DefaultSchedule\": \"default\", ";
        File.WriteAllText(_dialer.ConfigPath, corrupt);

        foreach (var args in new[] { new[] { "config", "validate" }, new[] { "config", "blackout", "add", "2026-07-03" }, new[] { "check", "--phone", "+12125550123" } })
        {
            var result = _dialer.Run(args);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("is not valid JSON", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(_dialer.ConfigPath, result.Stderr, StringComparison.Ordinal);
            Assert.Equal(corrupt, File.ReadAllText(_dialer.ConfigPath));
        }
    }

    [Fact]
    public void Validate_InvalidConfiguration_PrintsEveryError_ExitsTwo()
    {
        _dialer.Run("config", "validate");
        var text = File.ReadAllText(_dialer.ConfigPath)
            .Replace("\"America/New_York\"", "\"Mars/Olympus_Mons\"", StringComparison.Ordinal)
            .Replace("\"StartTime\": \"09:00\"", "\"StartTime\": \"25:00\"", StringComparison.Ordinal);
        File.WriteAllText(_dialer.ConfigPath, text);

        var result = _dialer.Run("config", "validate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Mars/Olympus_Mons", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("25:00", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(_dialer.ConfigPath));
    }

    private List<string> BlackoutDates()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(_dialer.ConfigPath));
        return [.. doc.RootElement.GetProperty("Scheduling").GetProperty("Schedules").GetProperty("default").GetProperty("BlackoutDates")
            .EnumerateArray().Select(e => e.GetString()!)];
    }
}
