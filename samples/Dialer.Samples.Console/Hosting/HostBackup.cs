using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dialer.Samples.Console.Hosting;

/// <summary>What <c>dialer backup list</c> shows of one backup (read from its manifests, without verifying).</summary>
internal sealed record BackupInfo(string Name, string Directory, int SchemaVersion, long Rows, long Bytes, bool HasConfiguration);

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
    public const string PostgresBackupsDirectoryName = "backups-postgres";
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
    public static IReadOnlyList<string> List(DataDirectory data, StoreKind store = StoreKind.Sqlite) =>
        store == StoreKind.Postgres ? StoreBackup.List(BackupsPath(data, store)) : SqliteBackup.List(BackupsPath(data, store));

    /// <summary>Resolves NAME: a backup's name under <c>&lt;data&gt;/backups</c>, or a path to a backup directory (e.g. one copied from another machine).</summary>
    public static string Resolve(DataDirectory data, StoreKind store, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UsageException($"NAME '{name}' must name a backup (see `dialer backup list`).");
        }

        var looksLikePath = name.Contains('/', StringComparison.Ordinal) || name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name is "." or "..";
        var directory = looksLikePath ? Path.GetFullPath(name) : Path.Combine(BackupsPath(data, store), name);
        if (!Directory.Exists(directory))
        {
            throw new UsageException(looksLikePath
                ? $"NAME '{name}' is not a directory."
                : $"NAME '{name}' names no backup in {BackupsPath(data, store)} (see `dialer backup list`).");
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
        EnsureNotInUse(data);

        // Prepare the configuration first (flushed to disk), so after the database is restored only a rename is left.
        var staged = StageConfiguration(data, configuration);
        try
        {
            KeepPreviousDatabase(data);
            var manifest = SqliteBackup.Restore(backupDirectory, data.DatabasePath);
            SwapConfiguration(data, staged);
            return manifest;
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>Reads a backup's manifests without verifying the copy (for listing).</summary>
    public static BackupInfo Describe(string backupDirectory)
    {
        var name = Path.GetFileName(backupDirectory);
        var schema = 0;
        long rows = 0;
        long bytes = 0;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(backupDirectory, SqliteBackup.ManifestFileName)));
            var root = document.RootElement;
            schema = root.TryGetProperty("schemaVersion", out var version) ? version.GetInt32() : 0;
            foreach (var table in root.GetProperty("rowCounts").EnumerateObject())
            {
                rows += table.Value.GetInt64();
            }

            var fileName = root.TryGetProperty("file", out var f) ? f.GetString()
                : root.TryGetProperty("dataFile", out var d) ? d.GetProperty("name").GetString()
                : null;
            var file = new FileInfo(Path.Combine(backupDirectory, Path.GetFileName(fileName ?? DataDirectory.DatabaseFileName)));
            bytes = file.Exists ? file.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // An unreadable manifest lists as schema 0, 0 rows; `backup verify` says what is wrong.
        }

        return new BackupInfo(name, backupDirectory, schema, rows, bytes, File.Exists(Path.Combine(backupDirectory, DataDirectory.ConfigFileName)));
    }

    /// <summary>Where the store's backups live: <c>backups/</c> (SQLite file copies) or <c>backups-postgres/</c> (logical backups of PostgreSQL).</summary>
    public static string BackupsPath(DataDirectory data, StoreKind store = StoreKind.Sqlite) =>
        Path.Combine(data.Path, store == StoreKind.Postgres ? PostgresBackupsDirectoryName : BackupsDirectoryName);

    /// <summary>True for a provider-neutral backup (<c>data.jsonl</c>, <see cref="StoreBackup"/>), false for a SQLite file copy.</summary>
    public static bool IsLogical(string backupDirectory) => File.Exists(Path.Combine(backupDirectory, StoreBackup.DataFileName));

    /// <summary>A logical backup of any store (<see cref="StoreBackup"/>: <c>data.jsonl</c>, manifest with checksums) with <c>dialer.json</c> as an extra file.</summary>
    public static Task<string> CreateLogicalAsync(DataDirectory data, StoreKind store, IStoreDataAccess access, IStoreMaintenance? maintenance, int keep, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        StoreBackup.CreateAsync(access, maintenance, BackupsPath(data, store), keep, [data.ConfigPath], timeProvider, cancellationToken);

    /// <summary>Verifies either kind of backup; returns a one-line summary and the configuration's bytes.</summary>
    public static async Task<(string Summary, byte[] Configuration)> VerifyAnyAsync(string backupDirectory, CancellationToken cancellationToken)
    {
        if (!IsLogical(backupDirectory))
        {
            var (manifest, configuration) = Verify(backupDirectory);
            return ($"sqlite file copy, schema {manifest.SchemaVersion}, {Inputs.Number(manifest.RowCounts.Values.Sum())} rows", configuration);
        }

        var name = Path.GetFileName(backupDirectory);
        StoreBackupManifest logical;
        try
        {
            logical = await StoreBackup.VerifyAsync(backupDirectory, cancellationToken);
        }
        catch (StoreBackupException ex)
        {
            throw new UsageException($"backup {name} failed verification: {ex.Message}");
        }

        if (!logical.ExtraFiles.Any(f => string.Equals(f.Name, DataDirectory.ConfigFileName, StringComparison.Ordinal)))
        {
            throw new UsageException($"backup {name} failed verification: its manifest lists no {DataDirectory.ConfigFileName}, so the configuration cannot be restored.");
        }

        var bytes = File.ReadAllBytes(Path.Combine(backupDirectory, DataDirectory.ConfigFileName));
        return ($"{logical.Provider} logical backup, {Inputs.Number(logical.Counts.Total)} rows", bytes);
    }

    /// <summary>
    /// Refuses (exit 2) when another process has <c>dialer.db</c> open: a running store keeps a connection, and in WAL
    /// mode any open connection keeps this probe from taking SQLite's exclusive lock. A process that starts after the
    /// probe is not detected; stop every host before restoring.
    /// </summary>
    public static void EnsureNotInUse(DataDirectory data)
    {
        if (!File.Exists(data.DatabasePath))
        {
            return;
        }

        try
        {
            using var probe = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = data.DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 1 }.ToString());
            probe.Open();
            // One statement at a time: the pragma must run before anything reads the file (and so joins the WAL).
            foreach (var statement in (string[])["PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "SELECT COUNT(*) FROM sqlite_master", "COMMIT"])
            {
                using var command = probe.CreateCommand();
#pragma warning disable CA2100 // Constant statements.
                command.CommandText = statement;
#pragma warning restore CA2100
                command.ExecuteNonQuery();
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw new UsageException($"{data.DatabasePath} is open in another process (a running dialer or host); stop it before restoring. Nothing changed.");
        }
    }

    /// <summary>Copies the current <c>dialer.db</c> (WAL included) to <c>dialer.db.bak</c> when it exists; no store may have it open.</summary>
    public static void KeepPreviousDatabase(DataDirectory data)
    {
        if (!File.Exists(data.DatabasePath))
        {
            return;
        }

        var previous = data.DatabasePath + PreviousDatabaseSuffix;
        File.Delete(previous);
        using var source = OpenFile(data.DatabasePath, SqliteOpenMode.ReadOnly);
        using var copy = OpenFile(previous, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(copy);
    }

    /// <summary>Writes the configuration to a temporary file next to <c>dialer.json</c>, flushed to disk; returns its path.</summary>
    public static string StageConfiguration(DataDirectory data, byte[] configuration)
    {
        Directory.CreateDirectory(data.Path);
        var temp = data.ConfigPath + ".restore.tmp";
        WriteDurably(temp, configuration);
        return temp;
    }

    /// <summary>Swaps a staged configuration in, keeping the previous file as <c>dialer.json.bak</c>.</summary>
    public static void SwapConfiguration(DataDirectory data, string staged)
    {
        if (File.Exists(data.ConfigPath))
        {
            File.Replace(staged, data.ConfigPath, data.PreviousConfigPath);
        }
        else
        {
            File.Move(staged, data.ConfigPath);
        }
    }

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
