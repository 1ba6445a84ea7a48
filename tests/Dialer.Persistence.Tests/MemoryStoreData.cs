using System.Runtime.CompilerServices;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Tests;

/// <summary>
/// A plain in-memory <see cref="IStoreDataAccess"/> written straight from the port's documentation: the data source for
/// tests of the file formats, backups and the statistics collector. Store behaviour itself (transactions, providers)
/// is tested against the SQLite store in <c>SqliteStoreDataTests</c>.
/// </summary>
public sealed class MemoryStoreData : IStoreDataAccess
{
    private readonly object _gate = new();
    private List<AttemptEntry> _attempts = [];
    private List<ProtectionBlock> _blocks = [];
    private List<RedialItem> _redials = [];
    private List<AnsweringMachineStats> _am = [];
    private List<CampaignSnapshot> _campaigns = [];
    private List<DailyStatistics> _stats = [];

    public MemoryStoreData(StoreDataSet? initial = null)
    {
        if (initial is not null)
        {
            ImportAsync(initial, StoreImportMode.Replace).AsTask().GetAwaiter().GetResult();
        }
    }

    public string Provider => "memory";

    /// <summary>When set, the next <see cref="AddDailyStatisticsAsync"/> throws this and changes nothing.</summary>
    public Exception? FailNextAdd { get; set; }

    public int AddCalls { get; private set; }

    public int PurgeCalls { get; private set; }

    public StoreDataSet Snapshot()
    {
        lock (_gate)
        {
            return new StoreDataSet
            {
                Attempts = [.. _attempts], Blocks = [.. _blocks], RedialItems = [.. _redials], AnsweringMachineStats = [.. _am],
                Campaigns = [.. _campaigns], DailyStatistics = [.. _stats],
            };
        }
    }

