using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Dialer.Samples.Console.Tests;

public sealed partial class TransferTests : IDisposable
{
    private const string Listed = "+13125550199";
    private const string OnlyInTarget = "+14155550142";
    private const string OpenInstant = "2026-03-02T18:00:00Z";
    private readonly DialerProcess _source = new();
    private readonly DialerProcess _target = new();
    private readonly string _out = Path.Combine(Path.GetTempPath(), "dialer-e2e-out-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public void Export_DailyFilesHoldEveryAttemptOfTheirUtcDay_AndTheFullExportRoundTripsIntoAnotherDataDirectory()
    {
        var fullExport = SimulateAndExport();

        // One file per day; together they hold every attempt in the store, each on its UTC day.
        var perDay = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var day in new[] { "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04" })
        {
            var lines = File.ReadAllLines(Path.Combine(_out, $"calls_{day}.jsonl"));
            Assert.Equal("header", Type(lines[0]));
            foreach (var line in lines.Skip(1))
            {
                using var doc = JsonDocument.Parse(line);
                Assert.Equal("attempt", doc.RootElement.GetProperty("type").GetString());
                Assert.StartsWith(day, doc.RootElement.GetProperty("recordedAt").GetString(), StringComparison.Ordinal);
            }

            perDay[day] = lines.Length - 1;
        }

        Assert.Equal(CountAttempts(_source.DatabasePath), perDay.Values.Sum());
        Assert.True(perDay["2026-03-02"] > 0, string.Join(", ", perDay));

        var import = _target.Run("import", fullExport);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"{CountAttempts(_source.DatabasePath).ToString("N0", CultureInfo.InvariantCulture)} attempts", import.Stdout, StringComparison.Ordinal);
        Assert.Equal(CountAttempts(_source.DatabasePath), CountAttempts(_target.DatabasePath));
        Assert.Contains("protection.do_not_call", _target.Run("check", "--phone", Listed, "--at", OpenInstant, "--json").Stdout, StringComparison.Ordinal);
        Assert.Contains("100 / 100 leads (100.0 %)", _target.Run("campaign", "status", "sim").Stdout, StringComparison.Ordinal);

        // The target exports exactly the records the source did (headers differ only in their instant).
        var again = Path.Combine(_out, "again");
        Assert.Equal(0, _target.Run("export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", again, "--full").ExitCode);
        Assert.Equal(Records(fullExport), Records(Path.Combine(again, "dialer-data.jsonl")));

        // Merge: importing the same file again writes nothing.
        var twice = _target.Run("import", fullExport);
        Assert.True(twice.ExitCode == 0, twice.ToString());
        Assert.Contains("0 attempts, 0 blocks", twice.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_Merge_KeepsRowsAlreadyThere_Replace_LeavesExactlyTheFile()
    {
        var fullExport = SimulateAndExport();
        Assert.Equal(0, _target.Run("dnc", "add", OnlyInTarget).ExitCode);

        Assert.Equal(0, _target.Run("import", fullExport).ExitCode);
        var merged = _target.Run("dnc", "list").Stdout;
        Assert.Contains(OnlyInTarget, merged, StringComparison.Ordinal);
        Assert.Contains(Listed, merged, StringComparison.Ordinal);

        var replace = _target.Run("import", fullExport, "--replace");
        Assert.True(replace.ExitCode == 0, replace.ToString());
        var replaced = _target.Run("dnc", "list").Stdout;
        Assert.DoesNotContain(OnlyInTarget, replaced, StringComparison.Ordinal);
        Assert.Contains(Listed, replaced, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_BadLine_ExitsTwoNamingLineAndField_AndWritesNothing()
    {
        var fullExport = SimulateAndExport();
        Assert.Equal(0, _target.Run("dnc", "add", OnlyInTarget).ExitCode);
        var lines = File.ReadAllLines(fullExport);
        var bad = Path.Combine(_out, "bad.jsonl");
        lines[5] = lines[5].Replace("\"phone\":\"+1", "\"phone\":\"1", StringComparison.Ordinal);
        File.WriteAllLines(bad, lines);
        var before = _target.Run("export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", Path.Combine(_out, "before"), "--full");
        Assert.Equal(0, before.ExitCode);

        var import = _target.Run("import", bad, "--replace");

        Assert.Equal(2, import.ExitCode);
        Assert.Contains($"FILE '{bad}' is not a valid dialer-data file", import.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 6, field phone", import.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", import.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, _target.Run("export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", Path.Combine(_out, "after"), "--full").ExitCode);
        Assert.Equal(Records(Path.Combine(_out, "before", "dialer-data.jsonl")), Records(Path.Combine(_out, "after", "dialer-data.jsonl")));
        Assert.Equal(0, CountAttempts(_target.DatabasePath));
    }

    [Fact]
    public void Import_OneDailyCallsFile_AddsExactlyThatDaysAttempts()
    {
        SimulateAndExport();
        var daily = Path.Combine(_out, "calls_2026-03-02.jsonl");

        var import = _target.Run("import", daily);

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(File.ReadAllLines(daily).Count(l => l.Length > 0) - 1, CountAttempts(_target.DatabasePath));
        Assert.Contains("0 blocks", import.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--to '2026-03-01' is before --from '2026-03-05'", "export", "--from", "2026-03-05", "--to", "2026-03-01", "--out", "OUT")]
    [InlineData("--from '2026-3-5' is not a date", "export", "--from", "2026-3-5", "--to", "2026-03-06", "--out", "OUT")]
    [InlineData("--zone 'Mars/Base' is not an IANA time zone", "export", "--from", "2026-03-05", "--to", "2026-03-06", "--out", "OUT", "--zone", "Mars/Base")]
    [InlineData("Option '--out' is required", "export", "--from", "2026-03-05", "--to", "2026-03-06")]
    [InlineData("FILE 'missing.jsonl' does not exist", "import", "missing.jsonl")]
    [InlineData("--store 'memory'", "--store", "memory", "import", "FILE")]
    public void Transfer_BadInput_ExitsTwoNamingTheArgumentAndValue(string message, params string[] args)
    {
        Directory.CreateDirectory(_out);
        var file = Path.Combine(_out, "file.jsonl");
        File.WriteAllText(file, "{}\n");
        var resolved = args.Select(a => a switch { "OUT" => Path.Combine(_out, "x"), "FILE" => file, _ => a }).ToArray();

        var result = _target.Run(resolved);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_out, "x")), "bad input must write no file");
    }

    /// <summary>Simulates 100 leads for a day in the source, adds a do-not-call entry, and exports 2026-03-01..04 with --full.</summary>
    private string SimulateAndExport()
    {
        var simulate = _source.Run("simulate", "--generate", "100", "--days", "1");
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        Assert.Equal(0, _source.Run("dnc", "add", Listed).ExitCode);
        var export = _source.Run("export", "--from", "2026-03-01", "--to", "2026-03-04", "--out", _out, "--full");
        Assert.True(export.ExitCode == 0, export.ToString());
        var full = Path.Combine(_out, "dialer-data.jsonl");
        Assert.True(File.Exists(full), export.ToString());
        return full;
    }

    private static string Type(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.GetProperty("type").GetString()!;
    }

    /// <summary>The file's records without its header, sorted (stores may list rows of a type in another order).</summary>
    private static string[] Records(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0 && Type(l) != "header").Order(StringComparer.Ordinal)];

    private static long CountAttempts(string databasePath)
    {
        if (!File.Exists(databasePath))
        {
            return 0;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM attempts";
        return (long)command.ExecuteScalar()!;
    }
}
