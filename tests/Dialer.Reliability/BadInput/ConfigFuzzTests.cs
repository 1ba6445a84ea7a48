using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dialer.Campaigns;
using Dialer.Persistence.Sqlite;
using Dialer.Protection;
using Dialer.Redial;
using Dialer.Reliability.Infrastructure;
using Dialer.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Dialer.Reliability.BadInput;

/// <summary>
/// Family 3, bad input — configuration documents: each package's options (Scheduling, Protection, Redial, Campaigns,
/// SQLite store) serialised from their defaults, then mutated at random (values replaced by wrong types, out-of-range
/// numbers, bad zones and times, keys added and removed, the JSON text itself damaged), bound through the packages'
/// <c>AddXxx(IConfiguration)</c> overloads and validated. Every document loads or is rejected with an error naming the
/// field; nothing else escapes. A naive loader run through the same checker is caught.
/// </summary>
public sealed partial class ConfigFuzzTests(ITestOutputHelper output)
{
    private static readonly (string Section, Type Type)[] Sections =
    [
        ("Scheduling", typeof(SchedulingOptions)), ("Protection", typeof(ProtectionOptions)), ("Redial", typeof(RedialOptions)),
        ("Campaigns", typeof(CampaignsOptions)), ("Sqlite", typeof(SqliteStoreOptions)),
    ];

    private static readonly string[] Values =
    [
        "", " ", "abc", "-1", "0", "1", "7", "2147483648", "99999999999999999999", "1.5", "-00:05:00", "00:00:00", "00:10:00",
        "25:00", "1.00:00:00", "10000.00:00:00", "true", "false", "America/New_York", "Not/AZone", "UTC", "08:00", "21:00", "24:00",
        "12:00-13:00", "Monday", "Funday", "2026-12-25", "2026-02-30", "9999-99-99", "Number", "Lead", "Global", "Bogus", "\u0000",
        "P1D", "NaN", "-0", "%", "{", "[]",
    ];

    [Fact]
    public void ConfigurationDocuments_Fuzzed_LoadOrAreRejectedNamingTheField()
    {
        var seed = Suite.Seed();
        var tally = Run(seed, 10_000 * Suite.Scale, Check);
        output.WriteLine(tally.Summary);
        tally.Violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(tally.Violations);
        Assert.True(tally.Loaded > 50 && tally.Rejected > 500, tally.Summary);
    }

    [Fact]
    public void Checker_NaiveLoader_IsCaught()
    {
        // Broken on purpose: read one value by hand with TimeSpan.Parse (no field name, throws on garbage).
        var tally = Run(Suite.Seed(), 300, json => Classify(() =>
        {
            var config = Load(json);
            _ = TimeSpan.Parse(config["Dialer:Protection:DuplicateWindow"] ?? "x", System.Globalization.CultureInfo.InvariantCulture);
        }));
        output.WriteLine("broken variant (naive loader): " + tally.Summary);
        Assert.NotEmpty(tally.Violations);
    }

    [Fact]
    public void Checker_RawBinderOnAnObjectWhereAStringIsExpected_IsCaught()
    {
        // The finding of seed 1861396288 (case 6463): bound without the packages' AddXxx(IConfiguration), the binder's
        // "Cannot create instance of type 'System.String'" names no field, and the checker must call it a violation.
        // The document there had the key "DailyCapZoneId:" (a stray colon), which configuration reads as a section.
        const string json = """{"Dialer":{"Protection":{"DailyCapZoneId:":null}}}""";
        var (raw, detail) = Classify(() => Load(json).GetSection("Dialer:Protection").Get<ProtectionOptions>());
        output.WriteLine("broken variant (raw binder): " + detail);
        Assert.Equal(InputOutcome.Violation, raw);
        Assert.Equal((InputOutcome.Rejected, null), Check(json));
    }

