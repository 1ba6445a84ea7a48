using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Storage;

/// <summary>Newer schema, corrupt rows and unreadable files: reported with their location, never treated as empty.</summary>
public sealed class FailClosedTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);
    private static readonly ProtectionRules Duplicate = new([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");
    private static readonly PhoneNumber Other = PhoneNumber.Parse("+14155550199");

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Open_NewerSchemaVersion_FailsClosedAndEveryPortThrowsStoreSchemaException()
    {
        _db.Open().Dispose();
        _db.Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from-the-future', 0)");

        var store = _db.Open();

        Assert.Contains("schema version 99", store.FailClosedReason, StringComparison.Ordinal);
        Assert.Equal(99, await store.GetSchemaVersionAsync());
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c1", Phone), Duplicate));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.AttemptLedger.EvaluateAsync(Ctx("c1", Phone), Duplicate));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.RedialQueue.GetAsync("lead"));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.SlotStore.ReleaseAsync("c1"));
        await Assert.ThrowsAsync<StoreSchemaException>(async () => await store.MigrateAsync());
        var health = await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
    }

    [Fact]
    public async Task HealthCheck_CurrentSchema_IsHealthyWithTheVersion()
    {
        var store = _db.Open();

        var health = await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(SqliteSchema.CurrentVersion, health.Data["schemaVersion"]);
        Assert.Equal("sqlite", health.Data["provider"]);
    }

    [Theory]
    [InlineData("UPDATE attempts SET phone = 12 WHERE attempt_id = 'c1'", "column phone")]
    [InlineData("UPDATE attempts SET phone = '+1 (415) 555' WHERE attempt_id = 'c1'", "column phone")]
    [InlineData("UPDATE attempts SET outcome_code = 'Not A Code!', outcome_category = 1, outcome_at = 0 WHERE attempt_id = 'c1'", "column outcome_code")]
    [InlineData("UPDATE attempts SET outcome_code = 'no_answer', outcome_category = 9, outcome_at = 0 WHERE attempt_id = 'c1'", "column outcome_category")]
    [InlineData("UPDATE attempts SET recorded_at = 9223372036854775807 WHERE attempt_id = 'c1'", "column recorded_at")]
    public async Task CorruptAttemptRow_IsReportedWithItsLocationQuarantinedAndTheStoreFailsClosed(string corruption, string problem)
    {
        var store = _db.Open();
        Assert.Equal(LedgerStatus.Recorded, (await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c1", Phone), Duplicate)).Status);
        var rowId = (long)_db.Scalar("SELECT rowid FROM attempts WHERE attempt_id = 'c1'")!;
        var corruptPhone = corruption.Contains("phone", StringComparison.Ordinal) ? (PhoneNumber?)null : Phone;
        _db.Exec(corruption);

        // Reading the corrupt row (the number's history, or the id itself) fails closed; it is never treated as "no history".
        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.GetAttemptAsync("c1"));

        Assert.Equal($"{_db.Path}: attempts rowid {rowId}", ex.Location);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(store.FailClosedReason);

        // Every later operation, even on an unrelated number, is refused.
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c2", Other), Duplicate));
        if (corruptPhone is { } p)
        {
            await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c3", p), Duplicate));
        }

        // The row is copied to the quarantine table (by the writer, shortly after), and stays in place.
        var quarantined = await WaitForQuarantineAsync(store);
        Assert.Equal("attempts", quarantined.Table);
        Assert.Equal(rowId, quarantined.RowId);
        Assert.Contains("\"attempt_id\":\"c1\"", quarantined.RowJson, StringComparison.Ordinal);
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM attempts WHERE attempt_id = 'c1'"));
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM attempts WHERE attempt_id = 'c2'"));

        // After a restart the store is still closed, until an operator repairs the row and acknowledges.
        store = _db.Reopen(store);
        Assert.Contains($"attempts rowid {rowId}", store.FailClosedReason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c2", Other), Duplicate));
        _db.Exec($"DELETE FROM attempts WHERE rowid = {rowId}");
        Assert.Equal(1, await store.AcknowledgeQuarantineAsync());
        Assert.Null(store.FailClosedReason);
        Assert.Equal(LedgerStatus.Recorded, (await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c2", Other), Duplicate)).Status);
    }

    [Fact]
    public async Task CorruptRow_FoundInsideACheckAndRecord_DeniesByThrowingAndRecordsNothing()
    {
        var store = _db.Open();
        await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c1", Phone), Duplicate);
        _db.Exec("UPDATE attempts SET client_id = '' WHERE attempt_id = 'c1'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () =>
            await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c2", Phone, T0 + Duration.FromMinutes(5)), Duplicate));

        Assert.Contains("attempts rowid", ex.Location, StringComparison.Ordinal);
        Assert.Equal(0L, _db.Scalar("SELECT COUNT(*) FROM attempts WHERE attempt_id = 'c2'"));
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM quarantine WHERE source_table = 'attempts' AND resolved_at IS NULL"));
    }

    [Fact]
    public async Task CorruptRedialRow_IsReportedWithItsLocation()
    {
        var store = _db.Open();
        var request = new DialRequest("call-1", "lead-1", Phone);
        await store.RedialQueue.EnqueueAsync(new Dialer.Redial.RedialEntry(request, DueDialKind.Redial, 1, T0), T0);
        _db.Exec("UPDATE redial_queue SET kind = 42 WHERE lead_id = 'lead-1'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.RedialQueue.ClaimDueAsync(T0, 10, Duration.FromMinutes(5)));

        Assert.Contains("redial_queue rowid", ex.Location, StringComparison.Ordinal);
        Assert.Contains("column kind", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, _db.Scalar("SELECT COUNT(*) FROM quarantine WHERE source_table = 'redial_queue'"));
    }

    [Fact]
    public async Task ValidateAllRows_FindsACorruptRowNobodyReadYet()
    {
        var store = _db.Open();
        await store.AnsweringMachineTracker.RecordAsync(Phone, "a1", true, T0);
        await store.CampaignStore.CreateAsync(new Dialer.Campaigns.CampaignDefinition("spring"), T0);
        Assert.Equal(2, await store.ValidateAllRowsAsync());
        _db.Exec("UPDATE campaigns SET outcome_counts = '{\"busy\": -3}'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.ValidateAllRowsAsync());

        Assert.Contains("campaigns rowid 1", ex.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_FailsClosedWithoutThrowing()
    {
        await File.WriteAllTextAsync(_db.Path, "this is not a SQLite database, just some text that is long enough to look like a header............");

        var store = _db.Open();

        Assert.NotNull(store.FailClosedReason);
        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(Ctx("c1", Phone), Duplicate));
        Assert.Equal(_db.Path, ex.Location);
        var health = await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
    }

    private static async Task<QuarantinedRow> WaitForQuarantineAsync(SqliteDialerStore store)
    {
        for (var i = 0; i < 200; i++)
        {
            var rows = await store.GetQuarantineAsync();
            if (rows.Count > 0)
            {
                return Assert.Single(rows);
            }

            await Task.Yield();
            await Task.Delay(10);
        }

        throw new Xunit.Sdk.XunitException("No row was quarantined.");
    }

    private static AttemptContext Ctx(string callId, PhoneNumber phone, Instant? at = null) =>
        new(new DialRequest(callId, "lead-" + callId, phone), at ?? T0, DateTimeZone.Utc);
}
