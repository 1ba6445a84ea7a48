using Dialer.Protection;
using System.Text.Json.Nodes;
using Dialer.Core;
using Dialer.Persistence.Sqlite;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Persistence.Tests.Backup;

/// <summary>Provider-neutral backups of a real (SQLite) store through its <see cref="IStoreDataAccess"/>.</summary>
public sealed class StoreBackupTests : IDisposable
{
    private static readonly Instant Now = TestData.T0;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CreateAsync_WritesDataAndManifestIntoATimestampedDirectory()
    {
        var store = await SeededStoreAsync();
        var config = _dir.Combine("dialer.json");
        await File.WriteAllTextAsync(config, "{\"Dialer\":{}}");

        var backup = await StoreBackup.CreateAsync(store.Data, store, _dir.Combine("backups"), extraFiles: [config], timeProvider: TestClock.At(Now));

        Assert.Equal(_dir.Combine("backups", "backup_20250309T120000000Z"), backup);
        Assert.Equal(["data.jsonl", "dialer.json", "manifest.json"], Directory.GetFiles(backup).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")))!;
        Assert.Equal("dialer-backup", (string?)manifest["format"]);
        Assert.Equal(1, (int?)manifest["version"]);
        Assert.Equal("sqlite", (string?)manifest["provider"]);
        Assert.Equal(store.CurrentSchemaVersion, (int?)manifest["schemaVersion"]);
        Assert.Equal("2025-03-09T12:00:00Z", (string?)manifest["createdAt"]);
        Assert.Equal("""{"attempt":2,"block":2,"redial":1,"answering_machine":1,"campaign":1,"daily_statistics":1}""", manifest["rowCounts"]!.ToJsonString());
        Assert.Equal(Sha256(Path.Combine(backup, "data.jsonl")), (string?)manifest["dataFile"]!["sha256"]);
        Assert.Equal(new FileInfo(Path.Combine(backup, "data.jsonl")).Length, (long?)manifest["dataFile"]!["length"]);
        Assert.Equal("dialer.json", (string?)manifest["extraFiles"]![0]!["name"]);
        Assert.Equal(Sha256(config), (string?)manifest["extraFiles"]![0]!["sha256"]);
        Assert.Empty(Directory.GetDirectories(_dir.Combine("backups"), "*.partial"));

        var verified = await StoreBackup.VerifyAsync(backup);
        Assert.Equal(new StoreDataCounts(2, 2, 1, 1, 1, 1), verified.Counts);
        Assert.Equal(Now, verified.CreatedAt);
        Assert.Equal("dialer.json", Assert.Single(verified.ExtraFiles).Name);
    }

    [Fact]
    public async Task RestoreAsync_IntoAnotherStore_GivesTheOriginalData()
    {
        var source = await SeededStoreAsync();
        var backup = await StoreBackup.CreateAsync(source.Data, source, _dir.Combine("backups"), timeProvider: TestClock.At(Now));
        var target = _dir.OpenSqlite("target.db");
        await target.Data.ImportAsync(new StoreDataSet { Attempts = [new AttemptEntry("stale", PhoneNumber.Parse("+14155550100"), "l", "c", "k", null, Now)] }, StoreImportMode.Merge);

        var written = await StoreBackup.RestoreAsync(backup, target.Data);

        Assert.Equal(new StoreDataCounts(2, 2, 1, 1, 1, 1), written);
        TestData.AssertSame(await ReadAllAsync(source.Data), await ReadAllAsync(target.Data));
    }

    [Fact]
    public async Task RestoreAsync_StoreRefusesARow_LeavesTheTargetInItsOldState()
    {
        // The backup verifies (the format accepts an attempt from 1990), but the SQLite store refuses it on import:
        // the replace is one transaction, so the target keeps every old row and gains none of the new ones.
        var data = TestData.Sample(Now);
        var source = new MemoryStoreData(new StoreDataSet
        {
            Attempts = [.. data.Attempts, new AttemptEntry("ancient", PhoneNumber.Parse("+14155550100"), "l", "c", "k", null, Instant.FromUtc(1990, 1, 1, 0, 0))],
            Blocks = data.Blocks,
            Campaigns = data.Campaigns,
        });
        var backup = await StoreBackup.CreateAsync(source, null, _dir.Combine("backups"), timeProvider: TestClock.At(Now));
        Assert.Equal(3, (await StoreBackup.VerifyAsync(backup)).Counts.Attempts);
        var (_, target, before) = await BackupAndTargetAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => StoreBackup.RestoreAsync(backup, target.Data));
        Assert.Contains("1990", ex.Message, StringComparison.Ordinal);
        TestData.AssertSame(before, await ReadAllAsync(target.Data));
    }

