using Dialer.Core;
using Dialer.Protection;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests.Protection;

/// <summary>
/// A connection lost during check-and-record surfaces as an exception (the gate denies: not dialed); the attempt is
/// reconciled by its id on the next try: recorded once, with one instant.
/// </summary>
public sealed class IndeterminateCommitTests
{
    private static readonly ProtectionRules Rules = new([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);

    [Fact]
    public async Task TryRecord_BackendTerminatedMidCall_Throws_AndTheRetryByAttemptIdRecordsExactlyOnce()
    {
        var schema = PgStores.NewSchema();
        var application = "dialer-victim-" + Guid.NewGuid().ToString("N")[..8];
        await using var victimSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { ApplicationName = application }.ConnectionString);
        var victim = PgStores.Create(schema, dataSource: victimSource).AttemptLedger;
        var healthy = PgStores.Create(schema).AttemptLedger;
        var phone = PhoneNumber.FromValue(14155510000UL + (ulong)Random.Shared.Next(1, 9999));
        var request = new DialRequest("call-" + Guid.NewGuid().ToString("N"), "lead", phone);
        var context = new AttemptContext(request, Instant.FromUtc(2026, 3, 2, 15, 0), DateTimeZone.Utc);
        await healthy.EvaluateAsync(context, Rules); // migrate outside the race

        // Hold the number's lock so the victim's call is in flight inside the database when its backend dies.
        await using var blocker = await PgStores.DataSource.OpenConnectionAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock(1, hashint8($1))", blocker, tx))
        {
            hold.Parameters.AddWithValue((long)phone.Value);
            await hold.ExecuteNonQueryAsync();
        }

        var call = Task.Run(async () => await victim.TryRecordAttemptAsync(context, Rules));
        var killed = false;
        for (var i = 0; i < 10_000 && !killed; i++)
        {
            // Outside the blocker's transaction: pg_stat_activity is a snapshot per transaction.
            await using var kill = PgStores.DataSource.CreateCommand("SELECT COALESCE(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'");
            kill.Parameters.AddWithValue(application);
            killed = await kill.ExecuteScalarAsync() is true;
        }

        Assert.True(killed, "the victim's call never reached the lock");
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await call);
        await tx.RollbackAsync();

        var retry = await healthy.TryRecordAttemptAsync(context, Rules);
        var again = await healthy.TryRecordAttemptAsync(context, Rules);

        Assert.Equal(LedgerStatus.Recorded, retry.Status);
        Assert.Equal(LedgerStatus.AlreadyRecorded, again.Status);
        Assert.Equal(retry.RecordedAt, again.RecordedAt);
        Assert.Single(await healthy.GetHistoryAsync(phone, Instant.MinValue));
    }

    [Fact]
    public async Task ReRecord_AfterEveryConnectionWasTerminated_ReturnsTheOriginalResult()
    {
        var application = "dialer-victim-" + Guid.NewGuid().ToString("N")[..8];
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { ApplicationName = application }.ConnectionString);
        var ledger = PgStores.Create(dataSource: source).AttemptLedger;
        var phone = PhoneNumber.FromValue(14155520000UL + (ulong)Random.Shared.Next(1, 9999));
        var request = new DialRequest("call-" + Guid.NewGuid().ToString("N"), "lead", phone);
        var context = new AttemptContext(request, Instant.FromUtc(2026, 3, 2, 15, 0), DateTimeZone.Utc);
        var first = await ledger.TryRecordAttemptAsync(context, Rules);

        // The committed call's connections die (as when the network drops right after the commit).
        await PgStores.ExecAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{application}'");

        LedgerResult? again = null;
        for (var attempt = 0; attempt < 3 && again is null; attempt++)
        {
            try
            {
                again = await ledger.TryRecordAttemptAsync(context, Rules);
            }
            catch (NpgsqlException)
            {
                // A pooled connection that died is noticed on use; the caller retries with the same attempt id.
            }
        }

        Assert.Equal(LedgerStatus.Recorded, first.Status);
        Assert.NotNull(again);
        Assert.Equal(LedgerStatus.AlreadyRecorded, again.Value.Status);
        Assert.Equal(first.RecordedAt, again.Value.RecordedAt);
    }
}