    public async IAsyncEnumerable<AttemptEntry> ReadAttemptsAsync(StoreDataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var a in Copy(_attempts).OrderBy(a => a.RecordedAt))
        {
            if ((filter.Phone is not { } p || a.Phone == p) && (filter.From is not { } f || a.RecordedAt >= f) && (filter.To is not { } t || a.RecordedAt < t))
            {
                yield return a;
            }
        }
    }

    public async IAsyncEnumerable<ProtectionBlock> ReadBlocksAsync(StoreDataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var b in Copy(_blocks).OrderBy(b => b.Id, StringComparer.Ordinal))
        {
            if (filter.Phone is not { } p || b.Phone == p)
            {
                yield return b;
            }
        }
    }

    public async IAsyncEnumerable<RedialItem> ReadRedialItemsAsync(StoreDataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var r in Copy(_redials).OrderBy(r => r.LeadId, StringComparer.Ordinal))
        {
            if (filter.Phone is not { } p || r.Request.Phone == p)
            {
                yield return r;
            }
        }
    }

    public async IAsyncEnumerable<AnsweringMachineStats> ReadAnsweringMachineStatsAsync(StoreDataFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var s in Copy(_am).OrderBy(s => s.Phone))
        {
            if (filter.Phone is not { } p || s.Phone == p)
            {
                yield return s;
            }
        }
    }

    public async IAsyncEnumerable<CampaignSnapshot> ReadCampaignsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var c in Copy(_campaigns).OrderBy(c => c.Id, StringComparer.Ordinal))
        {
            yield return c;
        }
    }

    public async IAsyncEnumerable<DailyStatistics> ReadDailyStatisticsAsync(LocalDate? from, LocalDate? to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var s in Copy(_stats).OrderBy(s => s.Date).ThenBy(s => s.ClientId, StringComparer.Ordinal).ThenBy(s => s.CampaignId, StringComparer.Ordinal))
        {
            if ((from is not { } f || s.Date >= f) && (to is not { } t || s.Date <= t))
            {
                yield return s;
            }
        }
    }

    public ValueTask<StoreDataCounts> ImportAsync(StoreDataSet data, StoreImportMode mode, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (mode == StoreImportMode.Replace)
            {
                _attempts = [];
                _blocks = [];
                _redials = [];
                _am = [];
                _campaigns = [];
                _stats = [];
            }

            var counts = new StoreDataCounts(
                AddNew(_attempts, data.Attempts, a => a.AttemptId),
                AddNew(_blocks, data.Blocks, b => b.Id),
                AddNew(_redials, data.RedialItems.Select(r => r.State == RedialItemState.Claimed ? new RedialItem(r.Entry, RedialItemState.Pending, r.EnqueuedAt, r.UpdatedAt, claimCount: r.ClaimCount) : r), r => r.LeadId),
                AddNew(_am, data.AnsweringMachineStats, s => s.Phone.ToString()),
                AddNew(_campaigns, data.Campaigns, c => c.Id),
                AddNew(_stats, data.DailyStatistics, s => s.Date + "|" + s.ClientId + "|" + s.CampaignId));
            return ValueTask.FromResult(counts);
        }
    }

    public ValueTask AddDailyStatisticsAsync(IReadOnlyList<DailyStatistics> increments, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            AddCalls++;
            if (FailNextAdd is { } failure)
            {
                FailNextAdd = null;
                throw failure;
            }

            foreach (var inc in increments)
            {
                var i = _stats.FindIndex(s => s.Date == inc.Date && s.ClientId == inc.ClientId && s.CampaignId == inc.CampaignId);
                if (i < 0)
                {
                    _stats.Add(inc with { DeniedByReason = new Dictionary<string, long>(inc.DeniedByReason), Outcomes = new Dictionary<string, long>(inc.Outcomes) });
                    continue;
                }

                var s = _stats[i];
                _stats[i] = s with
                {
                    Requests = s.Requests + inc.Requests,
                    Admitted = s.Admitted + inc.Admitted,
                    Denied = s.Denied + inc.Denied,
                    DeniedByReason = Sum(s.DeniedByReason, inc.DeniedByReason),
                    Outcomes = Sum(s.Outcomes, inc.Outcomes),
                };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<StoreDataCounts> PurgeAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            PurgeCalls++;
            var counts = new StoreDataCounts(
                _attempts.RemoveAll(a => cutoffs.AttemptsRecordedBefore is { } c && a.RecordedAt < c),
                _blocks.RemoveAll(b => cutoffs.BlocksExpiredBefore is { } c && b.Until is { } u && u < c),
                _redials.RemoveAll(r => cutoffs.RedialItemsFinishedBefore is { } c && r.State is RedialItemState.Completed or RedialItemState.Cancelled && r.UpdatedAt < c),
                _am.RemoveAll(s => cutoffs.AnsweringMachineStatsBefore is { } c && s.LastOutcomeAt is { } l && l < c),
                _campaigns.RemoveAll(x => cutoffs.CampaignsEndedBefore is { } c && x.State is CampaignState.Completed or CampaignState.Cancelled or CampaignState.Failed && x.EndedAt is { } e && e < c),
                _stats.RemoveAll(s => cutoffs.DailyStatisticsBefore is { } c && s.Date < c));
            return ValueTask.FromResult(counts);
        }
    }

    public ValueTask<StoreDataCounts> EraseNumberAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var counts = new StoreDataCounts(
                _attempts.RemoveAll(a => a.Phone == phone),
                _blocks.RemoveAll(b => b.Phone == phone && b.Kind != BlockKind.DoNotCall),
                _redials.RemoveAll(r => r.Request.Phone == phone),
                _am.RemoveAll(s => s.Phone == phone),
                0,
                0);
            return ValueTask.FromResult(counts);
        }
    }

    private static Dictionary<string, long> Sum(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var d = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (k, v) in b)
        {
            d[k] = d.GetValueOrDefault(k) + v;
        }

        return d;
    }

    private static long AddNew<T>(List<T> list, IEnumerable<T> items, Func<T, string> key)
    {
        var keys = list.Select(key).ToHashSet(StringComparer.Ordinal);
        long added = 0;
        foreach (var item in items)
        {
            if (keys.Add(key(item)))
            {
                list.Add(item);
                added++;
            }
        }

        return added;
    }

    private List<T> Copy<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
