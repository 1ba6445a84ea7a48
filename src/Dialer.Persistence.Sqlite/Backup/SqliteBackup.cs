using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Dialer.Persistence.Sqlite;

/// <summary>What a backup directory holds: the schema version, the row count of every table and the file's checksum.</summary>
/// <param name="SchemaVersion">The schema version of the copied database.</param>
/// <param name="CreatedAt">When the backup was taken (UTC, ISO 8601).</param>
/// <param name="FileName">The database file's name inside the backup directory.</param>
/// <param name="Sha256">The SHA-256 of the database file, lower-case hex.</param>
/// <param name="RowCounts">Rows per table.</param>
public sealed record SqliteBackupManifest(int SchemaVersion, string CreatedAt, string FileName, string Sha256, IReadOnlyDictionary<string, long> RowCounts);

/// <summary>
/// Backups of a SQLite store: a consistent copy taken with SQLite's online backup API while the host runs, into
/// <c>backup_&lt;UTC timestamp&gt;/</c> under a backups directory, with a <c>manifest.json</c> (schema version, row
/// counts per table, SHA-256 of the file); the last N are kept. Restore verifies the manifest first and touches nothing
/// when it does not match.
/// </summary>
public static class SqliteBackup
{
    /// <summary>The default number of backups kept.</summary>
    public const int DefaultKeepLast = 10;

    /// <summary>The name of the manifest file in a backup directory.</summary>
    public const string ManifestFileName = "manifest.json";

    private const string DatabaseFileName = "dialer.db";

    /// <summary>
    /// Copies <paramref name="store"/>'s database into a new <c>backup_&lt;UTC timestamp&gt;</c> directory under
    /// <paramref name="backupsDirectory"/> (created if missing), writes its manifest, and deletes the oldest backups so
    /// that <paramref name="keepLast"/> remain.
    /// </summary>
    /// <returns>The new backup's directory.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepLast"/> is less than 1.</exception>
    public static string Create(SqliteDialerStore store, string backupsDirectory, int keepLast = DefaultKeepLast, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(backupsDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        Directory.CreateDirectory(backupsDirectory);
        var directory = Path.Combine(backupsDirectory, "backup_" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture));
        for (var n = 1; Directory.Exists(directory); n++)
        {
            directory = Path.Combine(backupsDirectory, "backup_" + now.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "_" + n.ToString(CultureInfo.InvariantCulture));
        }

        var staging = directory + ".partial";
        Directory.CreateDirectory(staging);
        var file = Path.Combine(staging, DatabaseFileName);
        store.BackupTo(file);
        var manifest = new SqliteBackupManifest(ReadVersion(file), now.ToString("O", CultureInfo.InvariantCulture), DatabaseFileName, Sha256(file), CountRows(file));
        WriteManifest(Path.Combine(staging, ManifestFileName), manifest);

        // Only a complete backup gets its final name, so a crash mid-backup never leaves a directory that looks valid.
        Directory.Move(staging, directory);
        Prune(backupsDirectory, keepLast);
        return directory;
    }

    /// <summary>Checks a backup against its manifest: checksum, schema version and row counts.</summary>
    /// <returns>The manifest.</returns>
    /// <exception cref="StoreCorruptionException">The manifest is missing or unreadable, or the copy does not match it; the message says how.</exception>
    public static SqliteBackupManifest Verify(string backupDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupDirectory);
        var manifestPath = Path.Combine(backupDirectory, ManifestFileName);
        SqliteBackupManifest manifest;
        try
        {
            manifest = ReadManifest(manifestPath);
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StoreCorruptionException(manifestPath, "the backup manifest is missing or unreadable: " + ex.Message, ex);
        }

        var file = Path.Combine(backupDirectory, manifest.FileName);
        if (manifest.FileName.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            throw new StoreCorruptionException(file, "the backup's database file is missing.");
        }

