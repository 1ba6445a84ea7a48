using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dialer.Samples.Console.Hosting;

/// <summary>What <c>dialer backup list</c> shows of one backup (read from its manifests, without verifying).</summary>
internal sealed record BackupInfo(string Name, string Directory, string CreatedAt, int SchemaVersion, long Rows, long Bytes, bool HasConfiguration);

/// <summary>
/// The host's backups of a SQLite data directory: <c>&lt;data&gt;/backups/backup_&lt;UTC&gt;/</c> holds the store's
/// online copy with its manifest (<see cref="SqliteBackup"/>: schema version, row counts, SHA-256) plus
/// <c>dialer.json</c> and <c>dialer.json.sha256</c> (<c>sha256sum</c> format), so a restore brings back the holidays
/// and rules, not defaults. A backup is assembled in a staging directory and only gets its <c>backup_</c> name when
/// complete; a restore verifies everything first and changes nothing when any check fails.
/// </summary>
internal static class HostBackup
{
    public const string BackupsDirectoryName = "backups";
    public const string ConfigChecksumFileName = DataDirectory.ConfigFileName + ".sha256";
    public const string PreviousDatabaseSuffix = ".bak";

    /// <summary>Creates a backup of the store and configuration, then keeps the newest <paramref name="keep"/>; returns the new directory.</summary>
    public static string Create(DataDirectory data, SqliteDialerStore store, int keep, TimeProvider timeProvider)
    {
        var backups = BackupsPath(data);
        var configBytes = File.ReadAllBytes(data.ConfigPath);
        Directory.CreateDirectory(backups);
        var staging = Path.Combine(backups, ".staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            var made = SqliteBackup.Create(store, staging, keepLast: 1, timeProvider);
            WriteDurably(Path.Combine(made, DataDirectory.ConfigFileName), configBytes);
            WriteDurably(Path.Combine(made, ConfigChecksumFileName), Encoding.ASCII.GetBytes($"{Sha256(configBytes)}  {DataDirectory.ConfigFileName}\n"));

            var name = Path.GetFileName(made);
            var target = Path.Combine(backups, name);
            for (var n = 1; Directory.Exists(target); n++)
            {
                target = Path.Combine(backups, name + "_" + n.ToString(CultureInfo.InvariantCulture));
            }

            // The backup_ name appears only once the database, its manifest and the configuration are all in place.
            Directory.Move(made, target);
            Prune(backups, keep);
            return target;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The backups, oldest first.</summary>
    public static IReadOnlyList<string> List(DataDirectory data) => SqliteBackup.List(BackupsPath(data));

    /// <summary>Resolves NAME: a backup's name under <c>&lt;data&gt;/backups</c>, or a path to a backup directory (e.g. one copied from another machine).</summary>
    public static string Resolve(DataDirectory data, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException($"NAME '{name}' must name a backup (see `dialer backup list`).");
        }

        var looksLikePath = name.Contains('/', StringComparison.Ordinal) || name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name is "." or "..";
        var directory = looksLikePath ? Path.GetFullPath(name) : Path.Combine(BackupsPath(data), name);
        if (!Directory.Exists(directory))
        {
            throw new UsageException(looksLikePath
                ? $"NAME '{name}' is not a directory."
                : $"NAME '{name}' names no backup in {BackupsPath(data)} (see `dialer backup list`).");
        }

        return directory;
    }

    /// <summary>Verifies the store copy against its manifest and <c>dialer.json</c> against its checksum; returns the configuration's bytes.</summary>
    /// <exception cref="UsageException">The backup is incomplete or does not match its manifests; the message says which file and how.</exception>
    public static (SqliteBackupManifest Manifest, byte[] Configuration) Verify(string backupDirectory)
    {
        SqliteBackupManifest manifest;
        try
        {
            manifest = SqliteBackup.Verify(backupDirectory);
        }
        catch (StoreCorruptionException ex)
        {
            throw new UsageException($"backup {Path.GetFileName(backupDirectory)} failed verification: {ex.Message}");
        }
        catch (SqliteException ex)
        {
            throw new UsageException($"backup {Path.GetFileName(backupDirectory)} failed verification: its database cannot be read ({ex.Message}).");
        }

        return (manifest, VerifyConfiguration(backupDirectory));
    }

    /// <summary>
    /// Restores a verified backup: the current <c>dialer.db</c> is copied to <c>dialer.db.bak</c> and the current
    /// <c>dialer.json</c> kept as <c>dialer.json.bak</c>, then the backup's database and configuration replace them.
    /// No store may have the database open.
    /// </summary>
    public static SqliteBackupManifest Restore(DataDirectory data, string backupDirectory)
    {
        var (_, configuration) = Verify(backupDirectory);
        Directory.CreateDirectory(data.Path);

        // Prepare the configuration first (flushed to disk), so after the database is restored only a rename is left.
        var tempConfig = data.ConfigPath + ".restore.tmp";
        WriteDurably(tempConfig, configuration);
        try
        {
            if (File.Exists(data.DatabasePath))
            {
                // A consistent copy of the current store (WAL included), so a wrong restore can be undone.
                var previous = data.DatabasePath + PreviousDatabaseSuffix;
                File.Delete(previous);
                using var source = OpenFile(data.DatabasePath, SqliteOpenMode.ReadOnly);
                using var copy = OpenFile(previous, SqliteOpenMode.ReadWriteCreate);
                source.BackupDatabase(copy);
            }

            var manifest = SqliteBackup.Restore(backupDirectory, data.DatabasePath);
            if (File.Exists(data.ConfigPath))
            {
                File.Replace(tempConfig, data.ConfigPath, data.PreviousConfigPath);
            }
            else
            {
                File.Move(tempConfig, data.ConfigPath);
            }

            return manifest;
        }
        finally
        {
            File.Delete(tempConfig);
        }
    }

    /// <summary>Reads a backup's manifests without verifying the copy (for listing).</summary>
    public static BackupInfo Describe(string backupDirectory)
    {
        var name = Path.GetFileName(backupDirectory);
        var createdAt = "?";
        var schema = 0;
        long rows = 0;
        long bytes = 0;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(backupDirectory, SqliteBackup.ManifestFileName)));
            var root = document.RootElement;
            var created = root.GetProperty("createdAt").GetString() ?? "?";
            createdAt = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : created;
            schema = root.GetProperty("schemaVersion").GetInt32();
            foreach (var table in root.GetProperty("rowCounts").EnumerateObject())
            {
                rows += table.Value.GetInt64();
            }

