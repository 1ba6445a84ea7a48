using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Core;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Persistence;

/// <summary>One file of a backup and its checksum.</summary>
/// <param name="Name">The file's name inside the backup directory (no directory part).</param>
/// <param name="Sha256">The SHA-256 of the file, lower-case hex.</param>
/// <param name="Length">The file's length in bytes.</param>
public sealed record StoreBackupFile(string Name, string Sha256, long Length);

/// <summary>What a provider-neutral backup holds, as written in its <c>manifest.json</c>.</summary>
/// <param name="Provider">The provider the data was read from, e.g. <c>postgresql</c>.</param>
/// <param name="SchemaVersion">The source store's schema version, when known.</param>
/// <param name="CreatedAt">When the backup was taken.</param>
/// <param name="Counts">Rows per data type in the data file.</param>
/// <param name="DataFile">The <c>data.jsonl</c> file (see <see cref="JsonLinesFormat"/>).</param>
/// <param name="ExtraFiles">Files the host added (e.g. its <c>dialer.json</c>), copied in as they were.</param>
/// <param name="FormatVersion">The manifest format version (<see cref="StoreBackup.ManifestVersion"/> when written by this code).</param>
public sealed record StoreBackupManifest(
    string Provider,
    int? SchemaVersion,
    Instant CreatedAt,
    StoreDataCounts Counts,
    StoreBackupFile DataFile,
    IReadOnlyList<StoreBackupFile> ExtraFiles,
    int FormatVersion = StoreBackup.ManifestVersion);

/// <summary>
/// Provider-neutral backups of any store through <see cref="IStoreDataAccess"/> (used for PostgreSQL, and for any
/// provider when a logical copy is wanted): each backup is a directory <c>backup_&lt;UTC yyyyMMddTHHmmssfffZ&gt;</c> under
/// a backups directory holding <c>data.jsonl</c> (every row as <c>dialer-data</c> JSON lines), any extra files the
/// host adds, and <c>manifest.json</c> (provider, schema version, creation instant, row counts per data type and the
/// SHA-256 of every file). Only the last N backups are kept. Restore verifies everything before touching the target
/// and then replaces the target's data in one transaction.
/// </summary>
/// <remarks>
/// Naming follows the SQLite file backup (<c>SqliteBackup</c> in Dialer.Persistence.Sqlite); keep the two kinds in
/// separate backups directories, since each keeps its own last N.
/// </remarks>
public static partial class StoreBackup
{
    /// <summary>The default number of backups kept.</summary>
    public const int DefaultKeepLast = 10;

    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The data file's name.</summary>
    public const string DataFileName = "data.jsonl";

    /// <summary>The manifest's <c>format</c> value.</summary>
    public const string ManifestFormat = "dialer-backup";

    /// <summary>The manifest format version this code writes and the newest it reads.</summary>
    public const int ManifestVersion = 1;

    private const string DirectoryPrefix = "backup_";
    private const string TimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const string StagingSuffix = ".partial";