        var actualSha = Sha256(file);
        if (!string.Equals(actualSha, manifest.Sha256, StringComparison.Ordinal))
        {
            throw new StoreCorruptionException(file, $"the SHA-256 is {actualSha}; the manifest says {manifest.Sha256}.");
        }

        var version = ReadVersion(file);
        if (version != manifest.SchemaVersion)
        {
            throw new StoreCorruptionException(file, $"schema version {version}; the manifest says {manifest.SchemaVersion}.");
        }

        var counts = CountRows(file);
        foreach (var (table, expected) in manifest.RowCounts)
        {
            if (!counts.TryGetValue(table, out var actual))
            {
                throw new StoreCorruptionException($"{file}: {table}", $"the table is missing; the manifest says {expected} rows.");
            }

            if (actual != expected)
            {
                throw new StoreCorruptionException($"{file}: {table}", $"{actual} rows; the manifest says {expected}.");
            }
        }

        return manifest;
    }

    /// <summary>
    /// Restores the backup in <paramref name="backupDirectory"/> into the database at <paramref name="targetPath"/>
    /// (which no store may have open): verifies the manifest first (nothing is touched when it does not match), then
    /// copies the backup over the target with the online backup API.
    /// </summary>
    /// <returns>The verified manifest.</returns>
    /// <exception cref="StoreCorruptionException">The backup does not match its manifest; the target is unchanged.</exception>
    public static SqliteBackupManifest Restore(string backupDirectory, string targetPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetPath);
        var manifest = Verify(backupDirectory);
        using var source = Open(Path.Combine(backupDirectory, manifest.FileName), SqliteOpenMode.ReadOnly);
        using var target = Open(targetPath, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(target);
        return manifest;
    }

    /// <summary>The backup directories under <paramref name="backupsDirectory"/>, oldest first.</summary>
    public static IReadOnlyList<string> List(string backupsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupsDirectory);
        if (!Directory.Exists(backupsDirectory))
        {
            return [];
        }

        var dirs = Directory.GetDirectories(backupsDirectory, "backup_*")
            .Where(d => !d.EndsWith(".partial", StringComparison.Ordinal))
            .ToList();
        dirs.Sort(StringComparer.Ordinal);
        return dirs;
    }

    private static void Prune(string backupsDirectory, int keepLast)
    {
        var all = List(backupsDirectory);
        for (var i = 0; i < all.Count - keepLast; i++)
        {
            Directory.Delete(all[i], recursive: true);
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static int ReadVersion(string file)
    {
        using var connection = Open(file, SqliteOpenMode.ReadOnly);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, long> CountRows(string file)
    {
        using var connection = Open(file, SqliteOpenMode.ReadOnly);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        // A backup taken by an older schema version lacks the tables later migrations add: count what the file has;
        // Verify compares against the tables its manifest lists.
        foreach (var table in SqliteSchema.DataTables)
        {
            if (!present.Contains(table))
            {
                continue;
            }

            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Table names are this schema's constants.
            command.CommandText = "SELECT COUNT(*) FROM " + table;
#pragma warning restore CA2100
            counts[table] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        return counts;
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void WriteManifest(string path, SqliteBackupManifest manifest)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("provider", "sqlite");
        writer.WriteNumber("schemaVersion", manifest.SchemaVersion);
        writer.WriteString("createdAt", manifest.CreatedAt);
        writer.WriteString("file", manifest.FileName);
        writer.WriteString("sha256", manifest.Sha256);
        writer.WriteStartObject("rowCounts");
        foreach (var (table, count) in manifest.RowCounts)
        {
            writer.WriteNumber(table, count);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    private static SqliteBackupManifest ReadManifest(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("rowCounts").EnumerateObject())
        {
            counts[property.Name] = property.Value.GetInt64();
        }

        return new SqliteBackupManifest(
            root.GetProperty("schemaVersion").GetInt32(),
            root.GetProperty("createdAt").GetString() ?? string.Empty,
            root.GetProperty("file").GetString() ?? DatabaseFileName,
            root.GetProperty("sha256").GetString() ?? string.Empty,
            counts);
    }
}
