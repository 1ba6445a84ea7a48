using Dialer.Core;
using Dialer.Protection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Data;

/// <summary>Random data sets and statistics increments against a model: what goes in is what comes out.</summary>
public sealed class StoreDataProperties
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly LocalDate Day0 = new(2026, 3, 2);
    private static readonly PhoneNumber[] Phones = [PhoneNumber.Parse("+14155550101"), PhoneNumber.Parse("+14155550102"), PhoneNumber.Parse("+442071838750")];
    private static readonly Disposition?[] Outcomes = [null, Disposition.NoAnswer, Disposition.Sold, Disposition.UnknownOutcome];
    private static readonly string[] Codes = ["protection.duplicate_window", "window.closed", "no_answer", "busy"];
    private static readonly string[] Campaigns = ["spring", "summer"];

    private static readonly Gen<(int Phone, int Seconds, int Outcome, int Block)> AttemptSeeds =
        from phone in Gen.Choose(0, Phones.Length - 1)
        from seconds in Gen.Choose(0, 100_000)
        from outcome in Gen.Choose(0, Outcomes.Length - 1)
        from block in Gen.Choose(0, 3)
        select (phone, seconds, outcome, block);

    private static readonly Gen<DailyStatistics> Increments =
        from day in Gen.Choose(0, 2)
        from campaign in Gen.Choose(0, Campaigns.Length - 1)
        from admitted in Gen.Choose(0, 5)
        from denied in Gen.Choose(0, 5)
        from reason in Gen.Choose(0, Codes.Length - 1)
        from outcome in Gen.Choose(0, Codes.Length - 1)
        from outcomes in Gen.Choose(0, 3)
        select new DailyStatistics
        {
            Date = Day0.PlusDays(day),
            ClientId = "acme",
            CampaignId = Campaigns[campaign],
            Requests = admitted + denied,
            Admitted = admitted,
            Denied = denied,
            DeniedByReason = denied == 0 ? DailyStatistics.EmptyCounts : new Dictionary<string, long> { [Codes[reason]] = denied },
            Outcomes = outcomes == 0 ? DailyStatistics.EmptyCounts : new Dictionary<string, long> { [Codes[outcome]] = outcomes },
        };

    [Property(MaxTest = 20)]
    public Property ImportReplace_RandomAttemptsAndBlocks_ReadBackSortedAndEqual() =>
        Prop.ForAll(Gen.ListOf(AttemptSeeds).Select(l => l.Take(60).ToArray()).ToArbitrary(), seeds =>
        {
            var attempts = new List<AttemptEntry>();
            var blocks = new List<ProtectionBlock>();
            for (var i = 0; i < seeds.Length; i++)
            {
                var (phone, seconds, outcome, block) = seeds[i];
                var at = T0 + Duration.FromSeconds(seconds);
                var disposition = Outcomes[outcome];
                attempts.Add(new AttemptEntry(
                    "a" + i, Phones[phone], "lead-" + (i % 7), "acme", Campaigns[i % 2], i % 3 == 0 ? "subject" : null, at,
                    disposition?.Code, disposition?.Category, disposition is null ? null : at + Duration.FromSeconds(30)));
                if (block > 0)
                {
                    blocks.Add(block == 1
                        ? ProtectionBlock.DoNotCall(Phones[phone], "asked", at, seconds % 2 == 0 ? null : at + Duration.FromDays(1), LimitScope.Campaign, Campaigns[i % 2])
                        : new ProtectionBlock("b" + i, BlockKind.Cooldown, BlockTarget.Number, Phones[phone], null, LimitScope.Global, null, at, at + Duration.FromHours(block), "transfer", "a" + i));
                }
            }

            // Do-not-call ids are per number and scope: keep the last of each, as the ledger would.
            var uniqueBlocks = blocks.GroupBy(b => b.Id, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            using var db = new TempDatabase();
            var store = db.Open(o => o.Synchronous = SqliteSynchronousMode.Normal);
            var written = store.Data.ImportAsync(new StoreDataSet { Attempts = attempts, Blocks = uniqueBlocks }, StoreImportMode.Replace).AsTask().GetAwaiter().GetResult();

            var readAttempts = ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.All)).GetAwaiter().GetResult();
            var readBlocks = ListAsync(store.Data.ReadBlocksAsync(StoreDataFilter.All)).GetAwaiter().GetResult();
            var phone0 = ListAsync(store.Data.ReadAttemptsAsync(StoreDataFilter.ForNumber(Phones[0]))).GetAwaiter().GetResult();

            return written.Attempts == attempts.Count && written.Blocks == uniqueBlocks.Count &&
                readAttempts.SequenceEqual(attempts.OrderBy(a => a.RecordedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal)) &&
                readBlocks.SequenceEqual(uniqueBlocks.OrderBy(b => b.Id, StringComparer.Ordinal)) &&
                phone0.SequenceEqual(attempts.Where(a => a.Phone == Phones[0]).OrderBy(a => a.RecordedAt).ThenBy(a => a.AttemptId, StringComparer.Ordinal));
        });

    [Property(MaxTest = 20)]
    public Property AddDailyStatistics_RandomIncrementsInRandomBatches_SumPerKeyAndCode() =>
        Prop.ForAll(
            Gen.ListOf(Increments).Select(l => l.Take(40).ToArray()).ToArbitrary(),
            Gen.Choose(1, 7).ToArbitrary(),
            (increments, batchSize) =>
            {
                using var db = new TempDatabase();
                var store = db.Open(o => o.Synchronous = SqliteSynchronousMode.Normal);
                foreach (var batch in increments.Chunk(batchSize))
                {
                    store.Data.AddDailyStatisticsAsync(batch).AsTask().GetAwaiter().GetResult();
                }

                var expected = increments
                    .GroupBy(s => (s.Date, s.CampaignId))
                    .OrderBy(g => g.Key.Date).ThenBy(g => g.Key.CampaignId, StringComparer.Ordinal)
                    .Select(g => new DailyStatistics
                    {
                        Date = g.Key.Date,
                        ClientId = "acme",
                        CampaignId = g.Key.CampaignId,
                        Requests = g.Sum(s => s.Requests),
                        Admitted = g.Sum(s => s.Admitted),
                        Denied = g.Sum(s => s.Denied),
                        DeniedByReason = Sum(g.Select(s => s.DeniedByReason)),
                        Outcomes = Sum(g.Select(s => s.Outcomes)),
                    })
                    .ToList();
                var read = ListAsync(store.Data.ReadDailyStatisticsAsync(null, null)).GetAwaiter().GetResult();
                return read.SequenceEqual(expected);
            });

    private static Dictionary<string, long> Sum(IEnumerable<IReadOnlyDictionary<string, long>> maps)
    {
        var sum = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var map in maps)
        {
            foreach (var (code, count) in map)
            {
                sum[code] = sum.GetValueOrDefault(code) + count;
            }
        }

        return sum;
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
