using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Dialer.Persistence.PostgreSql.Tests.Schema;

/// <summary>Rows corrupted with raw SQL are reported with their location, quarantined, and the store fails closed.</summary>
public sealed class CorruptionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly PhoneNumber Phone = PhoneNumber.Parse("+14155550123");

    [Fact]
    public async Task CorruptAttemptRow_IsReportedQuarantinedAndTheLedgerFailsClosed()
    {
        await using var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        var ledger = store.AttemptLedger;
        var request = new DialRequest("call-bad", "lead-1", Phone);
        Assert.Equal(LedgerStatus.Recorded, (await ledger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), ProtectionRules.None)).Status);
        await PgStores.ExecAsync($"UPDATE \"{store.Schema}\".attempts SET outcome_category = 42, outcome_code = 'x' WHERE attempt_id = 'call-bad'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await ledger.GetHistoryAsync(Phone, T0 - Duration.FromDays(1)));

        Assert.Equal($"{store.Schema}.attempts attempt_id=call-bad", ex.Location);
        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".quarantine WHERE table_name = 'attempts' AND row_key = 'call-bad' AND row_data->>'outcome_category' = '42'"));
        Assert.NotNull(store.FailClosedReason);

        // Fail closed: no admission is answered while the store holds unexplained state…
        var other = new DialRequest("call-next", "lead-2", PhoneNumber.Parse("+14155550199"));
        await Assert.ThrowsAsync<StoreCorruptionException>(async () => await ledger.TryRecordAttemptAsync(new AttemptContext(other, T0, DateTimeZone.Utc), ProtectionRules.None));
        Assert.Equal(HealthStatus.Unhealthy, (await new StoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext())).Status);

        // …until an operator repairs the row and clears the state.
        await PgStores.ExecAsync($"UPDATE \"{store.Schema}\".attempts SET outcome_category = 1 WHERE attempt_id = 'call-bad'");
        store.ClearFailClosed();
        Assert.Equal(LedgerStatus.Recorded, (await ledger.TryRecordAttemptAsync(new AttemptContext(other, T0, DateTimeZone.Utc), ProtectionRules.None)).Status);
    }

    [Fact]
    public async Task CorruptBlockKind_DeniesNothingSilently_ItFailsClosed()
    {
        await using var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        await store.AttemptLedger.UpsertBlockAsync(ProtectionBlock.DoNotCall(Phone, "complaint", T0));
        await PgStores.ExecAsync($"UPDATE \"{store.Schema}\".blocks SET kind = 9");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.AttemptLedger.TryRecordAttemptAsync(
            new AttemptContext(new DialRequest("c", "l", Phone), T0, DateTimeZone.Utc), ProtectionRules.None));

        Assert.StartsWith($"{store.Schema}.blocks phone=", ex.Location, StringComparison.Ordinal);
        Assert.DoesNotContain("4155550123", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".quarantine WHERE table_name = 'blocks'"));
    }

    [Fact]
    public async Task CorruptRedialRow_IsReportedWithItsLeadAndQuarantined()
    {
        await using var store = PgStores.Create();
        await store.RedialQueue.EnqueueAsync(new RedialEntry(new DialRequest("c1", "lead-7", Phone), DueDialKind.Redial, 2, T0), T0);
        await PgStores.ExecAsync($"UPDATE \"{store.Schema}\".redial_queue SET state = 9 WHERE lead_id = 'lead-7'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.RedialQueue.GetAsync("lead-7"));

        Assert.Equal($"{store.Schema}.redial_queue lead_id=lead-7", ex.Location);
        Assert.Equal(1L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".quarantine WHERE table_name = 'redial_queue' AND row_key = 'lead-7'"));
        Assert.NotNull(store.FailClosedReason);
    }

    [Fact]
    public async Task CorruptCampaignCheckpoint_IsReportedAndQuarantined()
    {
        await using var store = PgStores.Create();
        await store.CampaignStore.CreateAsync(new CampaignDefinition("spring", "acme"), T0);
        await PgStores.ExecAsync($"UPDATE \"{store.Schema}\".campaigns SET outcome_counts = '[1, 2]'::jsonb WHERE campaign_id = 'spring'");

        var ex = await Assert.ThrowsAsync<StoreCorruptionException>(async () => await store.CampaignStore.GetAsync("spring"));

        Assert.Equal($"{store.Schema}.campaigns campaign_id=spring", ex.Location);
        Assert.Equal(1L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".quarantine WHERE table_name = 'campaigns'"));
    }
}
