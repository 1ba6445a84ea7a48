using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// The provider-neutral bulk access every durable store offers, beneath the per-port interfaces the admission path
/// uses: reading everything out (export, backup, privacy requests), writing it back in one transaction (import,
/// restore, moving data between providers), retention, the erasure of one number and the daily statistics.
/// </summary>
/// <remarks>
/// Slot leases are deliberately absent: they are held only for the length of a call and expire on their own, so
/// they never travel between stores. Claims on redial items are not exported either; a claimed item is read back
/// as pending, so a restored or moved queue offers it again.
/// </remarks>
public interface IStoreDataAccess
{
    /// <summary>The provider's name, e.g. <c>sqlite</c> or <c>postgresql</c>.</summary>
    string Provider { get; }

    /// <summary>Recorded attempts (with their outcomes), oldest first.</summary>
    /// <param name="filter">Which attempts; <see cref="StoreDataFilter.All"/> for every one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    IAsyncEnumerable<AttemptEntry> ReadAttemptsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Blocks of every kind (final dispositions, cool-downs, do-not-call entries), by id.</summary>
    IAsyncEnumerable<ProtectionBlock> ReadBlocksAsync(StoreDataFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Redial queue items in every state, by lead id; a claimed item is read back as pending without its claim.</summary>
    IAsyncEnumerable<RedialItem> ReadRedialItemsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Answering-machine statistics per number, by number.</summary>
    IAsyncEnumerable<AnsweringMachineStats> ReadAnsweringMachineStatsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Campaigns in every state, by id (a filter by number does not apply: campaigns hold no numbers).</summary>
    IAsyncEnumerable<CampaignSnapshot> ReadCampaignsAsync(CancellationToken cancellationToken = default);

    /// <summary>Daily statistics rows, by date, client and campaign; <paramref name="from"/>/<paramref name="to"/> inclusive, null for open.</summary>
    IAsyncEnumerable<DailyStatistics> ReadDailyStatisticsAsync(LocalDate? from, LocalDate? to, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every data type matching <paramref name="filter"/>, read in one read transaction: a consistent snapshot (an
    /// attempt and the block its outcome created are both in it or both not), which is what exports and backups of a
    /// running host need. With a number in the filter, campaigns and daily statistics (which hold no numbers) are left
    /// out. The whole set is held in memory.
    /// </summary>
    /// <remarks>
    /// The default implementation reads each type with its own <c>Read*Async</c> call, which is not a snapshot while
    /// writers run; every provider in this suite overrides it with one transaction.
    /// </remarks>
    async ValueTask<StoreDataSet> ReadSnapshotAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var attempts = await ToListAsync(ReadAttemptsAsync(filter, cancellationToken)).ConfigureAwait(false);
        var blocks = await ToListAsync(ReadBlocksAsync(filter, cancellationToken)).ConfigureAwait(false);
        var redial = await ToListAsync(ReadRedialItemsAsync(filter, cancellationToken)).ConfigureAwait(false);
        var machines = await ToListAsync(ReadAnsweringMachineStatsAsync(filter, cancellationToken)).ConfigureAwait(false);
        var everyNumber = filter.Phone is null;
        return new StoreDataSet
        {
            Attempts = attempts,
            Blocks = blocks,
            RedialItems = redial,
            AnsweringMachineStats = machines,
            Campaigns = everyNumber ? await ToListAsync(ReadCampaignsAsync(cancellationToken)).ConfigureAwait(false) : [],
            DailyStatistics = everyNumber ? await ToListAsync(ReadDailyStatisticsAsync(null, null, cancellationToken)).ConfigureAwait(false) : [],
        };

        static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
        {
            var list = new List<T>();
            await foreach (var item in items.ConfigureAwait(false))
            {
                list.Add(item);
            }

            return list;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> in one transaction: all of it or nothing. <see cref="StoreImportMode.Merge"/>
    /// keeps rows that already exist (same attempt id, block id, lead id, number, campaign id, or statistics key)
    /// and adds the rest, so importing the same file twice changes nothing; <see cref="StoreImportMode.Replace"/>
    /// first deletes every data row (what a restore does), so the store ends with exactly <paramref name="data"/>.
    /// </summary>
    /// <returns>How many rows were written per data type (rows kept under merge are not counted).</returns>
    ValueTask<StoreDataCounts> ImportAsync(StoreDataSet data, StoreImportMode mode, CancellationToken cancellationToken = default);

    /// <summary>Adds the counters of each row to the stored row with the same date, client and campaign (created when missing), in one transaction.</summary>
    ValueTask AddDailyStatisticsAsync(IReadOnlyList<DailyStatistics> increments, CancellationToken cancellationToken = default);

    /// <summary>Deletes, per data type, what is older than its cutoff (a null cutoff keeps that type), in one transaction.</summary>
    /// <returns>How many rows were deleted per data type.</returns>
    ValueTask<StoreDataCounts> PurgeAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases everything stored for <paramref name="phone"/> (attempts, blocks other than do-not-call entries, redial
    /// items, answering-machine statistics) in one transaction, keeping its do-not-call entries, which the law
    /// requires a dialer to keep. Aggregated daily statistics hold no numbers and are kept.
    /// </summary>
    /// <returns>How many rows were deleted per data type.</returns>
    ValueTask<StoreDataCounts> EraseNumberAsync(PhoneNumber phone, CancellationToken cancellationToken = default);
}