    [Fact]
    public async Task CreateAsync_MoreThanKeepLast_DeletesTheOldestBackupsOnly()
    {
        var store = await SeededStoreAsync();
        var clock = TestClock.At(Now);
        var backups = _dir.Combine("backups");
        Directory.CreateDirectory(Path.Combine(backups, "backup_keep-me"));
        Directory.CreateDirectory(Path.Combine(backups, "other"));
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await StoreBackup.CreateAsync(store.Data, store, backups, keepLast: 3, timeProvider: clock));
            clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(created.Skip(2), StoreBackup.List(backups));
        Assert.True(Directory.Exists(Path.Combine(backups, "backup_keep-me")));
        Assert.True(Directory.Exists(Path.Combine(backups, "other")));
        Assert.False(Directory.Exists(created[0]));
    }

    [Fact]
    public async Task CreateAsync_TwiceInTheSameMillisecond_GetsDistinctDirectories()
    {
        var store = await SeededStoreAsync();
        var clock = TestClock.At(Now);
        var first = await StoreBackup.CreateAsync(store.Data, store, _dir.Combine("backups"), timeProvider: clock);
        var second = await StoreBackup.CreateAsync(store.Data, store, _dir.Combine("backups"), timeProvider: clock);
        Assert.Equal(first + "_1", second);
        Assert.Equal([first, second], StoreBackup.List(_dir.Combine("backups")));
    }

    [Fact]
    public async Task VerifyAndRestore_AlteredDataFile_AreRejectedAndTheTargetIsUnchanged()
    {
        var (backup, target, before) = await BackupAndTargetAsync();
        var data = Path.Combine(backup, "data.jsonl");
        var text = await File.ReadAllTextAsync(data);
        await File.WriteAllTextAsync(data, text.Replace("\"no_answer\"", "\"no_answeR\"", StringComparison.Ordinal));

        var ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.RestoreAsync(backup, target.Data));
        Assert.Equal(data, ex.Location);
        Assert.Contains($"the SHA-256 is {Sha256(data)}; the manifest says ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(the file was changed or is damaged)", ex.Message, StringComparison.Ordinal);
        TestData.AssertSame(before, await ReadAllAsync(target.Data));
    }

    [Fact]
    public async Task VerifyAndRestore_TruncatedDataFile_AreRejectedAndTheTargetIsUnchanged()
    {
        var (backup, target, before) = await BackupAndTargetAsync();
        var data = Path.Combine(backup, "data.jsonl");
        var length = new FileInfo(data).Length;
        using (var stream = new FileStream(data, FileMode.Open))
        {
            stream.SetLength(length - 10);
        }

        var ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.RestoreAsync(backup, target.Data));
        Assert.Equal($"Backup check failed at {data}: the file has {length - 10} bytes; the manifest says {length} (truncated or changed).", ex.Message);
        TestData.AssertSame(before, await ReadAllAsync(target.Data));
    }

    [Fact]
    public async Task Verify_ManifestCountsAltered_NamesEveryDifferingType()
    {
        var (backup, target, before) = await BackupAndTargetAsync();
        var manifestPath = Path.Combine(backup, "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        manifest["rowCounts"]!["attempt"] = 3;
        manifest["rowCounts"]!["campaign"] = 0;
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());

        var ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.RestoreAsync(backup, target.Data));
        var data = Path.Combine(backup, "data.jsonl");
        Assert.Equal($"Backup check failed at {data}: the data file does not match the manifest: attempt: 2 record(s); the manifest says 3; campaign: 1 record(s); the manifest says 0.", ex.Message);
        TestData.AssertSame(before, await ReadAllAsync(target.Data));
    }

    [Fact]
    public async Task Verify_DataFileInvalidButChecksumsRewritten_ReportsTheLineProblem()
    {
        var (backup, _, _) = await BackupAndTargetAsync();
        var data = Path.Combine(backup, "data.jsonl");
        var lines = (await File.ReadAllLinesAsync(data)).ToList();
        lines[1] = lines[1].Replace("\"+14155550123\"", "\"+1\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(data, lines);
        var manifestPath = Path.Combine(backup, "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!;
        manifest["dataFile"]!["sha256"] = Sha256(data);
        manifest["dataFile"]!["length"] = new FileInfo(data).Length;
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());

        var ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.VerifyAsync(backup));
        Assert.Equal(data, ex.Location);
        Assert.StartsWith($"Backup check failed at {data}: the data file is not a valid dialer-data file: line 2, field phone = \"+1\": not an E.164 number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MissingManifestOrExtraFile_NamesTheFile()
    {
        var (backup, _, _) = await BackupAndTargetAsync(withExtra: true);
        File.Delete(Path.Combine(backup, "dialer.json"));
        var ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.VerifyAsync(backup));
        Assert.Equal($"Backup check failed at {Path.Combine(backup, "dialer.json")}: the file is missing.", ex.Message);

        File.Delete(Path.Combine(backup, "manifest.json"));
        ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.VerifyAsync(backup));
        Assert.Equal(Path.Combine(backup, "manifest.json"), ex.Location);
        Assert.StartsWith($"Backup check failed at {Path.Combine(backup, "manifest.json")}: the manifest is missing or unreadable: ", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<StoreBackupException>(() => StoreBackup.VerifyAsync(_dir.Combine("nowhere")));
        Assert.Equal($"Backup check failed at {_dir.Combine("nowhere")}: the backup directory does not exist.", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_BadArguments_AreRejectedBeforeAnythingIsWritten()
    {
        var store = await SeededStoreAsync();
        var backups = _dir.Combine("backups");
        Assert.Throws<ArgumentOutOfRangeException>(() => StoreBackup.CreateAsync(store.Data, store, backups, keepLast: 0).GetAwaiter().GetResult());
        var missing = _dir.Combine("missing.json");
        var notFound = await Assert.ThrowsAsync<FileNotFoundException>(() => StoreBackup.CreateAsync(store.Data, store, backups, extraFiles: [missing]));
        Assert.Equal($"extraFiles[0] = '{missing}' does not exist.", notFound.Message);
        var clash = _dir.Combine("data.jsonl");
        await File.WriteAllTextAsync(clash, "x");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => StoreBackup.CreateAsync(store.Data, store, backups, extraFiles: [clash]));
        Assert.StartsWith($"extraFiles[0] = '{clash}': a backup already holds a file named 'data.jsonl'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(StoreBackup.List(backups));
    }

    [Fact]
    public async Task List_IgnoresPartialAndForeignDirectories()
    {
        var backups = _dir.Combine("backups");
        Directory.CreateDirectory(Path.Combine(backups, "backup_20250101T000000000Z.partial"));
        Directory.CreateDirectory(Path.Combine(backups, "backup_20250101T000000000Z"));
        Directory.CreateDirectory(Path.Combine(backups, "backup_2025"));
        Assert.Equal([Path.Combine(backups, "backup_20250101T000000000Z")], StoreBackup.List(backups));
        Assert.Empty(StoreBackup.List(_dir.Combine("none")));
        await Task.CompletedTask;
    }

    private async Task<SqliteDialerStore> SeededStoreAsync()
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(TestData.Sample(Now), StoreImportMode.Replace);
        return store;
    }

    private async Task<(string Backup, SqliteDialerStore Target, StoreDataSet Before)> BackupAndTargetAsync(bool withExtra = false)
    {
        var source = await SeededStoreAsync();
        string[] extras = [];
        if (withExtra)
        {
            extras = [_dir.Combine("dialer.json")];
            await File.WriteAllTextAsync(extras[0], "{}");
        }

        var backup = await StoreBackup.CreateAsync(source.Data, source, _dir.Combine("backups"), extraFiles: extras, timeProvider: TestClock.At(Now));
        var target = _dir.OpenSqlite("target.db");
        await target.Data.ImportAsync(new StoreDataSet { Attempts = [new AttemptEntry("target-only", PhoneNumber.Parse("+14155550100"), "l", "c", "k", null, Now)] }, StoreImportMode.Merge);
        return (backup, target, await ReadAllAsync(target.Data));
    }

    internal static async Task<StoreDataSet> ReadAllAsync(IStoreDataAccess store)
    {
        var file = new MemoryStream();
        await StoreDataTransfer.ExportAsync(store, file, StoreDataFilter.All, TestClock.At(Now));
        file.Position = 0;
        return (await JsonLinesReader.ReadAsync(file)).Data;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
