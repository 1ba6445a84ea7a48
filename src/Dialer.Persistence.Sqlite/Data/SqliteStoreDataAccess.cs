using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// <see cref="IStoreDataAccess"/> on SQLite. Reads stream from a pooled reader connection inside one read transaction
/// (a consistent snapshot) through the same validating row readers as the ports, so a corrupt row fails the store closed
/// rather than being skipped. Every write (import, statistics, purge, erasure) is one operation on the writer thread,
/// inside its <c>BEGIN IMMEDIATE</c> transaction and under its own savepoint: all of it commits or none of it does.
/// Import validates the whole set before queuing the write.
/// </summary>
internal sealed class SqliteStoreDataAccess : IStoreDataAccess
{
    private const long NoLowerBound = long.MinValue;
    private const long NoUpperBound = long.MaxValue;

    private const string AttemptsSelect = "SELECT " + SqliteAttemptLedger.AttemptColumns + " FROM attempts ";
    private const string AttemptsAll = AttemptsSelect + "WHERE recorded_at >= $from AND recorded_at < $to ORDER BY recorded_at, attempt_id";
    private const string AttemptsByPhone = AttemptsSelect + "WHERE phone = $phone AND recorded_at >= $from AND recorded_at < $to ORDER BY recorded_at, attempt_id";
    private const string BlocksAll = "SELECT " + SqliteAttemptLedger.BlockColumns + " FROM blocks ORDER BY block_id";
    private const string BlocksByPhone = "SELECT " + SqliteAttemptLedger.BlockColumns + " FROM blocks WHERE phone = $phone ORDER BY block_id";
    private const string RedialAll = "SELECT " + SqliteRedialQueue.Columns + " FROM redial_queue ORDER BY lead_id";
    private const string RedialByPhone = "SELECT " + SqliteRedialQueue.Columns + " FROM redial_queue WHERE phone = $phone ORDER BY lead_id";
    private const string AmColumns = "SELECT rowid, phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM am_numbers ";
    private const string AmAll = AmColumns + "ORDER BY phone";
    private const string AmByPhone = AmColumns + "WHERE phone = $phone";
    private const string CampaignsAll = "SELECT " + SqliteCampaignStore.Columns + " FROM campaigns ORDER BY campaign_id";
    private const string StatisticsRange =
        "SELECT " + SqliteDailyStatistics.Columns + " FROM daily_statistics WHERE ($from IS NULL OR date >= $from) AND ($to IS NULL OR date <= $to) " +
        "ORDER BY date, client_id, campaign_id";

    private const string InsertAttempt =
        "INSERT INTO attempts (attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at) " +
        "VALUES ($id, $phone, $lead, $client, $campaign, $subject, $at, $code, $category, $outcomeAt) ON CONFLICT (attempt_id) DO NOTHING";

    private const string InsertBlock =
        "INSERT INTO blocks (block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id) " +
        "VALUES ($id, $kind, $target, $phone, $lead, $scope, $scopeId, $created, $until, $reason, $source) ON CONFLICT (block_id) DO NOTHING";

    private const string InsertRedial =
        "INSERT INTO redial_queue (lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key, is_callback, " +
        "kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count) " +
        "VALUES ($lead, $call, $phone, $client, $campaign, $zone, $region, $postal, $subject, $callback, $kind, $attempt, $due, $flags, $reason, " +
        "$state, $enqueued, $updated, NULL, NULL, $count) ON CONFLICT (lead_id) DO NOTHING";

    private const string InsertAm =
        "INSERT INTO am_numbers (phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at) " +
        "VALUES ($phone, $consecutive, $machines, $outcomes, $last) ON CONFLICT (phone) DO NOTHING";

    private const string InsertCampaign =
        "INSERT INTO campaigns (campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor, in_flight_call_id, processed, total_leads, " +
        "outcome_counts, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at) VALUES " +
        "($id, $client, $name, $state, $error, $epoch, $owner, $heartbeat, $cursor, $inflight, $processed, $total, $outcomes, $errors, $consecutive, " +
        "$created, $updated, $started, $ended) ON CONFLICT (campaign_id) DO NOTHING";

    /// <summary>Every data table, children first: what <see cref="StoreImportMode.Replace"/> empties (slot leases included).</summary>
    private static readonly string[] ReplaceDeletes =
    [
        "DELETE FROM slot_lease_scopes", "DELETE FROM slot_leases", "DELETE FROM am_attempts", "DELETE FROM am_numbers", "DELETE FROM attempts",
        "DELETE FROM blocks", "DELETE FROM redial_queue", "DELETE FROM campaigns", "DELETE FROM daily_statistics",
    ];

