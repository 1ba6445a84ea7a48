using System.Text;
using Dialer.Reliability.Infrastructure;
using Dialer.Reliability.Racing;
using Xunit.Abstractions;

namespace Dialer.Reliability.BadInput;

/// <summary>
/// Family 3, bad input — CLI arguments of the <c>dialer</c> host, run in-process through its entry point on a temp data
/// directory: seeded random commands, options and values (malformed numbers, instants, zones, dates, unknown options,
/// garbage tokens). Every run ends with exit code 0 (done), 3 (denied) or 2 with one <c>dialer: …</c> message; exit
/// code 1 (the host's last-resort handler for an unexpected exception) or an escaping exception is a violation.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class CliFuzzTests(ITestOutputHelper output)
{
    private static readonly string[][] Commands =
    [
        ["check"], ["window"], ["config", "show"], ["config", "validate"], ["config", "blackout", "add"], ["config", "blackout", "remove"],
        ["dnc", "list"], ["dnc", "add"], ["dnc", "remove"], ["campaign", "list"], ["campaign", "status"], ["campaign", "pause"],
        ["calls", "active"], ["nonsense"], [],
    ];

    private static readonly (string Option, string[] Values)[] Options =
    [
        ("--phone", ["+14155550123", "+1415", "abc", "", "+999999999999999999", "14155550123", "+1 415 555 0123", "+44"]),
        ("--at", ["2026-03-02T15:00:00Z", "yesterday", "2026-13-01T00:00:00Z", "", "2026-03-02", "9999-12-31T23:59:59Z"]),
        ("--from", ["2026-03-02T00:00:00Z", "not-an-instant", "2026-03-09T00:00:00Z"]),
        ("--to", ["2026-03-03T00:00:00Z", "2025-01-01T00:00:00Z", "x"]),
        ("--zone", ["America/Chicago", "Mars/Base", "", "UTC"]),
        ("--region", ["CA", "ZZ", "", "california"]),
        ("--postal", ["94105", "", "ABCDE", "999999999999"]),
        ("--lead", ["lead-1", "", "\u0000"]),
        ("--client", ["acme", ""]),
        ("--campaign", ["c1", ""]),
        ("--store", ["sqlite", "memory", "oracle", "postgres"]),
        ("--connection", ["Host=127.0.0.1;Port=1;Timeout=1", "garbage=;;"]),
    ];

    private static readonly string[] Stray = ["--json", "--nope", "-x", "2026-12-25", "2026-02-30", "xmas", "+14155550199", "--", "--help-me", "c1", new string('9', 300)];

    /// <summary>
    /// Regression guard (found by this suite, fixed in the host): <c>check --at 9999-12-31T23:59:59Z</c> used to end in the
    /// last-resort handler (exit 1, <c>ArgumentOutOfRangeException</c> from the calling window); it must exit 2 naming <c>--at</c>.
    /// </summary>
    private static readonly string[] OutOfRangeInstant = ["check", "--phone", "+14155550123", "--at", "9999-12-31T23:59:59Z"];

    [Fact]
    public async Task DialerHost_FuzzedArguments_ExitWithAResultOrOneClearMessage()
    {
        var seed = Suite.Seed();
        var random = new Random(seed);
        var dir = Suite.NewDirectory("cli");
        var tally = new FuzzTally("dialer CLI arguments", seed);
        var stdout = Console.Out;
        var stderr = Console.Error;
        try
        {
            for (var i = 0; i < 1_000 * Suite.Scale; i++)
            {
                var args = Generate(random, dir);
                var (outcome, detail) = await RunAsync(args);
                tally.Add(outcome, i, string.Join(' ', args.Select(a => a.Length == 0 ? "''" : a)), detail);
            }
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        output.WriteLine(tally.Summary);
        tally.Violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(tally.Violations);
        Assert.True(tally.Rejected > 10 && tally.Loaded > 10, tally.Summary);
    }

    [Fact]
    public async Task DialerHost_CheckAtBeyondTheSupportedRange_ExitsTwoNamingTheOption()
    {
        var dir = Suite.NewDirectory("cli-at");
        var stdout = Console.Out;
        var stderr = Console.Error;
        var err = new StringWriter();
        int code;
        try
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(err);
            code = await Dialer.Samples.Console.Program.Main(["--data", dir, .. OutOfRangeInstant]);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }

        Assert.Equal(2, code);
        Assert.Contains("--at '9999-12-31T23:59:59Z' is outside the supported range", err.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(InputOutcome, string?)> RunAsync(string[] args)
    {
        var err = new StringWriter();
        Console.SetOut(TextWriter.Null);
        Console.SetError(err);
        int code;
        try
        {
            code = await Dialer.Samples.Console.Program.Main(args);
        }
#pragma warning disable CA1031 // the checker classifies whatever escapes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (InputOutcome.Violation, "escaped: " + ex.GetType().Name + ": " + ex.Message);
        }

        var message = err.ToString().Trim();
        return code switch
        {
            0 or 3 => (InputOutcome.Loaded, null),
            2 when message.StartsWith("dialer: ", StringComparison.Ordinal) || message.Contains("dialer:", StringComparison.Ordinal) => (InputOutcome.Rejected, null),
            _ => (InputOutcome.Violation, $"exit {code}: {Shorten(message)}"),
        };
    }

    private static readonly string[][] Templates =
    [
        ["check", "--phone", "+14155550123"],
        ["check", "--phone", "+14155550123", "--at", "2026-03-02T15:00:00Z", "--zone", "America/Chicago"],
        ["check", "--phone", "+13055550123", "--region", "FL", "--postal", "33101", "--lead", "lead-1", "--client", "acme", "--campaign", "c1"],
        ["window", "--zone", "America/Chicago", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z"],
        ["window", "--phone", "+14155550123", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-04T00:00:00Z"],
        ["config", "show"], ["config", "validate"], ["dnc", "list"], ["campaign", "list"], ["calls", "active"],
    ];

    private static string[] Generate(Random random, string dataDir)
    {
        if (random.Next(2) == 0)
        {
            // A valid command with one value replaced by a random one (or one token dropped).
            var template = new List<string>(Templates[random.Next(Templates.Length)]);
            var at = random.Next(template.Count);
            if (random.Next(4) == 0)
            {
                template.RemoveAt(at);
            }
            else if (random.Next(3) != 0)
            {
                var pool = Options[random.Next(Options.Length)].Values;
                template[at] = pool[random.Next(pool.Length)];
            }

            if (random.Next(2) == 0)
            {
                template.Add("--json");
            }

            return ["--data", dataDir, .. template];
        }

        var args = new List<string> { "--data", dataDir };
        args.AddRange(Commands[random.Next(Commands.Length)]);
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            if (random.Next(6) == 0)
            {
                args.Add(Stray[random.Next(Stray.Length)]);
                continue;
            }

            var (option, values) = Options[random.Next(Options.Length)];
            args.Add(option);
            if (random.Next(10) != 0)
            {
                args.Add(values[random.Next(values.Length)]);
            }
        }

        if (random.Next(3) == 0)
        {
            args.Add("--json");
        }

        return [.. args];
    }

    private static string Shorten(string s)
    {
        var sb = new StringBuilder(s.ReplaceLineEndings(" "));
        return sb.Length > 300 ? sb.ToString(0, 300) + "…" : sb.ToString();
    }
}
