using Dialer.Core;
using Dialer.Persistence.Contracts.Data;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Persistence.PostgreSql.Tests.Data;

/// <summary>The bulk-port contract on PostgreSQL (a fresh schema per store; the ledger at the callers' instants).</summary>
public sealed class PostgreSqlStoreDataAccessContractTests : StoreDataAccessContractTests
{
    protected override Task<StoreUnderTest> CreateStoreAsync()
    {
        var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        return Task.FromResult(new StoreUnderTest(store.Data, store.AttemptLedger, store.RedialQueue, store.AnsweringMachineTracker, store.CampaignStore, store.SlotStore, store));
    }
}

/// <summary>What the bulk port must do on PostgreSQL beyond the contract: one transaction, and atomic statistics under concurrency.</summary>
public sealed class PostgreSqlStoreDataAccessTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly LocalDate Day0 = new(2026, 3, 2);

    [Fact]
    public async Task Import_ARowTheDatabaseRejectsMidway_RollsBackEveryTypeAlreadyWritten()
    {
        // Validation cannot see this one: a counter beyond bigint in the database's sum is impossible to import, so use a
        // row the schema itself rejects — the campaign's outcome counts become jsonb, and "\u0000" is not valid in jsonb.
        var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        var phone = PhoneNumber.Parse("+14155550177");
        var attempt = new AttemptEntry("imp-1", phone, "lead", "acme", "spring", null, T0, null, null, null);
        var bad = new Dialer.Campaigns.CampaignSnapshot
        {
            Id = "camp",
            ClientId = "acme",
            Name = "spring",
            State = Dialer.Campaigns.CampaignState.Draft,
            OutcomeCounts = new Dictionary<string, long> { ["bad\u0000code"] = 1 },
            CreatedAt = T0,
            UpdatedAt = T0,
        };
        var data = new StoreDataSet
        {
            Attempts = [attempt],
            DailyStatistics = [new DailyStatistics { Date = Day0, ClientId = "acme", CampaignId = "spring", Requests = 1 }],
            Campaigns = [bad],
        };

        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(async () => await store.Data.ImportAsync(data, StoreImportMode.Merge));

        Assert.Null(await store.AttemptLedger.GetAttemptAsync("imp-1"));
        Assert.Empty(await ToListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All)));
        Assert.Empty(await ToListAsync(store.Data.ReadDailyStatisticsAsync(null, null)));
        Assert.Empty(await ToListAsync(store.Data.ReadCampaignsAsync()));
    }

    [Fact]
    public async Task ImportReplace_FailingMidway_KeepsTheOldData()
    {
        var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        var old = new StoreDataSet { Attempts = [new AttemptEntry("old-1", PhoneNumber.Parse("+14155550178"), "lead", "acme", "spring", null, T0, null, null, null)] };
        await store.Data.ImportAsync(old, StoreImportMode.Replace);
        var bad = new Dialer.Campaigns.CampaignSnapshot
        {
            Id = "camp",
            ClientId = "acme",
            Name = "spring",
            State = Dialer.Campaigns.CampaignState.Draft,
            OutcomeCounts = new Dictionary<string, long> { ["bad\u0000code"] = 1 },
            CreatedAt = T0,
            UpdatedAt = T0,
        };

        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(async () => await store.Data.ImportAsync(new StoreDataSet { Campaigns = [bad] }, StoreImportMode.Replace));

        var attempts = await ToListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All));
        Assert.Equal("old-1", Assert.Single(attempts).AttemptId);
    }

    [Fact]
    public async Task AddDailyStatistics_8TasksConcurrently_SumExactly()
    {
        var schema = PgStores.NewSchema();
        var first = PgStores.Create(schema);
        await first.MigrateAsync();

        // Eight hosts (each its own store and data source) add to the same rows at once.
        var hosts = Enumerable.Range(0, 8).Select(_ => PgStores.Create(schema, dataSource: PostgresTestServer.CreateDataSource())).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = hosts.Select((h, w) => Task.Run(async () =>
            {
                await start.Task;
                for (var i = 0; i < 25; i++)
                {
                    await h.Data.AddDailyStatisticsAsync(
                    [
                        new DailyStatistics
                        {
                            Date = Day0,
                            ClientId = "acme",
                            CampaignId = "spring",
                            Requests = 3,
                            Admitted = 2,
                            Denied = 1,
                            DeniedByReason = new Dictionary<string, long> { ["protection.duplicate"] = 1 },
                            Outcomes = new Dictionary<string, long> { ["no-answer"] = 1, ["w" + w] = 1 },
                        },
                        new DailyStatistics { Date = Day0.PlusDays(1), ClientId = "acme", CampaignId = "spring", Requests = 1 },
                    ]);
                }
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(runs);

            var rows = await ToListAsync(first.Data.ReadDailyStatisticsAsync(null, null));
            Assert.Equal(2, rows.Count);
            var day = rows[0];
            Assert.Equal((8 * 25 * 3L, 8 * 25 * 2L, 8 * 25 * 1L), (day.Requests, day.Admitted, day.Denied));
            Assert.Equal(8 * 25L, day.DeniedByReason["protection.duplicate"]);
            Assert.Equal(8 * 25L, day.Outcomes["no-answer"]);
            for (var w = 0; w < 8; w++)
            {
                Assert.Equal(25L, day.Outcomes["w" + w]);
            }

            Assert.Equal(9, day.Outcomes.Count);
            Assert.Equal(8 * 25L, rows[1].Requests);
        }
        finally
        {
            foreach (var h in hosts)
            {
                await h.DisposeAsync();
                await h.DataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ReadRedialItems_ClaimedItem_ReadsBackPendingWithoutItsClaim()
    {
        var store = PgStores.Create();
        var request = new DialRequest("call-r1", "lead-r1", PhoneNumber.Parse("+14155550179"), "acme", "spring");
        await store.RedialQueue.EnqueueAsync(new RedialEntry(request, DueDialKind.Redial, 1, T0), T0);
        var claimed = await store.RedialQueue.ClaimDueAsync(T0, 10, Duration.FromMinutes(5));
        Assert.Single(claimed);

        var item = Assert.Single(await ToListAsync(store.Data.ReadRedialItemsAsync(StoreDataFilter.All)));

        Assert.Equal(RedialItemState.Pending, item.State);
        Assert.Null(item.ClaimToken);
        Assert.Null(item.ClaimExpiresAt);
        Assert.Equal(RedialItemState.Claimed, (await store.RedialQueue.GetAsync("lead-r1"))!.State);
    }

    [Fact]
    public async Task EraseNumber_KeepsItsDoNotCallEntry_AndRemovesItsAnsweringMachineAttempts()
    {
        var store = PgStores.Create(configure: o => o.UseDatabaseClock = false);
        var phone = PhoneNumber.Parse("+14155550180");
        await store.AttemptLedger.UpsertBlockAsync(ProtectionBlock.DoNotCall(phone, "asked", T0, null));
        await store.AnsweringMachineTracker.RecordAsync(phone, "call-am", true, T0);

        var erased = await store.Data.EraseNumberAsync(phone);

        Assert.Equal(1, erased.AnsweringMachineStats);
        Assert.Equal(0, erased.Blocks);
        Assert.Single(await store.AttemptLedger.GetBlocksAsync(phone));
        Assert.Equal(0L, await PgStores.ScalarAsync<long>($"SELECT count(*) FROM \"{store.Schema}\".am_attempts"));
    }

    [Fact]
    public void UsePostgreSql_RegistersTheStoresBulkPort()
    {
        var services = new ServiceCollection();
        services.AddDialer().UsePostgreSql(PostgresTestServer.ConnectionString, o => o.Schema = PgStores.NewSchema());
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<PostgreSqlStore>().Data, provider.GetRequiredService<IStoreDataAccess>());
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