    private readonly SqliteDialerStore _store;

    public SqliteStoreDataAccess(SqliteDialerStore store)
    {
        _store = store;
    }

    public string Provider => "sqlite";

    public IAsyncEnumerable<AttemptEntry> ReadAttemptsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var phone = PhoneOf(filter);
        var from = filter.From is { } f ? Sql.Ticks(f) : NoLowerBound;
        var to = filter.To is { } t ? Sql.Ticks(t) : NoUpperBound;
        return _store.ReadStream(
            phone is null ? AttemptsAll : AttemptsByPhone,
            command =>
            {
                command.With("$from", from).With("$to", to);
                if (phone is { } p)
                {
                    command.With("$phone", p);
                }
            },
            SqliteAttemptLedger.ReadAttempt,
            cancellationToken);
    }

    public IAsyncEnumerable<ProtectionBlock> ReadBlocksAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var phone = PhoneOf(filter);
        return _store.ReadStream(phone is null ? BlocksAll : BlocksByPhone, BindPhone(phone), SqliteAttemptLedger.ReadBlock, cancellationToken);
    }

    public IAsyncEnumerable<RedialItem> ReadRedialItemsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var phone = PhoneOf(filter);
        return _store.ReadStream(phone is null ? RedialAll : RedialByPhone, BindPhone(phone), static r => WithoutClaim(SqliteRedialQueue.ReadItem(r)), cancellationToken);
    }

    public IAsyncEnumerable<AnsweringMachineStats> ReadAnsweringMachineStatsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var phone = PhoneOf(filter);
        return _store.ReadStream(phone is null ? AmAll : AmByPhone, BindPhone(phone), SqliteAnsweringMachineTracker.ReadRow, cancellationToken);
    }

    public IAsyncEnumerable<CampaignSnapshot> ReadCampaignsAsync(CancellationToken cancellationToken = default) =>
        _store.ReadStream(CampaignsAll, null, SqliteCampaignStore.ReadRow, cancellationToken);

    public IAsyncEnumerable<DailyStatistics> ReadDailyStatisticsAsync(LocalDate? from, LocalDate? to, CancellationToken cancellationToken = default)
    {
        var fromText = from is { } f ? SqliteDailyStatistics.FormatDate(Clamp(f)) : null;
        var toText = to is { } t ? SqliteDailyStatistics.FormatDate(Clamp(t)) : null;
        return _store.ReadStream(
            StatisticsRange,
            command => command.With("$from", fromText).With("$to", toText),
            SqliteDailyStatistics.ReadRow,
            cancellationToken);
    }

    public ValueTask<StoreDataSet> ReadSnapshotAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        var phone = PhoneOf(filter);
        var from = filter.From is { } f ? Sql.Ticks(f) : NoLowerBound;
        var to = filter.To is { } t ? Sql.Ticks(t) : NoUpperBound;
        var bindPhone = BindPhone(phone);
        return new(_store.Read(
            (_, s) => new StoreDataSet
            {
                Attempts = ReadAll(s, phone is null ? AttemptsAll : AttemptsByPhone, c =>
                {
                    c.With("$from", from).With("$to", to);
                    bindPhone?.Invoke(c);
                }, SqliteAttemptLedger.ReadAttempt),
                Blocks = ReadAll(s, phone is null ? BlocksAll : BlocksByPhone, bindPhone, SqliteAttemptLedger.ReadBlock),
                RedialItems = ReadAll(s, phone is null ? RedialAll : RedialByPhone, bindPhone, static r => WithoutClaim(SqliteRedialQueue.ReadItem(r))),
                AnsweringMachineStats = ReadAll(s, phone is null ? AmAll : AmByPhone, bindPhone, SqliteAnsweringMachineTracker.ReadRow),
                Campaigns = phone is null ? ReadAll(s, CampaignsAll, null, SqliteCampaignStore.ReadRow) : [],
                DailyStatistics = phone is null
                    ? ReadAll(s, StatisticsRange, static c => c.With("$from", (string?)null).With("$to", (string?)null), SqliteDailyStatistics.ReadRow)
                    : [],
            },
            cancellationToken));
    }

    private static List<T> ReadAll<T>(SqliteSession session, string sql, Action<SqliteCommand>? bind, Func<SqliteDataReader, T> map)
    {
        var command = session.Command(sql);
        bind?.Invoke(command);
        var list = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(map(reader));
        }

        return list;
    }

    public ValueTask<StoreDataCounts> ImportAsync(StoreDataSet data, StoreImportMode mode, CancellationToken cancellationToken = default)
    {
        StoreDataValidation.Validate(data, nameof(data));
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode = {(int)mode} is not a defined {nameof(StoreImportMode)}.");
        }

        // The lists are the caller's; copy them so a change after this call cannot reach the writer thread.
        var copy = new StoreDataSet
        {
            Attempts = [.. data.Attempts],
            Blocks = [.. data.Blocks],
            RedialItems = [.. data.RedialItems],
            AnsweringMachineStats = [.. data.AnsweringMachineStats],
            Campaigns = [.. data.Campaigns],
            DailyStatistics = [.. data.DailyStatistics],
        };
        return LogImportAsync(_store.WriteAsync((_, s) => Import(s, copy, mode), cancellationToken), copy.Counts.Total, mode);
    }

    public ValueTask AddDailyStatisticsAsync(IReadOnlyList<DailyStatistics> increments, CancellationToken cancellationToken = default)
    {
        StoreDataValidation.ValidateIncrements(increments, nameof(increments));
        DailyStatistics[] copy = [.. increments];
        return new(_store.WriteAsync((_, s) => { AddStatistics(s, copy); return true; }, cancellationToken).AsTask());
    }

    public ValueTask<StoreDataCounts> PurgeAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        if (cutoffs.DailyStatisticsBefore is { Year: < 1 or > 9999 } date)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffs), date, $"cutoffs.DailyStatisticsBefore = {date}: must be in the years 1 to 9999.");
        }

        return LogPurgeAsync(_store.WriteAsync((_, s) => Purge(s, cutoffs), cancellationToken));
    }

    public ValueTask<StoreDataCounts> EraseNumberAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }

        var p = (long)phone.Value;
        return LogEraseAsync(phone, _store.WriteAsync(
            (_, s) => new StoreDataCounts(
                s.Command("DELETE FROM attempts WHERE phone = $phone").With("$phone", p).ExecuteNonQuery(),
                s.Command("DELETE FROM blocks WHERE phone = $phone AND kind <> $dnc").With("$phone", p).With("$dnc", (long)BlockKind.DoNotCall).ExecuteNonQuery(),
                s.Command("DELETE FROM redial_queue WHERE phone = $phone").With("$phone", p).ExecuteNonQuery(),
                DeleteAnsweringMachine(s, p),
                0,
                0),
            cancellationToken));
    }

    private async ValueTask<StoreDataCounts> LogImportAsync(ValueTask<StoreDataCounts> write, long offered, StoreImportMode mode)
    {
        var counts = await write.ConfigureAwait(false);
        if (_store.Logger.IsEnabled(LogLevel.Information))
        {
            SqliteLog.Imported(_store.Logger, _store.FilePath, counts.Total, offered, mode);
        }

        return counts;
    }

    private async ValueTask<StoreDataCounts> LogPurgeAsync(ValueTask<StoreDataCounts> write)
    {
        var counts = await write.ConfigureAwait(false);
        if (_store.Logger.IsEnabled(LogLevel.Information))
        {
            SqliteLog.Purged(_store.Logger, _store.FilePath, counts.Total, counts);
        }

        return counts;
    }

    private async ValueTask<StoreDataCounts> LogEraseAsync(PhoneNumber phone, ValueTask<StoreDataCounts> write)
    {
        var counts = await write.ConfigureAwait(false);
        if (_store.Logger.IsEnabled(LogLevel.Information))
        {
            var masked = phone.ToMaskedString();
            SqliteLog.Erased(_store.Logger, _store.FilePath, counts.Total, masked);
        }

        return counts;
    }

    // ------------------------------------------------------------------ inside the writer's transaction

    private static StoreDataCounts Import(SqliteSession s, StoreDataSet data, StoreImportMode mode)
    {
        if (mode == StoreImportMode.Replace)
        {
            foreach (var delete in ReplaceDeletes)
            {
                s.Execute(delete);
            }
        }

        long attempts = 0, blocks = 0, items = 0, machines = 0, campaigns = 0, statistics = 0;
        foreach (var e in data.Attempts)
        {
            attempts += s.Command(InsertAttempt)
                .With("$id", e.AttemptId).With("$phone", (long)e.Phone.Value).With("$lead", e.LeadId).With("$client", e.ClientId)
                .With("$campaign", e.CampaignId).With("$subject", e.SubjectKey).With("$at", e.RecordedAt).With("$code", e.OutcomeCode)
                .With("$category", e.OutcomeCategory is { } c ? (long)c : null).With("$outcomeAt", e.OutcomeAt)
                .ExecuteNonQuery();
        }

        foreach (var b in data.Blocks)
        {
            blocks += s.Command(InsertBlock)
                .With("$id", b.Id).With("$kind", (long)b.Kind).With("$target", (long)b.Target).With("$phone", (long)b.Phone.Value)
                .With("$lead", b.LeadId).With("$scope", (long)b.Scope).With("$scopeId", b.ScopeId).With("$created", b.CreatedAt)
                .With("$until", b.Until).With("$reason", b.Reason).With("$source", b.SourceAttemptId)
                .ExecuteNonQuery();
        }

        foreach (var item in data.RedialItems)
        {
            var r = item.Request;
            var e = item.Entry;
            var state = item.State == RedialItemState.Claimed ? RedialItemState.Pending : item.State;
            items += s.Command(InsertRedial)
                .With("$lead", r.LeadId).With("$call", r.CallId).With("$phone", (long)r.Phone.Value).With("$client", r.ClientId)
                .With("$campaign", r.CampaignId).With("$zone", r.CalleeZoneId).With("$region", r.RegionCode).With("$postal", r.PostalCode)
                .With("$subject", r.SubjectKey).With("$callback", r.IsCallback ? 1 : 0).With("$kind", (long)e.Kind).With("$attempt", e.Attempt)
                .With("$due", e.DueAt).With("$flags", (long)e.Flags).With("$reason", e.Reason).With("$state", (long)state)
                .With("$enqueued", item.EnqueuedAt).With("$updated", item.UpdatedAt).With("$count", item.ClaimCount)
                .ExecuteNonQuery();
        }

        foreach (var m in data.AnsweringMachineStats)
        {
            machines += s.Command(InsertAm)
                .With("$phone", (long)m.Phone.Value).With("$consecutive", m.ConsecutiveMachines).With("$machines", m.TotalMachines)
                .With("$outcomes", m.TotalOutcomes).With("$last", m.LastOutcomeAt)
                .ExecuteNonQuery();
        }

        foreach (var c in data.Campaigns)
        {
            campaigns += s.Command(InsertCampaign)
                .With("$id", c.Id).With("$client", c.ClientId).With("$name", c.Name).With("$state", (long)c.State).With("$error", c.Error)
                .With("$epoch", c.Epoch).With("$owner", c.OwnerId).With("$heartbeat", c.HeartbeatAt).With("$cursor", c.Cursor)
                .With("$inflight", c.InFlightCallId).With("$processed", c.Processed).With("$total", c.TotalLeads)
                .With("$outcomes", SqliteCampaignStore.WriteCounts(c.OutcomeCounts)).With("$errors", c.PlacementErrors)
                .With("$consecutive", c.ConsecutivePlacementErrors).With("$created", c.CreatedAt).With("$updated", c.UpdatedAt)
                .With("$started", c.StartedAt).With("$ended", c.EndedAt)
                .ExecuteNonQuery();
        }

        foreach (var row in data.DailyStatistics)
        {
            statistics += SqliteDailyStatistics.Bind(s.Command(SqliteDailyStatistics.Insert), row).ExecuteNonQuery();
        }

        return new StoreDataCounts(attempts, blocks, items, machines, campaigns, statistics);
    }

    private static void AddStatistics(SqliteSession s, DailyStatistics[] increments)
    {
        foreach (var increment in increments)
        {
            DailyStatistics? current;
            using (var reader = s.Command(SqliteDailyStatistics.SelectByKey)
                .With("$date", SqliteDailyStatistics.FormatDate(increment.Date)).With("$client", increment.ClientId).With("$campaign", increment.CampaignId)
                .ExecuteReader())
            {
                current = reader.Read() ? SqliteDailyStatistics.ReadRow(reader) : null;
            }

            if (current is null)
            {
                SqliteDailyStatistics.Bind(s.Command(SqliteDailyStatistics.Insert), increment).ExecuteNonQuery();
                continue;
            }

            var sum = current with
            {
                Requests = checked(current.Requests + increment.Requests),
                Admitted = checked(current.Admitted + increment.Admitted),
                Denied = checked(current.Denied + increment.Denied),
                DeniedByReason = Add(current.DeniedByReason, increment.DeniedByReason),
                Outcomes = Add(current.Outcomes, increment.Outcomes),
            };
            SqliteDailyStatistics.Bind(s.Command(SqliteDailyStatistics.Update), sum).ExecuteNonQuery();
        }
    }

    private static Dictionary<string, long> Add(IReadOnlyDictionary<string, long> current, IReadOnlyDictionary<string, long> increment)
    {
        var sum = new Dictionary<string, long>(current, StringComparer.Ordinal);
        foreach (var (code, count) in increment)
        {
            sum[code] = checked(sum.GetValueOrDefault(code) + count);
        }

        return sum;
    }

    private static StoreDataCounts Purge(SqliteSession s, RetentionCutoffs cutoffs)
    {
        long attempts = 0, blocks = 0, items = 0, machines = 0, campaigns = 0, statistics = 0;
        if (cutoffs.AttemptsRecordedBefore is { } a)
        {
            attempts = s.Command("DELETE FROM attempts WHERE recorded_at < $t").With("$t", a).ExecuteNonQuery();
        }

        if (cutoffs.BlocksExpiredBefore is { } b)
        {
            // until_at IS NULL: permanent blocks and do-not-call entries without expiry are never purged.
            blocks = s.Command("DELETE FROM blocks WHERE until_at IS NOT NULL AND until_at < $t").With("$t", b).ExecuteNonQuery();
        }

        if (cutoffs.RedialItemsFinishedBefore is { } r)
        {
            items = s.Command("DELETE FROM redial_queue WHERE state IN ($completed, $cancelled) AND updated_at < $t")
                .With("$completed", (long)RedialItemState.Completed).With("$cancelled", (long)RedialItemState.Cancelled).With("$t", r).ExecuteNonQuery();
        }

        if (cutoffs.AnsweringMachineStatsBefore is { } m)
        {
            // A row without any outcome holds nothing worth keeping (the tracker's own purge does the same).
            machines = s.Command("DELETE FROM am_numbers WHERE last_outcome_at IS NULL OR last_outcome_at < $t").With("$t", m).ExecuteNonQuery();
        }

        if (cutoffs.CampaignsEndedBefore is { } c)
        {
            campaigns = s.Command("DELETE FROM campaigns WHERE state IN ($completed, $cancelled, $failed) AND ended_at IS NOT NULL AND ended_at < $t")
                .With("$completed", (long)CampaignState.Completed).With("$cancelled", (long)CampaignState.Cancelled).With("$failed", (long)CampaignState.Failed)
                .With("$t", c).ExecuteNonQuery();
        }

        if (cutoffs.DailyStatisticsBefore is { } d)
        {
            statistics = s.Command("DELETE FROM daily_statistics WHERE date < $d").With("$d", SqliteDailyStatistics.FormatDate(d)).ExecuteNonQuery();
        }

        return new StoreDataCounts(attempts, blocks, items, machines, campaigns, statistics);
    }

    private static int DeleteAnsweringMachine(SqliteSession s, long phone)
    {
        s.Command("DELETE FROM am_attempts WHERE phone = $phone").With("$phone", phone).ExecuteNonQuery();
        return s.Command("DELETE FROM am_numbers WHERE phone = $phone").With("$phone", phone).ExecuteNonQuery();
    }

    // ------------------------------------------------------------------ helpers

    private static long? PhoneOf(StoreDataFilter filter)
    {
        if (filter.Phone is not { } phone)
        {
            return null;
        }

        if (phone.IsDefault)
        {
            throw new ArgumentException("filter.Phone is default(PhoneNumber); a valid E.164 number (or null for every number) is required.", nameof(filter));
        }

        return (long)phone.Value;
    }

    private static Action<SqliteCommand>? BindPhone(long? phone) =>
        phone is { } p ? command => command.With("$phone", p) : null;

    private static RedialItem WithoutClaim(RedialItem item) => item.State == RedialItemState.Claimed
        ? new RedialItem(item.Entry, RedialItemState.Pending, item.EnqueuedAt, item.UpdatedAt, claimCount: item.ClaimCount)
        : item;

    private static LocalDate Clamp(LocalDate date) =>
        date.Year < 1 ? new LocalDate(1, 1, 1) : date.Year > 9999 ? new LocalDate(9999, 12, 31) : date;
}