    private static (InputOutcome, string?) Check(string json) => Classify(() =>
    {
        var config = Load(json);
        var services = new ServiceCollection();
        services.AddDialer()
            .AddScheduling(config.GetSection("Dialer:Scheduling"))
            .AddProtection(config.GetSection("Dialer:Protection"))
            .AddRedial(config.GetSection("Dialer:Redial"))
            .AddCampaigns(config.GetSection("Dialer:Campaigns"))
            .UseSqlite(config.GetSection("Dialer:Sqlite"));
        using var provider = services.BuildServiceProvider();
        var errors = new List<string>();
        foreach (var (_, type) in Sections)
        {
            try
            {
                var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
                _ = options.GetType().GetProperty("Value")!.GetValue(options);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException inner)
            {
                errors.AddRange(inner.Failures);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException("all", typeof(object), errors);
        }
    });

    private static IConfigurationRoot Load(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    /// <summary>Loaded; rejected with a message that names a field (or the JSON position); anything else is a violation.</summary>
    private static (InputOutcome, string?) Classify(Action load)
    {
        try
        {
            load();
            return (InputOutcome.Loaded, null);
        }
        catch (OptionsValidationException ex)
        {
            var unclear = ex.Failures.FirstOrDefault(f => !FieldError().IsMatch(f));
            return unclear is null ? (InputOutcome.Rejected, null) : (InputOutcome.Violation, "validation error not naming a field: " + unclear);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) && ex.Message.Contains(" at 'Dialer:", StringComparison.Ordinal))
        {
            return (InputOutcome.Rejected, null); // the binder names the path: "Failed to convert configuration value 'x' at 'Dialer:…'"
        }
        catch (JsonException ex) when (ex.Message.Contains("LineNumber", StringComparison.Ordinal))
        {
            return (InputOutcome.Rejected, null); // the JSON reader names the line and byte position
        }
        catch (FormatException ex) when (ex.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) || ex.InnerException is JsonException)
        {
            return (InputOutcome.Rejected, null); // the JSON provider names the line and position
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) || ex.InnerException is JsonException)
        {
            return (InputOutcome.Rejected, null);
        }
#pragma warning disable CA1031 // the checker classifies whatever escapes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (InputOutcome.Violation, ex.GetType().Name + ": " + ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>OptionsErrorList's shape: <c>path = value: problem</c> with a non-empty path.</summary>
    [GeneratedRegex(@"^\S[^=]* = .*: .+", RegexOptions.Singleline)]
    private static partial Regex FieldError();

    private static FuzzTally Run(int seed, int cases, Func<string, (InputOutcome, string?)> check)
    {
        var random = new Random(seed);
        var tally = new FuzzTally("configuration documents", seed);
        var baseDoc = BaseDocument();
        for (var i = 0; i < cases; i++)
        {
            var json = Mutate(baseDoc, random);
            var (outcome, detail) = check(json);
            tally.Add(outcome, i, json.ReplaceLineEndings(" "), detail);
        }

        return tally;
    }

    private static JsonObject BaseDocument()
    {
        var dialer = new JsonObject();
        foreach (var (section, type) in Sections)
        {
            dialer[section] = JsonSerializer.SerializeToNode(Activator.CreateInstance(type), type) ?? new JsonObject();
        }

        ((JsonObject)dialer["Sqlite"]!)["Path"] = Path.Combine(Path.GetTempPath(), "dialer-reliability", "never-opened.db");
        return new JsonObject { ["Dialer"] = dialer };
    }

    private static string Mutate(JsonObject baseDoc, Random random)
    {
        var doc = baseDoc.DeepClone().AsObject();
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            var nodes = new List<JsonNode>();
            Collect(doc, nodes);
            var target = nodes[random.Next(nodes.Count)];
            var parent = target.Parent;
            switch (random.Next(5))
            {
                case 0 or 1 when parent is not null: Replace(target, RandomValue(random)); break;
                case 2 when parent is JsonObject po: po.Remove(target.GetPropertyName()); break;
                case 3 when target is JsonObject o: o[RandomKey(nodes, random)] = RandomValue(random); break;
                case 3 when target is JsonArray a: a.Add(new JsonObject { [RandomKey(nodes, random)] = RandomValue(random), [RandomKey(nodes, random)] = RandomValue(random) }); break;
                default: if (parent is not null) { Replace(target, RandomValue(random)); } break;
            }
        }

        var text = doc.ToJsonString();
        if (random.Next(20) == 0)
        {
            // Damage the text itself: cut it short or drop in a stray character.
            text = random.Next(2) == 0 ? text[..random.Next(text.Length)] : text.Insert(random.Next(text.Length), "{\",]:"[random.Next(5)].ToString());
        }

        return text;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject o)
        {
            foreach (var (_, child) in o)
            {
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                if (child is not null)
                {
                    Collect(child, nodes);
                }
            }
        }
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject o: o[target.GetPropertyName()] = value; break;
            case JsonArray a: a[target.GetElementIndex()] = value; break;
        }
    }

    private static string RandomKey(List<JsonNode> nodes, Random random)
    {
        var named = nodes.Where(n => n.Parent is JsonObject).ToList();
        return random.Next(4) == 0 || named.Count == 0 ? "Unknown" + random.Next(100) : named[random.Next(named.Count)].GetPropertyName();
    }

    private static JsonNode? RandomValue(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => new JsonArray(JsonValue.Create(Values[random.Next(Values.Length)]), JsonValue.Create(random.Next(-5, 100))),
        2 => new JsonObject { ["x"] = JsonValue.Create(Values[random.Next(Values.Length)]) },
        3 => JsonValue.Create(random.Next(-1000, 100000)),
        4 => JsonValue.Create(random.NextDouble() * 1e6),
        _ => JsonValue.Create(Values[random.Next(Values.Length)]),
    };
}
