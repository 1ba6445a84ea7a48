using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// Counts admission decisions and call outcomes per local date (in the reporting zone), client and campaign, in
/// memory, and writes them to the store as increments (<see cref="IStoreDataAccess.AddDailyStatisticsAsync"/>) when
/// flushed. Registered as an <see cref="IAdmissionObserver"/> and an <see cref="ICallOutcomeHandler"/> by
/// <c>AddDailyStatistics</c>.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. Counting allocates nothing once the (date, client, campaign) key and the reason or disposition code
/// have been seen: counters are <see cref="Interlocked"/> longs in per-key objects.
/// </para>
/// <para>
/// A flush subtracts exactly what it wrote, and only after the store accepted it: counts made while a flush runs stay
/// for the next one, and a failed flush loses nothing. Decisions count on the local date of their evaluation instant,
/// outcomes on the local date of their occurrence. An outcome reported again for the same attempt id within
/// <see cref="DailyStatisticsOptions.OutcomeDeduplicationWindow"/> is counted once. Counter sets stay in memory
/// until a flush finds their date more than a day past and their counts written; then they are dropped.
/// </para>
/// </remarks>
public sealed partial class DailyStatisticsCollector : IAdmissionObserver, ICallOutcomeHandler, IDisposable
{
    /// <summary>The collector's <see cref="ICallOutcomeHandler.Order"/>: after every package that acts on an outcome.</summary>
    public const int HandlerOrder = 1000;

    private static readonly Func<Key, Counters> NewCounters = static key => new Counters(key);
    private static readonly Func<string, StrongBox<long>> NewBox = static _ => new StrongBox<long>();

    private readonly ConcurrentDictionary<Key, Counters> _counters = new();
    private readonly ConcurrentDictionary<string, long> _countedOutcomes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly IStoreDataAccess _store;
    private readonly DateTimeZone _zone;
    private readonly Duration _deduplicationWindow;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private volatile Counters[] _retired = [];

    /// <summary>Creates a collector, validating <paramref name="options"/> (every problem at once) and copying them.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid.</exception>
    public DailyStatisticsCollector(
        DailyStatisticsOptions options,
        IStoreDataAccess store,
        IDateTimeZoneProvider? zones = null,
        TimeProvider? timeProvider = null,
        ILogger<DailyStatisticsCollector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        zones ??= DateTimeZoneProviders.Tzdb;
        new DailyStatisticsOptionsValidator(zones).ThrowIfInvalid(options);
        _store = store;
        _zone = zones[options.ReportingZoneId];
        _deduplicationWindow = Duration.FromTimeSpan(options.OutcomeDeduplicationWindow);
        FlushInterval = options.FlushInterval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public int Order => HandlerOrder;

    /// <summary>The zone whose local dates the statistics are kept by.</summary>
    public DateTimeZone ReportingZone => _zone;

    /// <summary>How often the background flusher flushes.</summary>
    public TimeSpan FlushInterval { get; }

    /// <inheritdoc/>
    public void OnAdmission(DialRequest request, in AdmissionDecision decision)
    {
        if (request is null)
        {
            return;
        }

        var counters = _counters.GetOrAdd(new Key(decision.EvaluatedAt.InZone(_zone).Date, request.ClientId, request.CampaignId), NewCounters);
        Interlocked.Increment(ref counters.Requests);
        if (decision.IsAllowed)
        {
            Interlocked.Increment(ref counters.Admitted);
            return;
        }

        Interlocked.Increment(ref counters.Denied);
        foreach (var reason in decision.Reasons)
        {
            Interlocked.Increment(ref counters.DeniedByReason.GetOrAdd(reason.Code, NewBox).Value);
        }
    }

    /// <inheritdoc/>
    public ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (_deduplicationWindow > Duration.Zero &&
            !_countedOutcomes.TryAdd(outcome.AttemptId, _timeProvider.GetCurrentInstant().ToUnixTimeTicks()))
        {
            return ValueTask.CompletedTask;
        }

        var request = outcome.Request;
        var counters = _counters.GetOrAdd(new Key(outcome.OccurredAt.InZone(_zone).Date, request.ClientId, request.CampaignId), NewCounters);
        Interlocked.Increment(ref counters.Outcomes.GetOrAdd(outcome.Disposition.Code, NewBox).Value);
        return ValueTask.CompletedTask;
    }

