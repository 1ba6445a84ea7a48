using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dialer.Samples.Console.Hosting;

/// <summary>
/// The <c>--data</c> directory: <c>dialer.db</c> (the SQLite store) and <c>dialer.json</c> (the configuration,
/// one section per package). A first run writes a valid default configuration and says where; every change is
/// written to a temporary file and swapped in atomically, keeping the previous file as <c>dialer.json.bak</c>.
/// A configuration that is not valid JSON is reported with its location and never overwritten.
/// </summary>
internal sealed class DataDirectory
{
    public const string ConfigFileName = "dialer.json";
    public const string DatabaseFileName = "dialer.db";

    private static readonly JsonDocumentOptions s_readOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonSerializerOptions s_writeOptions = new() { WriteIndented = true };

    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string ConfigPath => System.IO.Path.Combine(Path, ConfigFileName);

    public string PreviousConfigPath => ConfigPath + ".bak";

    public string DatabasePath => System.IO.Path.Combine(Path, DatabaseFileName);

    /// <summary>Creates the directory and a default <c>dialer.json</c> when missing; returns true when it created the file.</summary>
    public bool EnsureCreated()
    {
        if (File.Exists(ConfigPath))
        {
            return false;
        }

        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--data '{Path}' cannot be created: {ex.Message}");
        }

        Save(DefaultConfiguration.Create());
        return true;
    }

    /// <summary>Reads <c>dialer.json</c> as a JSON object; a file that is not one is reported, never rewritten.</summary>
    public JsonObject Load()
    {
        string text;
        try
        {
            text = File.ReadAllText(ConfigPath, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{ConfigPath} cannot be read: {ex.Message}");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: s_readOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}" : string.Empty;
            throw new UsageException($"{ConfigPath} is not valid JSON{where}; it was left unchanged. Fix it, or restore {PreviousConfigPath} if it exists.");
        }

        return node as JsonObject
            ?? throw new UsageException($"{ConfigPath} must hold a JSON object with the sections Scheduling, Protection, Redial and Campaigns; it was left unchanged.");
    }

    /// <summary>Writes the configuration atomically: a temporary file is flushed to disk, then swapped in; the previous file is kept.</summary>
    public void Save(JsonObject configuration)
    {
        var temp = ConfigPath + ".tmp";
        var json = configuration.ToJsonString(s_writeOptions) + Environment.NewLine;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        if (File.Exists(ConfigPath))
        {
            File.Replace(temp, ConfigPath, PreviousConfigPath);
        }
        else
        {
            File.Move(temp, ConfigPath);
        }
    }
}
