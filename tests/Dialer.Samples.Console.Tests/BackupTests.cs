using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Dialer.Samples.Console.Tests;

public sealed partial class BackupTests : IDisposable
{
    private const string Listed = "+13125550199";
    private const string AddedLater = "+14155550142";
    private const string OpenInstant = "2026-03-02T18:00:00Z";
    private const string Christmas = "2026-12-25";
    private const string OnChristmas = "2026-12-25T18:00:00Z";
    private readonly DialerProcess _dialer = new();
    private readonly DialerProcess _other = new();

    public void Dispose()
    {
        _dialer.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void Restore_AfterDncAndBlackoutChanges_BringsBackTheBackupsStoreAndConfiguration()
    {
        Ok(_dialer.Run("dnc", "add", Listed));
        var name = CreateBackup(_dialer);
        var configAtBackup = File.ReadAllBytes(_dialer.ConfigPath);

        Ok(_dialer.Run("dnc", "add", AddedLater));
        Ok(_dialer.Run("config", "blackout", "add", Christmas));
        var configChanged = File.ReadAllBytes(_dialer.ConfigPath);
        Assert.Equal(3, _dialer.Run("check", "--phone", AddedLater, "--at", OpenInstant, "--json").ExitCode);

        var restore = _dialer.Run("backup", "restore", name);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(configAtBackup, File.ReadAllBytes(_dialer.ConfigPath));
        Assert.Equal(configChanged, File.ReadAllBytes(_dialer.ConfigPath + ".bak"));
        Assert.True(File.Exists(_dialer.DatabasePath + ".bak"), "the previous dialer.db is kept as dialer.db.bak");
        Assert.Equal(3, _dialer.Run("check", "--phone", Listed, "--at", OpenInstant, "--json").ExitCode);
        Assert.Equal(0, _dialer.Run("check", "--phone", AddedLater, "--at", OpenInstant, "--json").ExitCode);
        Assert.Equal(0, _dialer.Run("check", "--phone", AddedLater, "--at", OnChristmas, "--json").ExitCode);
        var list = _dialer.Run("dnc", "list");
        Assert.Contains(Listed, list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(AddedLater, list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_FromABackupDirectoryIntoAFreshDataDirectory_BringsItsHolidaysAndDnc()
    {
        Ok(_dialer.Run("config", "blackout", "add", Christmas));
        Ok(_dialer.Run("dnc", "add", Listed));
        var name = CreateBackup(_dialer);
        var backupDir = Path.Combine(_dialer.DataDir, "backups", name);

        var restore = _other.Run("backup", "restore", backupDir);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(File.ReadAllBytes(_dialer.ConfigPath), File.ReadAllBytes(_other.ConfigPath));
        var christmas = _other.Run("check", "--phone", "+12125550123", "--at", OnChristmas, "--json");
        Assert.Equal(3, christmas.ExitCode);
        Assert.Contains("window.blackout", christmas.Stdout, StringComparison.Ordinal);
        Assert.Contains("protection.do_not_call", _other.Run("check", "--phone", Listed, "--at", OpenInstant, "--json").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TamperedDatabaseCopy_FailsAndRestoreRefusesWithNothingChanged()
    {
        Ok(_dialer.Run("dnc", "add", Listed));
        var name = CreateBackup(_dialer);
        Ok(_dialer.Run("dnc", "add", AddedLater));
        var copy = Path.Combine(_dialer.DataDir, "backups", name, "dialer.db");
        FlipLastByte(copy);
        var before = Snapshot(_dialer);

        var verify = _dialer.Run("backup", "verify");
        var restore = _dialer.Run("backup", "restore", name);

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains($"{name}  FAILED", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains($"backup {name} failed verification", verify.Stderr, StringComparison.Ordinal);
        Assert.Contains("SHA-256", verify.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, restore.ExitCode);
        Assert.Contains($"backup {name} failed verification", restore.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(_dialer));
        Assert.False(File.Exists(_dialer.DatabasePath + ".bak"), "a refused restore must not even take the .bak copy");
        Assert.Equal(3, _dialer.Run("check", "--phone", AddedLater, "--at", OpenInstant, "--json").ExitCode);
    }

    [Fact]
    public void Verify_TamperedConfiguration_FailsNamingTheFileAndRestoreRefuses()
    {
        var name = CreateBackup(_dialer);
        var config = Path.Combine(_dialer.DataDir, "backups", name, "dialer.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("21:00", "23:30", StringComparison.Ordinal));
        Ok(_dialer.Run("config", "blackout", "add", Christmas));
        var before = Snapshot(_dialer);

        var verify = _dialer.Run("backup", "verify", name);
        var restore = _dialer.Run("backup", "restore", name);

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("dialer.json: the SHA-256 is", verify.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, restore.ExitCode);
        Assert.Equal(before, Snapshot(_dialer));
    }

    [Fact]
    public void Verify_BackupWithoutItsConfiguration_Fails()
    {
        var name = CreateBackup(_dialer);
        File.Delete(Path.Combine(_dialer.DataDir, "backups", name, "dialer.json"));

        var verify = _dialer.Run("backup", "verify", name);

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("dialer.json is missing", verify.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_IntactBackups_ExitsZeroListingEach()
    {
        var first = CreateBackup(_dialer);
        Ok(_dialer.Run("dnc", "add", Listed));
        var second = CreateBackup(_dialer);

        var verify = _dialer.Run("backup", "verify");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"{first}  ok", verify.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{second}  ok", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_Keep_PrunesTheOldest()
    {
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            names.Add(CreateBackup(_dialer));
        }

        var pruned = _dialer.Run("backup", "--keep", "2");
        var newest = CreatedName(pruned);

        var remaining = Directory.GetDirectories(Path.Combine(_dialer.DataDir, "backups")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal([names[2], newest], remaining);
        var list = _dialer.Run("backup", "list");
        Assert.Contains("2 backup(s)", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(names[0], list.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--keep '0' must be at least 1", "backup", "--keep", "0")]
    [InlineData("'x' for option '--keep'", "backup", "--keep", "x")]
    [InlineData("NAME 'nope' names no backup", "backup", "restore", "nope")]
    [InlineData("NAME 'nope' names no backup", "backup", "verify", "nope")]
    [InlineData("no backup in", "backup", "verify")]
    [InlineData("--store 'memory'", "--store", "memory", "backup")]
    public void Backup_BadInput_ExitsTwoNamingTheArgument(string message, params string[] args)
    {
        var result = _dialer.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dialer.DataDir, "backups")) && Directory.GetDirectories(Path.Combine(_dialer.DataDir, "backups")).Length > 0, "bad input must create no backup");
    }

    [Fact]
    public void Restore_CorruptCurrentConfiguration_StillRestoresAndKeepsTheCorruptFileAsBak()
    {
        var name = CreateBackup(_dialer);
        var good = File.ReadAllBytes(_dialer.ConfigPath);
        File.WriteAllText(_dialer.ConfigPath, "{ not json");

        var restore = _dialer.Run("backup", "restore", name);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(good, File.ReadAllBytes(_dialer.ConfigPath));
        Assert.Equal("{ not json", File.ReadAllText(_dialer.ConfigPath + ".bak"));
    }

    [Fact]
    public void Restore_WhileAnotherProcessHoldsTheDatabaseOpen_ExitsTwoWithNothingChanged()
    {
        var name = CreateBackup(_dialer);
        Ok(_dialer.Run("dnc", "add", Listed));
        var before = Snapshot(_dialer);

        RunResult restore;
        using (var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_dialer.DatabasePath};Pooling=False"))
        {
            // Like a running host: an open WAL connection that has read the database.
            holder.Open();
            using var read = holder.CreateCommand();
            read.CommandText = "SELECT COUNT(*) FROM blocks";
            read.ExecuteScalar();
            restore = _dialer.Run("backup", "restore", name);
        }

        Assert.Equal(2, restore.ExitCode);
        Assert.Contains("is open in another process", restore.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(_dialer));
        Assert.False(File.Exists(_dialer.ConfigPath + ".restore.tmp"), "the staged configuration is removed");
        Assert.True(_dialer.Run("backup", "restore", name).ExitCode == 0, "once the other process is gone the restore goes ahead");
    }

    [Fact]
    public void Backup_CorruptConfiguration_ExitsTwoAndTakesNoBackup_FileLeftAsItWas()
    {
        Ok(_dialer.Run("dnc", "list"));
        File.WriteAllText(_dialer.ConfigPath, "{ \"Scheduling\": ");

        var result = _dialer.Run("backup");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("dialer.json is not valid JSON", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("{ \"Scheduling\": ", File.ReadAllText(_dialer.ConfigPath));
        Assert.False(Directory.Exists(Path.Combine(_dialer.DataDir, "backups")) && Directory.EnumerateFileSystemEntries(Path.Combine(_dialer.DataDir, "backups")).Any(), "no backup may be taken");
    }

    internal static string CreateBackup(DialerProcess dialer)
    {
        var result = dialer.Run("backup");
        Assert.True(result.ExitCode == 0, result.ToString());
        return CreatedName(result);
    }

    private static string CreatedName(RunResult result)
    {
        var match = CreatedLine().Match(result.Stdout);
        Assert.True(match.Success, result.ToString());
        return match.Groups[1].Value;
    }

    private static void Ok(RunResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static void FlipLastByte(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0x5A;
        File.WriteAllBytes(file, bytes);
    }

    private static string Snapshot(DialerProcess dialer) =>
        string.Join(';', new[] { dialer.DatabasePath, dialer.ConfigPath }.Select(f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

    [GeneratedRegex(@"Created backup (backup_\S+) in ")]
    private static partial Regex CreatedLine();
}