    /// <summary>How many (date, client, campaign) counter sets are held in memory, including retired ones awaiting their last flush.</summary>
    public int TrackedKeys => _counters.Count + _retired.Length;

    /// <summary>The counts not yet written to the store, one row per date, client and campaign with any count.</summary>
    public IReadOnlyList<DailyStatistics> GetPending()
    {
        var merged = new Dictionary<Key, DailyStatistics>();
        foreach (var (source, row) in CollectPending())
        {
            merged[source.Key] = merged.TryGetValue(source.Key, out var earlier) ? Sum(earlier, row) : row;
        }

        var rows = new List<DailyStatistics>(merged.Values);
        rows.Sort(static (a, b) =>
        {
            var c = a.Date.CompareTo(b.Date);
            c = c != 0 ? c : string.CompareOrdinal(a.ClientId, b.ClientId);
            return c != 0 ? c : string.CompareOrdinal(a.CampaignId, b.CampaignId);
        });
        return rows;
    }

    /// <summary>
    /// Writes the pending counts to the store in one call and, once the store accepted them, subtracts exactly what was
    /// written. When the store throws, nothing is subtracted and the exception is thrown: the counts are written by a
    /// later flush. Flushes do not overlap. Counter sets of dates more than a day past (in the reporting zone) that are
    /// empty after the flush are dropped from memory (a later count for such a date starts a new set).
    /// </summary>
    /// <returns>How many rows were written (0 when nothing was pending).</returns>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PruneCountedOutcomes();
            var retiredBefore = _retired;
            var pending = CollectPending();
            if (pending.Count > 0)
            {
                var rows = new DailyStatistics[pending.Count];
                for (var i = 0; i < rows.Length; i++)
                {
                    rows[i] = pending[i].Row;
                }

                try
                {
                    await _store.AddDailyStatisticsAsync(rows, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    PersistenceMetrics.StatisticsFailureCounter.Add(1);
                    throw;
                }

                PersistenceMetrics.StatisticsRowsCounter.Add(rows.Length);
                foreach (var (source, row) in pending)
                {
                    Subtract(source, row);
                }
            }

            Retire(retiredBefore);
            return pending.Count;
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Releases the flush lock. Counts not flushed are lost: flush before disposing (the background flusher does when the host stops).</summary>
    public void Dispose() => _flushGate.Dispose();

    /// <summary>Flushes, logging (not throwing) a failure; used by the background flusher.</summary>
    internal async Task TryFlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed flush keeps its counts for the next one; the host keeps running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFlushFailed(_logger, _store.Provider, ex);
        }
    }

    private List<(Counters Source, DailyStatistics Row)> CollectPending()
    {
        var pending = new List<(Counters, DailyStatistics)>();
        foreach (var (_, counters) in _counters)
        {
            if (Snapshot(counters) is { } row)
            {
                pending.Add((counters, row));
            }
        }

        foreach (var counters in _retired)
        {
            if (Snapshot(counters) is { } row)
            {
                pending.Add((counters, row));
            }
        }

        return pending;
    }

    // Called after a successful flush (or with nothing to flush). A retired set was removed from the map one flush ago,
    // so no new count reaches it; it is dropped once a flush has written it and left it empty. An increment that was in
    // flight when it was removed still lands in it and is written by the next flush (a caller would have to stall for a
    // whole flush interval to miss that).
    private void Retire(Counters[] retiredBefore)
    {
        var keep = new List<Counters>();
        foreach (var counters in retiredBefore)
        {
            if (!counters.IsEmpty)
            {
                keep.Add(counters);
            }
        }

        var oldest = _timeProvider.GetCurrentInstant().InZone(_zone).Date.PlusDays(-1);
        foreach (var (key, counters) in _counters)
        {
            if (key.Date < oldest && counters.IsEmpty && _counters.TryRemove(new KeyValuePair<Key, Counters>(key, counters)))
            {
                keep.Add(counters);
            }
        }

        _retired = [.. keep];
    }

    private static DailyStatistics? Snapshot(Counters counters)
    {
        var requests = Interlocked.Read(ref counters.Requests);
        var admitted = Interlocked.Read(ref counters.Admitted);
        var denied = Interlocked.Read(ref counters.Denied);
        var byReason = SnapshotCounts(counters.DeniedByReason);
        var outcomes = SnapshotCounts(counters.Outcomes);
        if (requests == 0 && admitted == 0 && denied == 0 && byReason.Count == 0 && outcomes.Count == 0)
        {
            return null;
        }

        return new DailyStatistics
        {
            Date = counters.Key.Date,
            ClientId = counters.Key.ClientId,
            CampaignId = counters.Key.CampaignId,
            Requests = requests,
            Admitted = admitted,
            Denied = denied,
            DeniedByReason = byReason,
            Outcomes = outcomes,
        };
    }

    private static Dictionary<string, long> SnapshotCounts(ConcurrentDictionary<string, StrongBox<long>> source)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, box) in source)
        {
            var value = Interlocked.Read(ref box.Value);
            if (value != 0)
            {
                result[code] = value;
            }
        }

        return result;
    }

    private static DailyStatistics Sum(DailyStatistics a, DailyStatistics b)
    {
        static Dictionary<string, long> Add(IReadOnlyDictionary<string, long> x, IReadOnlyDictionary<string, long> y)
        {
            var d = new Dictionary<string, long>(x, StringComparer.Ordinal);
            foreach (var (k, v) in y)
            {
                d[k] = d.GetValueOrDefault(k) + v;
            }

            return d;
        }

        return a with
        {
            Requests = a.Requests + b.Requests,
            Admitted = a.Admitted + b.Admitted,
            Denied = a.Denied + b.Denied,
            DeniedByReason = Add(a.DeniedByReason, b.DeniedByReason),
            Outcomes = Add(a.Outcomes, b.Outcomes),
        };
    }

    private static void Subtract(Counters counters, DailyStatistics row)
    {
        Interlocked.Add(ref counters.Requests, -row.Requests);
        Interlocked.Add(ref counters.Admitted, -row.Admitted);
        Interlocked.Add(ref counters.Denied, -row.Denied);
        foreach (var (code, value) in row.DeniedByReason)
        {
            Interlocked.Add(ref counters.DeniedByReason[code].Value, -value);
        }

        foreach (var (code, value) in row.Outcomes)
        {
            Interlocked.Add(ref counters.Outcomes[code].Value, -value);
        }
    }

    private void PruneCountedOutcomes()
    {
        if (_countedOutcomes.IsEmpty)
        {
            return;
        }

        var oldest = (_timeProvider.GetCurrentInstant() - _deduplicationWindow).ToUnixTimeTicks();
        foreach (var (attemptId, countedAt) in _countedOutcomes)
        {
            if (countedAt < oldest)
            {
                _countedOutcomes.TryRemove(new KeyValuePair<string, long>(attemptId, countedAt));
            }
        }
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Writing daily statistics to the {Provider} store failed; the counts are kept for the next flush.")]
    private static partial void LogFlushFailed(ILogger logger, string provider, Exception exception);

    private readonly record struct Key(LocalDate Date, string ClientId, string CampaignId);

    private sealed class Counters(Key key)
    {
        public readonly Key Key = key;
        public readonly ConcurrentDictionary<string, StrongBox<long>> DeniedByReason = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, StrongBox<long>> Outcomes = new(StringComparer.Ordinal);
        public long Requests;
        public long Admitted;
        public long Denied;

        public bool IsEmpty
        {
            get
            {
                if (Interlocked.Read(ref Requests) != 0 || Interlocked.Read(ref Admitted) != 0 || Interlocked.Read(ref Denied) != 0)
                {
                    return false;
                }

                foreach (var (_, box) in DeniedByReason)
                {
                    if (Interlocked.Read(ref box.Value) != 0)
                    {
                        return false;
                    }
                }

                foreach (var (_, box) in Outcomes)
                {
                    if (Interlocked.Read(ref box.Value) != 0)
                    {
                        return false;
                    }
                }

                return true;
            }
        }
    }
}
