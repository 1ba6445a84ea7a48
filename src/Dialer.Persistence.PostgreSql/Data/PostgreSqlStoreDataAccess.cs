using System.Runtime.CompilerServices;
using System.Text.Json;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="IStoreDataAccess"/> on PostgreSQL. Reads stream rows from one <see cref="NpgsqlDataReader"/> (one
/// statement, so one snapshot) through the same row parsers as the ports: a corrupt row is quarantined and fails the
/// store closed rather than being skipped. Writes are one transaction each: an import validates the whole set first
/// (nothing is sent for an invalid one), then inserts each data type with one multi-row <c>INSERT … SELECT FROM
/// unnest(…)</c> (<c>ON CONFLICT DO NOTHING</c> under merge; replace deletes every data row first); statistics are one
/// upsert that adds counters in SQL (<c>add_counts</c> for the per-code maps), so concurrent writers never lose an
/// increment; purge and erasure are single statements deleting from every table at once.
/// </summary>
internal sealed class PostgreSqlStoreDataAccess : IStoreDataAccess
{
    private const string StatisticsColumns = "stat_date, client_id, campaign_id, requests, admitted, denied, denied_by_reason::text, outcomes::text";

    private readonly PgContext _context;
    private readonly string _attemptsAll, _attemptsByPhone, _blocksAll, _blocksByPhone, _redialAll, _redialByPhone, _amAll, _amByPhone,
        _campaignsAll, _statistics, _replace, _insertAttempts, _insertBlocks, _insertRedial, _insertAm, _insertCampaigns, _insertStatistics,
        _addStatistics, _purge, _erase;

    public PostgreSqlStoreDataAccess(PgContext context)
    {
        _context = context;
        const string attempts = "SELECT " + PostgreSqlAttemptLedger.EntryColumns + " FROM {s}.attempts WHERE recorded_at >= $1 AND recorded_at < $2";
        const string attemptsOrder = " ORDER BY recorded_at, attempt_id COLLATE \"C\"";
        _attemptsAll = context.Sql(attempts + attemptsOrder);
        _attemptsByPhone = context.Sql(attempts + " AND phone = $3" + attemptsOrder);
        _blocksAll = context.Sql("SELECT " + PostgreSqlAttemptLedger.BlockColumns + " FROM {s}.blocks ORDER BY block_id COLLATE \"C\"");
        _blocksByPhone = context.Sql("SELECT " + PostgreSqlAttemptLedger.BlockColumns + " FROM {s}.blocks WHERE phone = $1 ORDER BY block_id COLLATE \"C\"");
        _redialAll = context.Sql("SELECT " + PostgreSqlRedialQueue.Columns + " FROM {s}.redial_queue ORDER BY lead_id COLLATE \"C\"");
        _redialByPhone = context.Sql("SELECT " + PostgreSqlRedialQueue.Columns + " FROM {s}.redial_queue WHERE phone = $1 ORDER BY lead_id COLLATE \"C\"");
        _amAll = context.Sql("SELECT phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM {s}.am_numbers ORDER BY phone");
        _amByPhone = context.Sql("SELECT phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM {s}.am_numbers WHERE phone = $1");
        _campaignsAll = context.Sql("SELECT " + PostgreSqlCampaignStore.Columns + " FROM {s}.campaigns ORDER BY campaign_id COLLATE \"C\"");
        _statistics = context.Sql(
            "SELECT " + StatisticsColumns + " FROM {s}.daily_statistics WHERE ($1::date IS NULL OR stat_date >= $1) AND ($2::date IS NULL OR stat_date <= $2) " +
            "ORDER BY stat_date, client_id COLLATE \"C\", campaign_id COLLATE \"C\"");

        // Every data table (slot leases included); not the schema version or the quarantine.
        _replace = context.Sql("""
            WITH l AS (DELETE FROM {s}.slot_leases), x AS (DELETE FROM {s}.am_attempts), m AS (DELETE FROM {s}.am_numbers),
                 a AS (DELETE FROM {s}.attempts), b AS (DELETE FROM {s}.blocks), r AS (DELETE FROM {s}.redial_queue),
                 c AS (DELETE FROM {s}.campaigns), d AS (DELETE FROM {s}.daily_statistics)
            SELECT 1
            """);
        _insertAttempts = context.Sql("""
            INSERT INTO {s}.attempts (attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::smallint[], $10::bigint[])
            ON CONFLICT (attempt_id) DO NOTHING
            """);
        _insertBlocks = context.Sql("""
            INSERT INTO {s}.blocks (block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id)
            SELECT * FROM unnest($1::text[], $2::smallint[], $3::smallint[], $4::bigint[], $5::text[], $6::smallint[], $7::text[], $8::bigint[], $9::bigint[], $10::text[], $11::text[])
                WITH ORDINALITY AS u(block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id, n)
            ORDER BY n
            ON CONFLICT (block_id) DO NOTHING
            """.Replace("SELECT *", "SELECT block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id", StringComparison.Ordinal));
        _insertRedial = context.Sql("""
            INSERT INTO {s}.redial_queue (lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key,
                is_callback, kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count)
            SELECT u.*, NULL, NULL, c.claim_count FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::boolean[], $11::smallint[], $12::integer[], $13::bigint[], $14::integer[], $15::text[], $16::smallint[], $17::bigint[], $18::bigint[])
                WITH ORDINALITY AS u(lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key,
                    is_callback, kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, n)
            JOIN unnest($19::integer[]) WITH ORDINALITY AS c(claim_count, n) ON c.n = u.n
            ON CONFLICT (lead_id) DO NOTHING
            """.Replace("SELECT u.*,", "SELECT u.lead_id, u.call_id, u.phone, u.client_id, u.campaign_id, u.callee_zone_id, u.region_code, u.postal_code, u.subject_key, u.is_callback, u.kind, u.attempt, u.due_at, u.flags, u.reason, u.state, u.enqueued_at, u.updated_at,", StringComparison.Ordinal));
        _insertAm = context.Sql("""
            INSERT INTO {s}.am_numbers (phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at)
            SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::integer[], $5::bigint[])
            ON CONFLICT (phone) DO NOTHING
            """);
        _insertCampaigns = context.Sql("""
            INSERT INTO {s}.campaigns (campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor_pos, in_flight_call_id, processed,
                total_leads, outcome_counts, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at)
            SELECT u.campaign_id, u.client_id, u.name, u.state, u.error, u.epoch, u.owner_id, u.heartbeat_at, u.cursor_pos, u.in_flight_call_id, u.processed,
                u.total_leads, u.outcome_counts::jsonb, u.placement_errors, u.consecutive_placement_errors, u.created_at, u.updated_at, u.started_at, u.ended_at
            FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::bigint[], $10::text[],
                $11::bigint[], $12::bigint[], $13::text[], $14::bigint[], $15::integer[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[])
                AS u(campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor_pos, in_flight_call_id, processed,
                    total_leads, outcome_counts, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at)
            ON CONFLICT (campaign_id) DO NOTHING
            """);
        const string statisticsValues = """
            SELECT u.stat_date, u.client_id, u.campaign_id, u.requests, u.admitted, u.denied, u.denied_by_reason::jsonb, u.outcomes::jsonb
            FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
                AS u(stat_date, client_id, campaign_id, requests, admitted, denied, denied_by_reason, outcomes)
            """;
        const string statisticsInsert = "INSERT INTO {s}.daily_statistics AS d (stat_date, client_id, campaign_id, requests, admitted, denied, denied_by_reason, outcomes) ";
        _insertStatistics = context.Sql(statisticsInsert + statisticsValues + " ON CONFLICT (stat_date, client_id, campaign_id) DO NOTHING");
        _addStatistics = context.Sql(statisticsInsert + statisticsValues + """
             ON CONFLICT (stat_date, client_id, campaign_id) DO UPDATE SET
                requests = d.requests + EXCLUDED.requests,
                admitted = d.admitted + EXCLUDED.admitted,
                denied = d.denied + EXCLUDED.denied,
                denied_by_reason = {s}.add_counts(d.denied_by_reason, EXCLUDED.denied_by_reason),
                outcomes = {s}.add_counts(d.outcomes, EXCLUDED.outcomes)
            """);
        _purge = context.Sql($$"""
            WITH a AS (DELETE FROM {s}.attempts WHERE $1::bigint IS NOT NULL AND recorded_at < $1 RETURNING 1),
                 b AS (DELETE FROM {s}.blocks WHERE $2::bigint IS NOT NULL AND until_at IS NOT NULL AND until_at < $2 RETURNING 1),
                 r AS (DELETE FROM {s}.redial_queue WHERE $3::bigint IS NOT NULL AND state IN ({{(int)RedialItemState.Completed}}, {{(int)RedialItemState.Cancelled}}) AND updated_at < $3 RETURNING 1),
                 m AS (DELETE FROM {s}.am_numbers WHERE $4::bigint IS NOT NULL AND (last_outcome_at IS NULL OR last_outcome_at < $4) RETURNING phone),
                 x AS (DELETE FROM {s}.am_attempts t USING m WHERE t.phone = m.phone),
                 c AS (DELETE FROM {s}.campaigns WHERE $5::bigint IS NOT NULL AND state IN ({{(int)CampaignState.Completed}}, {{(int)CampaignState.Cancelled}}, {{(int)CampaignState.Failed}})
                       AND ended_at IS NOT NULL AND ended_at < $5 RETURNING 1),
                 d AS (DELETE FROM {s}.daily_statistics WHERE $6::date IS NOT NULL AND stat_date < $6 RETURNING 1)
            SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT count(*) FROM r), (SELECT count(*) FROM m), (SELECT count(*) FROM c), (SELECT count(*) FROM d)
            """);
        _erase = context.Sql($$"""
            WITH a AS (DELETE FROM {s}.attempts WHERE phone = $1 RETURNING 1),
                 b AS (DELETE FROM {s}.blocks WHERE phone = $1 AND kind <> {{(int)BlockKind.DoNotCall}} RETURNING 1),
                 r AS (DELETE FROM {s}.redial_queue WHERE phone = $1 RETURNING 1),
                 x AS (DELETE FROM {s}.am_attempts WHERE phone = $1),
                 m AS (DELETE FROM {s}.am_numbers WHERE phone = $1 RETURNING 1)
            SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b), (SELECT count(*) FROM r), (SELECT count(*) FROM m), 0::bigint, 0::bigint
            """);
    }

    public string Provider => PostgreSqlStore.ProviderName;

    // ------------------------------------------------------------------ reads

    public IAsyncEnumerable<AttemptEntry> ReadAttemptsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default) =>
        Attempts(null, filter, cancellationToken);

    private IAsyncEnumerable<AttemptEntry> Attempts(NpgsqlConnection? shared, StoreDataFilter filter, CancellationToken cancellationToken)
    {
        var phone = PhoneOf(filter);
        var from = filter.From is { } f ? PgContext.Ticks(f) : long.MinValue;
        var to = filter.To is { } t ? PgContext.Ticks(t) : long.MaxValue;
        return StreamAsync(
            shared,
            phone is null ? _attemptsAll : _attemptsByPhone,
            command =>
            {
                PgContext.Add(command, from);
                PgContext.Add(command, to);
                if (phone is { } p)
                {
                    PgContext.Add(command, p);
                }
            },
            PostgreSqlAttemptLedger.ParseAttempt,
            "attempts",
            "attempt_id",
            static r => r.GetString(0),
            cancellationToken);
    }

    public IAsyncEnumerable<ProtectionBlock> ReadBlocksAsync(StoreDataFilter filter, CancellationToken cancellationToken = default) =>
        Blocks(null, filter, cancellationToken);

    private IAsyncEnumerable<ProtectionBlock> Blocks(NpgsqlConnection? shared, StoreDataFilter filter, CancellationToken cancellationToken)
    {
        var phone = PhoneOf(filter);
        return StreamAsync(shared, phone is null ? _blocksAll : _blocksByPhone, BindPhone(phone), PostgreSqlAttemptLedger.ParseBlock, "blocks", "block_id", static r => r.GetString(0), cancellationToken);
    }

    public IAsyncEnumerable<RedialItem> ReadRedialItemsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default) =>
        RedialItems(null, filter, cancellationToken);

    private IAsyncEnumerable<RedialItem> RedialItems(NpgsqlConnection? shared, StoreDataFilter filter, CancellationToken cancellationToken)
    {
        var phone = PhoneOf(filter);
        return StreamAsync(
            shared,
            phone is null ? _redialAll : _redialByPhone,
            BindPhone(phone),
            static r => WithoutClaim(PostgreSqlRedialQueue.ReadItem(r)),
            "redial_queue",
            "lead_id",
            static r => r.GetString(0),
            cancellationToken);
    }

    public IAsyncEnumerable<AnsweringMachineStats> ReadAnsweringMachineStatsAsync(StoreDataFilter filter, CancellationToken cancellationToken = default) =>
        MachineStats(null, filter, cancellationToken);

    private IAsyncEnumerable<AnsweringMachineStats> MachineStats(NpgsqlConnection? shared, StoreDataFilter filter, CancellationToken cancellationToken)
    {
        var phone = PhoneOf(filter);
        return StreamAsync(shared, phone is null ? _amAll : _amByPhone, BindPhone(phone), ParseMachineStats, "am_numbers", "phone", static r => r.GetInt64(0), cancellationToken);
    }

    public IAsyncEnumerable<CampaignSnapshot> ReadCampaignsAsync(CancellationToken cancellationToken = default) =>
        Campaigns(null, cancellationToken);

    private IAsyncEnumerable<CampaignSnapshot> Campaigns(NpgsqlConnection? shared, CancellationToken cancellationToken) =>
        StreamAsync(shared, _campaignsAll, null, PostgreSqlCampaignStore.ParseRow, "campaigns", "campaign_id", static r => r.GetString(0), cancellationToken);

    public IAsyncEnumerable<DailyStatistics> ReadDailyStatisticsAsync(LocalDate? from, LocalDate? to, CancellationToken cancellationToken = default) =>
        Statistics(null, from, to, cancellationToken);

    private IAsyncEnumerable<DailyStatistics> Statistics(NpgsqlConnection? shared, LocalDate? from, LocalDate? to, CancellationToken cancellationToken)
    {
        DateOnly? fromDate = from is { } f ? Clamp(f).ToDateOnly() : null;
        DateOnly? toDate = to is { } t ? Clamp(t).ToDateOnly() : null;
        return StreamAsync(
            shared,
            _statistics,
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter { Value = fromDate.HasValue ? fromDate.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
                command.Parameters.Add(new NpgsqlParameter { Value = toDate.HasValue ? toDate.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
            },
            ParseStatistics,
            "daily_statistics",
            "client_id",
            static r => r.GetString(1),
            cancellationToken);
    }

    // ------------------------------------------------------------------ writes

    public async ValueTask<StoreDataSet> ReadSnapshotAsync(StoreDataFilter filter, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);

        // REPEATABLE READ: every query below sees the one snapshot taken at the first of them.
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var everyNumber = filter.Phone is null;
        var data = new StoreDataSet
        {
            Attempts = await ToListAsync(Attempts(connection, filter, cancellationToken)).ConfigureAwait(false),
            Blocks = await ToListAsync(Blocks(connection, filter, cancellationToken)).ConfigureAwait(false),
            RedialItems = await ToListAsync(RedialItems(connection, filter, cancellationToken)).ConfigureAwait(false),
            AnsweringMachineStats = await ToListAsync(MachineStats(connection, filter, cancellationToken)).ConfigureAwait(false),
            Campaigns = everyNumber ? await ToListAsync(Campaigns(connection, cancellationToken)).ConfigureAwait(false) : [],
            DailyStatistics = everyNumber ? await ToListAsync(Statistics(connection, null, null, cancellationToken)).ConfigureAwait(false) : [],
        };
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return data;

        static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows)
        {
            var list = new List<T>();
            await foreach (var row in rows.ConfigureAwait(false))
            {
                list.Add(row);
            }

            return list;
        }
    }

    public async ValueTask<StoreDataCounts> ImportAsync(StoreDataSet data, StoreImportMode mode, CancellationToken cancellationToken = default)
    {
        StoreDataValidation.Validate(data, nameof(data));
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode = {(int)mode} is not a defined {nameof(StoreImportMode)}.");
        }

        // Every parameter is built (and the caller's lists copied) before the transaction starts.
        var commands = new List<(string Sql, Action<NpgsqlCommand> Bind, int Count)>
        {
            (_insertAttempts, BindAttempts(data.Attempts), data.Attempts.Count),
            (_insertBlocks, BindBlocks(data.Blocks), data.Blocks.Count),
            (_insertRedial, BindRedial(data.RedialItems), data.RedialItems.Count),
            (_insertAm, BindMachines(data.AnsweringMachineStats), data.AnsweringMachineStats.Count),
            (_insertCampaigns, BindCampaigns(data.Campaigns), data.Campaigns.Count),
            (_insertStatistics, BindStatistics(data.DailyStatistics), data.DailyStatistics.Count),
        };

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        if (mode == StoreImportMode.Replace)
        {
            var replace = new NpgsqlCommand(_replace, connection, transaction) { CommandTimeout = _context.CommandTimeoutSeconds };
            await using var replaceScope = replace.ConfigureAwait(false);
            await replace.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var written = new long[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            if (commands[i].Count == 0)
            {
                continue;
            }

            var command = new NpgsqlCommand(commands[i].Sql, connection, transaction) { CommandTimeout = _context.CommandTimeoutSeconds };
            await using var commandScope = command.ConfigureAwait(false);
            commands[i].Bind(command);
            written[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoreDataCounts(written[0], written[1], written[2], written[3], written[4], written[5]);
    }

    public async ValueTask AddDailyStatisticsAsync(IReadOnlyList<DailyStatistics> increments, CancellationToken cancellationToken = default)
    {
        StoreDataValidation.ValidateIncrements(increments, nameof(increments));
        if (increments.Count == 0)
        {
            return;
        }

        // One row per key (the same key may repeat in one call): ON CONFLICT cannot update a row twice in one statement.
        var byKey = new Dictionary<(LocalDate, string, string), DailyStatistics>();
        var order = new List<(LocalDate, string, string)>();
        foreach (var increment in increments)
        {
            var key = (increment.Date, increment.ClientId, increment.CampaignId);
            if (byKey.TryGetValue(key, out var sum))
            {
                byKey[key] = sum with
                {
                    Requests = checked(sum.Requests + increment.Requests),
                    Admitted = checked(sum.Admitted + increment.Admitted),
                    Denied = checked(sum.Denied + increment.Denied),
                    DeniedByReason = AddCounts(sum.DeniedByReason, increment.DeniedByReason),
                    Outcomes = AddCounts(sum.Outcomes, increment.Outcomes),
                };
            }
            else
            {
                byKey[key] = increment;
                order.Add(key);
            }
        }

        var rows = new DailyStatistics[order.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = byKey[order[i]];
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_addStatistics);
        BindStatistics(rows)(command);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreDataCounts> PurgeAsync(RetentionCutoffs cutoffs, CancellationToken cancellationToken = default)
    {
        if (cutoffs.DailyStatisticsBefore is { Year: < 1 or > 9999 } date)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffs), date, $"cutoffs.DailyStatisticsBefore = {date}: must be in the years 1 to 9999.");
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_purge);
        PgContext.Add(command, PgContext.Ticks(cutoffs.AttemptsRecordedBefore));
        PgContext.Add(command, PgContext.Ticks(cutoffs.BlocksExpiredBefore));
        PgContext.Add(command, PgContext.Ticks(cutoffs.RedialItemsFinishedBefore));
        PgContext.Add(command, PgContext.Ticks(cutoffs.AnsweringMachineStatsBefore));
        PgContext.Add(command, PgContext.Ticks(cutoffs.CampaignsEndedBefore));
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = cutoffs.DailyStatisticsBefore is { } d ? d.ToDateOnly() : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Date,
        });
        return await ReadCountsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreDataCounts> EraseNumberAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_erase);
        PgContext.Add(command, (long)phone.Value);
        var counts = await ReadCountsAsync(command, cancellationToken).ConfigureAwait(false);
        _context.LogErased(phone, counts.Total);
        return counts;
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Streams rows on <paramref name="shared"/> (inside the caller's transaction) or on a connection of its own.</summary>
    private IAsyncEnumerable<T> StreamAsync<T>(
        NpgsqlConnection? shared,
        string sql,
        Action<NpgsqlCommand>? bind,
        Func<NpgsqlDataReader, T> parse,
        string table,
        string keyColumn,
        Func<NpgsqlDataReader, object> key,
        CancellationToken cancellationToken) =>
        shared is null
            ? OwnConnectionAsync(sql, bind, parse, table, keyColumn, key, cancellationToken)
            : RowsAsync(shared, sql, bind, parse, table, keyColumn, key, cancellationToken);

    private async IAsyncEnumerable<T> OwnConnectionAsync<T>(
        string sql,
        Action<NpgsqlCommand>? bind,
        Func<NpgsqlDataReader, T> parse,
        string table,
        string keyColumn,
        Func<NpgsqlDataReader, object> key,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await foreach (var item in RowsAsync(connection, sql, bind, parse, table, keyColumn, key, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private async IAsyncEnumerable<T> RowsAsync<T>(
        NpgsqlConnection connection,
        string sql,
        Action<NpgsqlCommand>? bind,
        Func<NpgsqlDataReader, T> parse,
        string table,
        string keyColumn,
        Func<NpgsqlDataReader, object> key,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = _context.CommandTimeoutSeconds };
        await using var commandScope = command.ConfigureAwait(false);
        bind?.Invoke(command);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            T item;
            Exception? problem = null;
            object? badKey = null;
            try
            {
                item = parse(reader);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidCastException or JsonException)
            {
                problem = ex;
                badKey = key(reader);
                item = default!;
            }

            if (problem is not null)
            {
                throw await _context.QuarantineAsync(table, keyColumn, badKey!, problem.Message, problem, cancellationToken).ConfigureAwait(false);
            }

            yield return item;
        }
    }

    private static async Task<StoreDataCounts> ReadCountsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StoreDataCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    private static AnsweringMachineStats ParseMachineStats(NpgsqlDataReader reader) => new(
        PhoneNumber.FromValue(checked((ulong)reader.GetInt64(0))),
        reader.GetInt32(1),
        reader.GetInt32(2),
        reader.GetInt32(3),
        reader.IsDBNull(4) ? null : PgContext.FromTicks(reader.GetInt64(4)));

    private static DailyStatistics ParseStatistics(NpgsqlDataReader reader) => new()
    {
        Date = LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(0)),
        ClientId = reader.GetString(1),
        CampaignId = reader.GetString(2),
        Requests = NotNegative(reader.GetInt64(3), "requests"),
        Admitted = NotNegative(reader.GetInt64(4), "admitted"),
        Denied = NotNegative(reader.GetInt64(5), "denied"),
        DeniedByReason = ParseCounts(reader.GetString(6), "denied_by_reason"),
        Outcomes = ParseCounts(reader.GetString(7), "outcomes"),
    };

    private static long NotNegative(long value, string column) =>
        value >= 0 ? value : throw new FormatException($"{column} = {value}: a counter must not be negative.");

    private static Dictionary<string, long> ParseCounts(string json, string column)
    {
        var counts = JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? throw new FormatException($"{column} is JSON null.");
        foreach (var (code, count) in counts)
        {
            if (code.Length == 0 || count < 0)
            {
                throw new FormatException($"{column}['{code}'] = {count}: codes must not be empty and counts not negative.");
            }
        }

        return new Dictionary<string, long>(counts, StringComparer.Ordinal);
    }

    private static Dictionary<string, long> AddCounts(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        var sum = new Dictionary<string, long>(a, StringComparer.Ordinal);
        foreach (var (code, count) in b)
        {
            sum[code] = checked(sum.GetValueOrDefault(code) + count);
        }

        return sum;
    }

    private static Action<NpgsqlCommand> BindAttempts(IReadOnlyList<AttemptEntry> rows)
    {
        var n = rows.Count;
        var ids = new string[n];
        var phones = new long[n];
        var leads = new string[n];
        var clients = new string[n];
        var campaigns = new string[n];
        var subjects = new string?[n];
        var recorded = new long[n];
        var codes = new string?[n];
        var categories = new short?[n];
        var outcomeAt = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var e = rows[i];
            ids[i] = e.AttemptId;
            phones[i] = (long)e.Phone.Value;
            leads[i] = e.LeadId;
            clients[i] = e.ClientId;
            campaigns[i] = e.CampaignId;
            subjects[i] = e.SubjectKey;
            recorded[i] = PgContext.Ticks(e.RecordedAt);
            codes[i] = e.OutcomeCode;
            categories[i] = e.OutcomeCategory is { } c ? (short)c : null;
            outcomeAt[i] = PgContext.Ticks(e.OutcomeAt);
        }

        return command =>
        {
            PgContext.Add(command, ids, NpgsqlDbType.Text);
            PgContext.Add(command, phones, NpgsqlDbType.Bigint);
            PgContext.Add(command, leads, NpgsqlDbType.Text);
            PgContext.Add(command, clients, NpgsqlDbType.Text);
            PgContext.Add(command, campaigns, NpgsqlDbType.Text);
            PgContext.Add(command, subjects, NpgsqlDbType.Text);
            PgContext.Add(command, recorded, NpgsqlDbType.Bigint);
            PgContext.Add(command, codes, NpgsqlDbType.Text);
            PgContext.Add(command, categories, NpgsqlDbType.Smallint);
            PgContext.Add(command, outcomeAt, NpgsqlDbType.Bigint);
        };
    }

    private static Action<NpgsqlCommand> BindBlocks(IReadOnlyList<ProtectionBlock> rows)
    {
        var n = rows.Count;
        var ids = new string[n];
        var kinds = new short[n];
        var targets = new short[n];
        var phones = new long[n];
        var leads = new string?[n];
        var scopes = new short[n];
        var scopeIds = new string?[n];
        var created = new long[n];
        var until = new long?[n];
        var reasons = new string?[n];
        var sources = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var b = rows[i];
            ids[i] = b.Id;
            kinds[i] = (short)b.Kind;
            targets[i] = (short)b.Target;
            phones[i] = (long)b.Phone.Value;
            leads[i] = b.LeadId;
            scopes[i] = (short)b.Scope;
            scopeIds[i] = b.ScopeId;
            created[i] = PgContext.Ticks(b.CreatedAt);
            until[i] = PgContext.Ticks(b.Until);
            reasons[i] = b.Reason;
            sources[i] = b.SourceAttemptId;
        }

        return command =>
        {
            PgContext.Add(command, ids, NpgsqlDbType.Text);
            PgContext.Add(command, kinds, NpgsqlDbType.Smallint);
            PgContext.Add(command, targets, NpgsqlDbType.Smallint);
            PgContext.Add(command, phones, NpgsqlDbType.Bigint);
            PgContext.Add(command, leads, NpgsqlDbType.Text);
            PgContext.Add(command, scopes, NpgsqlDbType.Smallint);
            PgContext.Add(command, scopeIds, NpgsqlDbType.Text);
            PgContext.Add(command, created, NpgsqlDbType.Bigint);
            PgContext.Add(command, until, NpgsqlDbType.Bigint);
            PgContext.Add(command, reasons, NpgsqlDbType.Text);
            PgContext.Add(command, sources, NpgsqlDbType.Text);
        };
    }

    private static Action<NpgsqlCommand> BindRedial(IReadOnlyList<RedialItem> rows)
    {
        var n = rows.Count;
        var leads = new string[n];
        var calls = new string[n];
        var phones = new long[n];
        var clients = new string[n];
        var campaigns = new string[n];
        var zones = new string?[n];
        var regions = new string?[n];
        var postals = new string?[n];
        var subjects = new string?[n];
        var callbacks = new bool[n];
        var kinds = new short[n];
        var attempts = new int[n];
        var due = new long[n];
        var flags = new int[n];
        var reasons = new string?[n];
        var states = new short[n];
        var enqueued = new long[n];
        var updated = new long[n];
        var claims = new int[n];
        for (var i = 0; i < n; i++)
        {
            var item = rows[i];
            var r = item.Request;
            var e = item.Entry;
            leads[i] = r.LeadId;
            calls[i] = r.CallId;
            phones[i] = (long)r.Phone.Value;
            clients[i] = r.ClientId;
            campaigns[i] = r.CampaignId;
            zones[i] = r.CalleeZoneId;
            regions[i] = r.RegionCode;
            postals[i] = r.PostalCode;
            subjects[i] = r.SubjectKey;
            callbacks[i] = r.IsCallback;
            kinds[i] = (short)e.Kind;
            attempts[i] = e.Attempt;
            due[i] = PgContext.Ticks(e.DueAt);
            flags[i] = (int)e.Flags;
            reasons[i] = e.Reason;

            // A claim does not travel: a claimed item is stored as pending, to be offered again.
            states[i] = (short)(item.State == RedialItemState.Claimed ? RedialItemState.Pending : item.State);
            enqueued[i] = PgContext.Ticks(item.EnqueuedAt);
            updated[i] = PgContext.Ticks(item.UpdatedAt);
            claims[i] = item.ClaimCount;
        }

        return command =>
        {
            PgContext.Add(command, leads, NpgsqlDbType.Text);
            PgContext.Add(command, calls, NpgsqlDbType.Text);
            PgContext.Add(command, phones, NpgsqlDbType.Bigint);
            PgContext.Add(command, clients, NpgsqlDbType.Text);
            PgContext.Add(command, campaigns, NpgsqlDbType.Text);
            PgContext.Add(command, zones, NpgsqlDbType.Text);
            PgContext.Add(command, regions, NpgsqlDbType.Text);
            PgContext.Add(command, postals, NpgsqlDbType.Text);
            PgContext.Add(command, subjects, NpgsqlDbType.Text);
            PgContext.Add(command, callbacks, NpgsqlDbType.Boolean);
            PgContext.Add(command, kinds, NpgsqlDbType.Smallint);
            PgContext.Add(command, attempts, NpgsqlDbType.Integer);
            PgContext.Add(command, due, NpgsqlDbType.Bigint);
            PgContext.Add(command, flags, NpgsqlDbType.Integer);
            PgContext.Add(command, reasons, NpgsqlDbType.Text);
            PgContext.Add(command, states, NpgsqlDbType.Smallint);
            PgContext.Add(command, enqueued, NpgsqlDbType.Bigint);
            PgContext.Add(command, updated, NpgsqlDbType.Bigint);
            PgContext.Add(command, claims, NpgsqlDbType.Integer);
        };
    }

    private static Action<NpgsqlCommand> BindMachines(IReadOnlyList<AnsweringMachineStats> rows)
    {
        var n = rows.Count;
        var phones = new long[n];
        var consecutive = new int[n];
        var machines = new int[n];
        var outcomes = new int[n];
        var last = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var m = rows[i];
            phones[i] = (long)m.Phone.Value;
            consecutive[i] = m.ConsecutiveMachines;
            machines[i] = m.TotalMachines;
            outcomes[i] = m.TotalOutcomes;
            last[i] = PgContext.Ticks(m.LastOutcomeAt);
        }

        return command =>
        {
            PgContext.Add(command, phones, NpgsqlDbType.Bigint);
            PgContext.Add(command, consecutive, NpgsqlDbType.Integer);
            PgContext.Add(command, machines, NpgsqlDbType.Integer);
            PgContext.Add(command, outcomes, NpgsqlDbType.Integer);
            PgContext.Add(command, last, NpgsqlDbType.Bigint);
        };
    }

    private static Action<NpgsqlCommand> BindCampaigns(IReadOnlyList<CampaignSnapshot> rows)
    {
        var n = rows.Count;
        var ids = new string[n];
        var clients = new string[n];
        var names = new string[n];
        var states = new short[n];
        var errors = new string?[n];
        var epochs = new long[n];
        var owners = new string?[n];
        var heartbeats = new long?[n];
        var cursors = new long[n];
        var inFlight = new string?[n];
        var processed = new long[n];
        var totals = new long?[n];
        var counts = new string[n];
        var placementErrors = new long[n];
        var consecutive = new int[n];
        var created = new long[n];
        var updated = new long[n];
        var started = new long?[n];
        var ended = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var c = rows[i];
            ids[i] = c.Id;
            clients[i] = c.ClientId;
            names[i] = c.Name;
            states[i] = (short)c.State;
            errors[i] = c.Error;
            epochs[i] = c.Epoch;
            owners[i] = c.OwnerId;
            heartbeats[i] = PgContext.Ticks(c.HeartbeatAt);
            cursors[i] = c.Cursor;
            inFlight[i] = c.InFlightCallId;
            processed[i] = c.Processed;
            totals[i] = c.TotalLeads;
            counts[i] = JsonSerializer.Serialize(c.OutcomeCounts);
            placementErrors[i] = c.PlacementErrors;
            consecutive[i] = c.ConsecutivePlacementErrors;
            created[i] = PgContext.Ticks(c.CreatedAt);
            updated[i] = PgContext.Ticks(c.UpdatedAt);
            started[i] = PgContext.Ticks(c.StartedAt);
            ended[i] = PgContext.Ticks(c.EndedAt);
        }

        return command =>
        {
            PgContext.Add(command, ids, NpgsqlDbType.Text);
            PgContext.Add(command, clients, NpgsqlDbType.Text);
            PgContext.Add(command, names, NpgsqlDbType.Text);
            PgContext.Add(command, states, NpgsqlDbType.Smallint);
            PgContext.Add(command, errors, NpgsqlDbType.Text);
            PgContext.Add(command, epochs, NpgsqlDbType.Bigint);
            PgContext.Add(command, owners, NpgsqlDbType.Text);
            PgContext.Add(command, heartbeats, NpgsqlDbType.Bigint);
            PgContext.Add(command, cursors, NpgsqlDbType.Bigint);
            PgContext.Add(command, inFlight, NpgsqlDbType.Text);
            PgContext.Add(command, processed, NpgsqlDbType.Bigint);
            PgContext.Add(command, totals, NpgsqlDbType.Bigint);
            PgContext.Add(command, counts, NpgsqlDbType.Text);
            PgContext.Add(command, placementErrors, NpgsqlDbType.Bigint);
            PgContext.Add(command, consecutive, NpgsqlDbType.Integer);
            PgContext.Add(command, created, NpgsqlDbType.Bigint);
            PgContext.Add(command, updated, NpgsqlDbType.Bigint);
            PgContext.Add(command, started, NpgsqlDbType.Bigint);
            PgContext.Add(command, ended, NpgsqlDbType.Bigint);
        };
    }

    private static Action<NpgsqlCommand> BindStatistics(IReadOnlyList<DailyStatistics> rows)
    {
        var n = rows.Count;
        var dates = new DateOnly[n];
        var clients = new string[n];
        var campaigns = new string[n];
        var requests = new long[n];
        var admitted = new long[n];
        var denied = new long[n];
        var reasons = new string[n];
        var outcomes = new string[n];
        for (var i = 0; i < n; i++)
        {
            var s = rows[i];
            dates[i] = s.Date.ToDateOnly();
            clients[i] = s.ClientId;
            campaigns[i] = s.CampaignId;
            requests[i] = s.Requests;
            admitted[i] = s.Admitted;
            denied[i] = s.Denied;
            reasons[i] = JsonSerializer.Serialize(s.DeniedByReason);
            outcomes[i] = JsonSerializer.Serialize(s.Outcomes);
        }

        return command =>
        {
            PgContext.Add(command, dates, NpgsqlDbType.Date);
            PgContext.Add(command, clients, NpgsqlDbType.Text);
            PgContext.Add(command, campaigns, NpgsqlDbType.Text);
            PgContext.Add(command, requests, NpgsqlDbType.Bigint);
            PgContext.Add(command, admitted, NpgsqlDbType.Bigint);
            PgContext.Add(command, denied, NpgsqlDbType.Bigint);
            PgContext.Add(command, reasons, NpgsqlDbType.Text);
            PgContext.Add(command, outcomes, NpgsqlDbType.Text);
        };
    }

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

    private static Action<NpgsqlCommand>? BindPhone(long? phone) =>
        phone is { } p ? command => PgContext.Add(command, p) : null;

    private static RedialItem WithoutClaim(RedialItem item) => item.State == RedialItemState.Claimed
        ? new RedialItem(item.Entry, RedialItemState.Pending, item.EnqueuedAt, item.UpdatedAt, claimCount: item.ClaimCount)
        : item;

    private static LocalDate Clamp(LocalDate date) =>
        date.Year < 1 ? new LocalDate(1, 1, 1) : date.Year > 9999 ? new LocalDate(9999, 12, 31) : date;
}
