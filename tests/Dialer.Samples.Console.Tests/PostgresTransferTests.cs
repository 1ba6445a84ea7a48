namespace Dialer.Samples.Console.Tests;

/// <summary>SQLite to PostgreSQL through export/import, and logical backups of PostgreSQL (needs <c>DIALER_TEST_POSTGRES</c>; fails without it).</summary>
public sealed partial class TransferTests
{
    [Fact]
    public void Postgres_ExportFromSqlite_ImportIntoPostgres_BackupVerifyRestore()
    {
        using var database = TempPostgresDatabase.Create();
        string[] pg = ["--store", "postgres", "--connection", database.ConnectionString];
        var fullExport = SimulateAndExport();
        Assert.Equal(0, _source.Run("config", "blackout", "add", "2026-12-25").ExitCode);

        // SQLite -> PostgreSQL through the JSON-lines file.
        var import = _target.Run([.. pg, "import", fullExport]);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("protection.do_not_call", _target.Run([.. pg, "check", "--phone", Listed, "--at", OpenInstant, "--json"]).Stdout, StringComparison.Ordinal);
        Assert.Contains("100 / 100 leads (100.0 %)", _target.Run([.. pg, "campaign", "status", "sim"]).Stdout, StringComparison.Ordinal);
        var pgExport = Path.Combine(_out, "pg");
        Assert.Equal(0, _target.Run([.. pg, "export", "--from", "2026-03-02", "--to", "2026-03-02", "--out", pgExport, "--full"]).ExitCode);
        Assert.Equal(Records(fullExport), Records(Path.Combine(pgExport, "dialer-data.jsonl")));

        // A logical backup of PostgreSQL carries the target's dialer.json; a restore brings both back.
        File.Copy(_source.ConfigPath, _target.ConfigPath, overwrite: true);
        var configAtBackup = File.ReadAllBytes(_target.ConfigPath);
        var backup = _target.Run([.. pg, "backup"]);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var name = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(_target.DataDir, "backups-postgres"))));
        Assert.Equal(0, _target.Run([.. pg, "dnc", "add", OnlyInTarget]).ExitCode);
        Assert.Equal(0, _target.Run([.. pg, "config", "blackout", "remove", "2026-12-25"]).ExitCode);

        var verify = _target.Run([.. pg, "backup", "verify"]);
        var restore = _target.Run([.. pg, "backup", "restore", name]);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(configAtBackup, File.ReadAllBytes(_target.ConfigPath));
        var list = _target.Run([.. pg, "dnc", "list"]).Stdout;
        Assert.DoesNotContain(OnlyInTarget, list, StringComparison.Ordinal);
        Assert.Contains(Listed, list, StringComparison.Ordinal);

        // The logical backup also restores into SQLite on another machine; a SQLite file backup is refused by PostgreSQL.
        using (var sqlite = new DialerProcess())
        {
            var intoSqlite = sqlite.Run("backup", "restore", Path.Combine(_target.DataDir, "backups-postgres", name));
            Assert.True(intoSqlite.ExitCode == 0, intoSqlite.ToString());
            Assert.Equal(configAtBackup, File.ReadAllBytes(sqlite.ConfigPath));
            Assert.Contains("100 / 100 leads (100.0 %)", sqlite.Run("campaign", "status", "sim").Stdout, StringComparison.Ordinal);
        }

        var fileBackup = BackupTests.CreateBackup(_source);
        var refusedFile = _target.Run([.. pg, "backup", "restore", Path.Combine(_source.DataDir, "backups", fileBackup)]);
        Assert.Equal(2, refusedFile.ExitCode);
        Assert.Contains("is a SQLite file backup", refusedFile.Stderr, StringComparison.Ordinal);

        // A tampered backup is refused and nothing changes.
        var data = Path.Combine(_target.DataDir, "backups-postgres", name, "data.jsonl");
        File.WriteAllText(data, File.ReadAllText(data).Replace(Listed, "+13125550198", StringComparison.Ordinal));
        Assert.Equal(0, _target.Run([.. pg, "dnc", "add", OnlyInTarget]).ExitCode);
        var tamperedVerify = _target.Run([.. pg, "backup", "verify", name]);
        var refused = _target.Run([.. pg, "backup", "restore", name]);
        Assert.Equal(2, tamperedVerify.ExitCode);
        Assert.Contains($"backup {name} failed verification", tamperedVerify.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(OnlyInTarget, _target.Run([.. pg, "dnc", "list"]).Stdout, StringComparison.Ordinal);
    }
}