    /// <summary>
    /// Writes a new backup of <paramref name="store"/> under <paramref name="backupsDirectory"/> (created if missing):
    /// everything is written into a <c>.partial</c> directory first, flushed, and renamed at the end, so a crash never
    /// leaves a directory that looks like a backup. Then the oldest backups are deleted so that
    /// <paramref name="keepLast"/> remain (only directories named like a backup are touched).
    /// </summary>
    /// <param name="store">The store to copy.</param>
    /// <param name="maintenance">The same store's maintenance interface, for its schema version; null when unknown.</param>
    /// <param name="backupsDirectory">Where backups are kept.</param>
    /// <param name="keepLast">How many backups to keep, at least 1.</param>
    /// <param name="extraFiles">Files to copy into the backup and record with their checksums (e.g. the host's <c>dialer.json</c>); file names must be distinct and not <c>data.jsonl</c> or <c>manifest.json</c>.</param>
    /// <param name="timeProvider">The clock for the backup's name and creation instant; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels the backup (the partial directory is removed).</param>
    /// <returns>The new backup's directory.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepLast"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">An extra file's name collides with another or with the backup's own files.</exception>
    /// <exception cref="FileNotFoundException">An extra file does not exist.</exception>
    public static async Task<string> CreateAsync(
        IStoreDataAccess store,
        IStoreMaintenance? maintenance,
        string backupsDirectory,
        int keepLast = DefaultKeepLast,
        IReadOnlyList<string>? extraFiles = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(backupsDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var extras = CheckExtraFiles(extraFiles ?? []);
        var clock = timeProvider ?? TimeProvider.System;
        var now = clock.GetCurrentInstant();
        Directory.CreateDirectory(backupsDirectory);
        var stamp = DirectoryPrefix + now.ToDateTimeOffset().ToString(TimestampFormat, CultureInfo.InvariantCulture);
        var directory = Path.GetFullPath(Path.Combine(backupsDirectory, stamp));
        for (var n = 1; Directory.Exists(directory) || Directory.Exists(directory + StagingSuffix); n++)
        {
            directory = Path.GetFullPath(Path.Combine(backupsDirectory, stamp + "_" + n.ToString(CultureInfo.InvariantCulture)));
        }

        var staging = directory + StagingSuffix;
        Directory.CreateDirectory(staging);
        try
        {
            var dataPath = Path.Combine(staging, DataFileName);
            StoreDataCounts counts;
            var stream = new FileStream(dataPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                counts = await StoreDataTransfer.ExportAsync(store, maintenance, stream, StoreDataFilter.All, clock, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            var schemaVersion = maintenance is null ? (int?)null : await maintenance.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            var copied = new List<StoreBackupFile>(extras.Count);
            foreach (var (source, name) in extras)
            {
                var target = Path.Combine(staging, name);
                File.Copy(source, target);
                copied.Add(await DescribeAsync(target, cancellationToken).ConfigureAwait(false));
            }

            var manifest = new StoreBackupManifest(store.Provider, schemaVersion, now, counts, await DescribeAsync(dataPath, cancellationToken).ConfigureAwait(false), copied);
            WriteManifest(Path.Combine(staging, ManifestFileName), manifest);
            Directory.Move(staging, directory);
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }

        PersistenceMetrics.BackupCounter.Add(1);
        Prune(backupsDirectory, keepLast);
        return directory;
    }

    /// <summary>
    /// Checks a backup: the manifest is readable, every file it lists exists with its length and SHA-256, the data
    /// file is a valid <c>dialer-data</c> file (every line is read), and its rows per data type and provider match the
    /// manifest.
    /// </summary>
    /// <returns>The manifest.</returns>
    /// <exception cref="StoreBackupException">Something differs; <see cref="StoreBackupException.Location"/> says where and the message says what.</exception>
    public static async Task<StoreBackupManifest> VerifyAsync(string backupDirectory, CancellationToken cancellationToken = default)
    {
        var (manifest, _) = await VerifyCoreAsync(backupDirectory, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// Restores a backup into <paramref name="target"/>: verifies it first (<see cref="VerifyAsync"/>; nothing is
    /// touched when it does not match), then replaces every data row of the target with the backup's in one
    /// transaction (<see cref="StoreImportMode.Replace"/>): the target ends in the old state or the new one, never a mix.
    /// </summary>
    /// <returns>How many rows were written per data type.</returns>
    /// <exception cref="StoreBackupException">The backup does not verify; the target is unchanged.</exception>
    public static async Task<StoreDataCounts> RestoreAsync(string backupDirectory, IStoreDataAccess target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (_, content) = await VerifyCoreAsync(backupDirectory, cancellationToken).ConfigureAwait(false);
        return await target.ImportAsync(content.Data, StoreImportMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backup directories under <paramref name="backupsDirectory"/>, oldest first (only names like <c>backup_20250309T140000123Z</c>; partial ones are left out).</summary>
    public static IReadOnlyList<string> List(string backupsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupsDirectory);
        if (!Directory.Exists(backupsDirectory))
        {
            return [];
        }

        var found = new List<string>();
        foreach (var dir in Directory.GetDirectories(backupsDirectory, DirectoryPrefix + "*"))
        {
            if (BackupName().IsMatch(Path.GetFileName(dir)))
            {
                found.Add(Path.GetFullPath(dir));
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static async Task<(StoreBackupManifest Manifest, JsonLinesContent Content)> VerifyCoreAsync(string backupDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupDirectory);
        if (!Directory.Exists(backupDirectory))
        {
            throw new StoreBackupException(backupDirectory, "the backup directory does not exist.");
        }

        var manifestPath = Path.Combine(backupDirectory, ManifestFileName);
        StoreBackupManifest manifest;
        try
        {
            manifest = ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StoreBackupException(manifestPath, "the manifest is missing or unreadable: " + ex.Message, ex);
        }

        if (manifest.FormatVersion > ManifestVersion)
        {
            throw new StoreBackupException(manifestPath, string.Create(CultureInfo.InvariantCulture, $"manifest version {manifest.FormatVersion} is newer than this code reads ({ManifestVersion})."));
        }

        foreach (var file in (IEnumerable<StoreBackupFile>)[manifest.DataFile, .. manifest.ExtraFiles])
        {
            await CheckFileAsync(backupDirectory, file, cancellationToken).ConfigureAwait(false);
        }

        var dataPath = Path.Combine(backupDirectory, manifest.DataFile.Name);
        JsonLinesContent content;
        try
        {
            var stream = new FileStream(dataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                content = await JsonLinesReader.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonLinesFormatException ex)
        {
            throw new StoreBackupException(dataPath, "the data file is not a valid dialer-data file: " + string.Join("; ", ex.Errors.Take(5)), ex);
        }

        var actual = content.Data.Counts;
        var differences = new List<string>();
        Compare(differences, JsonLinesFormat.AttemptType, actual.Attempts, manifest.Counts.Attempts);
        Compare(differences, JsonLinesFormat.BlockType, actual.Blocks, manifest.Counts.Blocks);
        Compare(differences, JsonLinesFormat.RedialType, actual.RedialItems, manifest.Counts.RedialItems);
        Compare(differences, JsonLinesFormat.AnsweringMachineType, actual.AnsweringMachineStats, manifest.Counts.AnsweringMachineStats);
        Compare(differences, JsonLinesFormat.CampaignType, actual.Campaigns, manifest.Counts.Campaigns);
        Compare(differences, JsonLinesFormat.DailyStatisticsType, actual.DailyStatistics, manifest.Counts.DailyStatistics);
        if (!string.Equals(content.Header.Provider, manifest.Provider, StringComparison.Ordinal))
        {
            differences.Add($"provider \"{content.Header.Provider}\"; the manifest says \"{manifest.Provider}\"");
        }

        if (content.Header.SchemaVersion != manifest.SchemaVersion)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"schema version {content.Header.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}; the manifest says {manifest.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}"));
        }

        if (differences.Count > 0)
        {
            throw new StoreBackupException(dataPath, "the data file does not match the manifest: " + string.Join("; ", differences) + ".");
        }

        return (manifest, content);
    }

    private static void Compare(List<string> differences, string type, long actual, long expected)
    {
        if (actual != expected)
        {
            differences.Add(string.Create(CultureInfo.InvariantCulture, $"{type}: {actual} record(s); the manifest says {expected}"));
        }
    }

    private static async Task CheckFileAsync(string backupDirectory, StoreBackupFile file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(backupDirectory, file.Name);
        if (!IsPlainFileName(file.Name))
        {
            throw new StoreBackupException(Path.Combine(backupDirectory, ManifestFileName), $"the manifest names the file \"{file.Name}\", which is not a plain file name.");
        }

        if (!File.Exists(path))
        {
            throw new StoreBackupException(path, "the file is missing.");
        }

        var actual = await DescribeAsync(path, cancellationToken).ConfigureAwait(false);
        if (actual.Length != file.Length)
        {
            throw new StoreBackupException(path, string.Create(CultureInfo.InvariantCulture, $"the file has {actual.Length} bytes; the manifest says {file.Length} (truncated or changed)."));
        }

        if (!string.Equals(actual.Sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreBackupException(path, $"the SHA-256 is {actual.Sha256}; the manifest says {file.Sha256} (the file was changed or is damaged).");
        }
    }

    private static List<(string Source, string Name)> CheckExtraFiles(IReadOnlyList<string> extraFiles)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { DataFileName, ManifestFileName };
        var result = new List<(string, string)>(extraFiles.Count);
        for (var i = 0; i < extraFiles.Count; i++)
        {
            var source = extraFiles[i];
            if (string.IsNullOrWhiteSpace(source))
            {
                throw new ArgumentException($"extraFiles[{i}] is null or empty.", nameof(extraFiles));
            }

            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"extraFiles[{i}] = '{source}' does not exist.", source);
            }

            var name = Path.GetFileName(source);
            if (!names.Add(name))
            {
                throw new ArgumentException($"extraFiles[{i}] = '{source}': a backup already holds a file named '{name}' (names must be distinct and not {DataFileName} or {ManifestFileName}).", nameof(extraFiles));
            }

            result.Add((source, name));
        }

        return result;
    }

    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\']) < 0 && string.Equals(Path.GetFileName(name), name, StringComparison.Ordinal);

    private static async Task<StoreBackupFile> DescribeAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return new StoreBackupFile(Path.GetFileName(path), Convert.ToHexStringLower(hash), stream.Length);
        }
    }

    private static void Prune(string backupsDirectory, int keepLast)
    {
        var all = List(backupsDirectory);
        for (var i = 0; i < all.Count - keepLast; i++)
        {
            Directory.Delete(all[i], recursive: true);
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void WriteManifest(string path, StoreBackupManifest manifest)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", ManifestFormat);
            w.WriteNumber("version", manifest.FormatVersion);
            w.WriteString("provider", manifest.Provider);
            if (manifest.SchemaVersion is { } schema)
            {
                w.WriteNumber("schemaVersion", schema);
            }

            w.WriteString("createdAt", InstantPattern.ExtendedIso.Format(manifest.CreatedAt));
            w.WritePropertyName("dataFile");
            WriteFile(w, manifest.DataFile);
            w.WriteStartObject("rowCounts");
            w.WriteNumber(JsonLinesFormat.AttemptType, manifest.Counts.Attempts);
            w.WriteNumber(JsonLinesFormat.BlockType, manifest.Counts.Blocks);
            w.WriteNumber(JsonLinesFormat.RedialType, manifest.Counts.RedialItems);
            w.WriteNumber(JsonLinesFormat.AnsweringMachineType, manifest.Counts.AnsweringMachineStats);
            w.WriteNumber(JsonLinesFormat.CampaignType, manifest.Counts.Campaigns);
            w.WriteNumber(JsonLinesFormat.DailyStatisticsType, manifest.Counts.DailyStatistics);
            w.WriteEndObject();
            w.WriteStartArray("extraFiles");
            foreach (var file in manifest.ExtraFiles)
            {
                WriteFile(w, file);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        stream.Flush(flushToDisk: true);
    }

    private static void WriteFile(Utf8JsonWriter w, StoreBackupFile file)
    {
        w.WriteStartObject();
        w.WriteString("name", file.Name);
        w.WriteString("sha256", file.Sha256);
        w.WriteNumber("length", file.Length);
        w.WriteEndObject();
    }

    private static StoreBackupManifest ReadManifest(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var format = root.GetProperty("format").GetString();
        if (format != ManifestFormat)
        {
            throw new FormatException($"format is \"{format}\"; expected \"{ManifestFormat}\".");
        }

        var created = InstantPattern.ExtendedIso.Parse(root.GetProperty("createdAt").GetString() ?? string.Empty);
        if (!created.Success)
        {
            throw new FormatException("createdAt is not an ISO-8601 UTC instant.");
        }

        var counts = root.GetProperty("rowCounts");
        var extras = new List<StoreBackupFile>();
        if (root.TryGetProperty("extraFiles", out var extraArray))
        {
            foreach (var item in extraArray.EnumerateArray())
            {
                extras.Add(ReadFile(item));
            }
        }

        return new StoreBackupManifest(
            root.GetProperty("provider").GetString() ?? throw new FormatException("provider is null."),
            root.TryGetProperty("schemaVersion", out var schema) && schema.ValueKind == JsonValueKind.Number ? schema.GetInt32() : null,
            created.Value,
            new StoreDataCounts(
                counts.GetProperty(JsonLinesFormat.AttemptType).GetInt64(),
                counts.GetProperty(JsonLinesFormat.BlockType).GetInt64(),
                counts.GetProperty(JsonLinesFormat.RedialType).GetInt64(),
                counts.GetProperty(JsonLinesFormat.AnsweringMachineType).GetInt64(),
                counts.GetProperty(JsonLinesFormat.CampaignType).GetInt64(),
                counts.GetProperty(JsonLinesFormat.DailyStatisticsType).GetInt64()),
            ReadFile(root.GetProperty("dataFile")),
            extras,
            root.GetProperty("version").GetInt32());
    }

    private static StoreBackupFile ReadFile(JsonElement e) => new(
        e.GetProperty("name").GetString() ?? throw new FormatException("a file name is null."),
        e.GetProperty("sha256").GetString() ?? throw new FormatException("a sha256 is null."),
        e.GetProperty("length").GetInt64());

    [GeneratedRegex(@"^backup_\d{8}T\d{9}Z(_\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupName();
}

/// <summary>
/// A backup failed verification (a missing or unreadable manifest, a changed, truncated or missing file, counts that
/// do not match). <see cref="Location"/> names the file; nothing was restored.
/// </summary>
public sealed class StoreBackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreBackupException(string location, string message, Exception? innerException = null)
        : base($"Backup check failed at {location}: {message}", innerException)
    {
        Location = location;
    }

    /// <summary>Creates the exception.</summary>
    public StoreBackupException()
        : base("Backup check failed.")
    {
        Location = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    public StoreBackupException(string message)
        : base(message)
    {
        Location = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    public StoreBackupException(string message, Exception innerException)
        : base(message, innerException)
    {
        Location = "(unknown)";
    }

    /// <summary>The file or directory that does not match, e.g. <c>backups/backup_20250309T140000123Z/data.jsonl</c>.</summary>
    public string Location { get; }
}
