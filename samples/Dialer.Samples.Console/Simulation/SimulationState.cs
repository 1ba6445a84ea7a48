using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Samples.Console.Simulation;

/// <summary>
/// The host's side of a simulated campaign, next to the store in the data directory: where its leads are and how far
/// the simulated clock got (the store holds the campaign's cursor, attempts, blocks and redials).
/// </summary>
internal sealed class SimulationState
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public string CampaignId { get; set; } = string.Empty;

    public string LeadsFile { get; set; } = string.Empty;

    public string Clock { get; set; } = string.Empty;

    public int Seed { get; set; }

    public int Runs { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public Instant ClockInstant => InstantPattern.ExtendedIso.Parse(Clock).GetValueOrThrow();

    public static string PathFor(string dataDir, string campaignId) => Path.Combine(dataDir, $"simulation-{Sanitize(campaignId)}.json");

    public static string LeadsPathFor(string dataDir, string campaignId) => Path.Combine(dataDir, $"simulation-{Sanitize(campaignId)}-leads.csv");

    public static SimulationState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SimulationState>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new Hosting.UsageException($"{path} is not valid JSON ({ex.Message}); it was left unchanged.");
        }
    }

    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_options));
        File.Move(temp, path, overwrite: true);
    }

    private static string Sanitize(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
