using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Backup;

public sealed class SqliteBackupTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);
    private static readonly ProtectionRules Rules = new([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private string Backups => Path.Combine(_db.Directory, "backups");

    [Fact]
    public async Task CreateThenRestore_RoundTripEqualsTheOriginal()
    {
        var store = _db.Open();
        await FillAsync(store, 20);
        var original = Dump(_db.Path);

        var backup = SqliteBackup.Create(store, Backups, timeProvider: new FakeTimeProvider(T0.ToDateTimeOffset()));

        // Later changes are not in the backup.
        await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("later", "lead-later", PhoneNumber.Parse("+14155550999")), T0, DateTimeZone.Utc), Rules);
        store.Dispose();
        var target = Path.Combine(_db.Directory, "restored.db");
        var manifest = SqliteBackup.Restore(backup, target);

        Assert.Equal(Path.Combine(Backups, "backup_20260302T150000000Z"), backup);
        Assert.Equal(SqliteSchema.CurrentVersion, manifest.SchemaVersion);
        Assert.Equal(20, manifest.RowCounts["attempts"]);
        Assert.Equal(original, Dump(target));
        using var restored = new SqliteDialerStore(new SqliteStoreOptions { Path = target });
        Assert.Null(restored.FailClosedReason);
        Assert.NotNull(await restored.AttemptLedger.GetAttemptAsync("call-3"));
        Assert.Null(await restored.AttemptLedger.GetAttemptAsync("later"));
    }

    [Fact]
    public void VerifyAndRestore_BackupOfAnOlderSchemaVersion_AreAccepted()
    {
        // A file as schema version 4 left it (before the daily_statistics table existed), backed up by a store that
        // does not migrate on open.
        using (var connection = _db.OpenRaw())
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteSchema.VersionTableScript + string.Concat(SqliteSchema.Migrations.Take(4).Select(m =>
                m.Script + $"INSERT INTO schema_version VALUES ({m.Version}, '{m.Name}', 0);"));
            command.ExecuteNonQuery();
        }

        string backup;
        using (var old = _db.Open(o => o.MigrateOnOpen = false))
        {
            backup = SqliteBackup.Create(old, Backups);
        }

        var manifest = SqliteBackup.Verify(backup);
        var target = Path.Combine(_db.Directory, "restored-old.db");
        SqliteBackup.Restore(backup, target);

        Assert.Equal(4, manifest.SchemaVersion);
        Assert.DoesNotContain("daily_statistics", manifest.RowCounts.Keys);
        using var restored = new SqliteDialerStore(new SqliteStoreOptions { Path = target });
        Assert.Null(restored.FailClosedReason);
    }

    [Fact]
    public async Task Restore_TamperedFile_IsRejectedAndTheTargetIsUnchanged()
    {
        var store = _db.Open();
        await FillAsync(store, 5);
        var backup = SqliteBackup.Create(store, Backups);
        store.Dispose();
        var before = await File.ReadAllBytesAsync(_db.Path);
        var copy = Path.Combine(backup, "dialer.db");
        var bytes = await File.ReadAllBytesAsync(copy);
        bytes[^100] ^= 0x5A;
        await File.WriteAllBytesAsync(copy, bytes);

        var ex = Assert.Throws<StoreCorruptionException>(() => SqliteBackup.Restore(backup, _db.Path));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(_db.Path));
    }

    [Fact]
    public async Task Verify_ManifestWithAnotherRowCount_IsRejected()
    {
        var store = _db.Open();
        await FillAsync(store, 3);
        var backup = SqliteBackup.Create(store, Backups);
        var manifestPath = Path.Combine(backup, SqliteBackup.ManifestFileName);
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath)).Replace("\"attempts\": 3", "\"attempts\": 4", StringComparison.Ordinal));

        var ex = Assert.Throws<StoreCorruptionException>(() => SqliteBackup.Verify(backup));

        Assert.Contains("attempts", ex.Location, StringComparison.Ordinal);
        Assert.Contains("3 rows; the manifest says 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_KeepsTheLastN()
    {
        var store = _db.Open();
        await FillAsync(store, 1);
        var time = new FakeTimeProvider(T0.ToDateTimeOffset());
        var made = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            made.Add(SqliteBackup.Create(store, Backups, keepLast: 3, timeProvider: time));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(made.Skip(2).ToArray(), SqliteBackup.List(Backups).ToArray());
        Assert.All(SqliteBackup.List(Backups), d => SqliteBackup.Verify(d));
    }

    [Fact]
    public async Task Create_WhileWritersRun_IsAConsistentSnapshot()
    {
        var store = _db.Open();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var request = new DialRequest($"bg-{i}", $"lead-bg-{i}", PhoneNumber.FromValue(14150000000UL + (ulong)i));
                await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), Rules);
                i++;
            }
        });
        await FillAsync(store, 10);

        var backup = SqliteBackup.Create(store, Backups);
        await stop.CancelAsync();
        await writer;

        var manifest = SqliteBackup.Verify(backup);
        Assert.True(manifest.RowCounts["attempts"] >= 10);
    }

    private static async Task FillAsync(SqliteDialerStore store, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var request = new DialRequest($"call-{i}", $"lead-{i}", PhoneNumber.FromValue(14155550100UL + (ulong)i));
            await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, T0 + Duration.FromMinutes(i), DateTimeZone.Utc), Rules);
            await store.RedialQueue.EnqueueAsync(new RedialEntry(request.WithCallId($"call-{i}/r2"), DueDialKind.Redial, 2, T0 + Duration.FromHours(1)), T0);
        }

        await store.AttemptLedger.UpsertBlockAsync(ProtectionBlock.DoNotCall(PhoneNumber.Parse("+14155550777"), "complaint", T0));
    }

    private static string Dump(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Pooling=False");
        connection.Open();
        var lines = new List<string>();
        foreach (var table in new[] { "attempts", "blocks", "redial_queue", "schema_version" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM " + table + " ORDER BY rowid";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                lines.Add(table + ": " + string.Join("|", values));
            }
        }

        return string.Join("\n", lines);
    }
}