            var file = new FileInfo(Path.Combine(backupDirectory, root.GetProperty("file").GetString() ?? DataDirectory.DatabaseFileName));
            bytes = file.Exists ? file.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            createdAt = "unreadable manifest";
        }

        return new BackupInfo(name, backupDirectory, createdAt, schema, rows, bytes, File.Exists(Path.Combine(backupDirectory, DataDirectory.ConfigFileName)));
    }

    public static string BackupsPath(DataDirectory data) => Path.Combine(data.Path, BackupsDirectoryName);

    private static byte[] VerifyConfiguration(string backupDirectory)
    {
        var name = Path.GetFileName(backupDirectory);
        var configPath = Path.Combine(backupDirectory, DataDirectory.ConfigFileName);
        var checksumPath = Path.Combine(backupDirectory, ConfigChecksumFileName);
        if (!File.Exists(configPath) || !File.Exists(checksumPath))
        {
            throw new UsageException($"backup {name} failed verification: {(File.Exists(configPath) ? ConfigChecksumFileName : DataDirectory.ConfigFileName)} is missing, so the configuration cannot be restored.");
        }

        var line = File.ReadAllText(checksumPath, Encoding.ASCII).Trim();
        var expected = line.Split(' ', 2)[0];
        var bytes = File.ReadAllBytes(configPath);
        var actual = Sha256(bytes);
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"backup {name} failed verification: {configPath}: the SHA-256 is {actual}; {ConfigChecksumFileName} says {expected}.");
        }

        return bytes;
    }

    private static void Prune(string backups, int keep)
    {
        var all = SqliteBackup.List(backups);
        for (var i = 0; i < all.Count - keep; i++)
        {
            Directory.Delete(all[i], recursive: true);
        }
    }

    private static SqliteConnection OpenFile(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
