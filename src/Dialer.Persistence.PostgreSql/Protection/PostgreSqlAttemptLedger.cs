using System.Runtime.CompilerServices;
using Dialer.Core;
using Dialer.Protection;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="IAttemptLedger"/> on PostgreSQL. Check-and-record is one call of <c>ledger_check</c>: it takes
/// transaction-level advisory locks on the number, the lead and the subject (in that fixed order), reads the database
/// clock after the locks are held (unless <see cref="PostgreSqlStoreOptions.UseDatabaseClock"/> is off), evaluates
/// every limit and block with the rules passed as arrays, and inserts the attempt when nothing is violated — one round
/// trip, never read-then-write from the client. Calendar-day limits get their local-day bounds from the host
/// (NodaTime, so DST follows the suite's rules) around the host clock; the database picks the day that holds its own
/// clock and refuses when none does.
/// </summary>
/// <remarks>
/// An indeterminate commit (the connection is lost while the call commits) surfaces as an exception, which the
/// protection gate turns into a denial: the call is not dialed. The attempt may or may not have been recorded; the
/// next admission with the same attempt id reconciles it (<see cref="LedgerStatus.AlreadyRecorded"/> with the
/// original instant if it was, a fresh evaluation if it was not).
/// </remarks>
internal sealed class PostgreSqlAttemptLedger : IAttemptLedger
{
    private const string EntryColumns = "attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at";
    private const string BlockColumns = "block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id";

    private readonly PgContext _context;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<ProtectionRules, RuleArrays> _rules = [];
    private readonly string _check, _outcome, _void, _getAttempt, _history, _blocksNumber, _blocksNumberAndLead, _upsertBlock, _removeBlock, _listBlocks, _purge;

    public PostgreSqlAttemptLedger(PgContext context, TimeProvider time)
    {
        _context = context;
        _time = time;
        _check = context.Sql("SELECT r_status, r_evaluated_at, r_recorded_at, r_reasons, r_clears FROM {s}.ledger_check($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)");
        _outcome = context.Sql("SELECT {s}.ledger_outcome($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)");
        _void = context.Sql("DELETE FROM {s}.attempts WHERE attempt_id = $1 AND outcome_category IS NULL");
        _getAttempt = context.Sql($"SELECT {EntryColumns} FROM {{s}}.attempts WHERE attempt_id = $1");
        _history = context.Sql($"SELECT {EntryColumns} FROM {{s}}.attempts WHERE phone = $1 AND recorded_at >= $2 ORDER BY recorded_at, attempt_id COLLATE \"C\"");
        _blocksNumber = context.Sql($"SELECT {BlockColumns} FROM {{s}}.blocks WHERE target = 0 AND phone = $1 ORDER BY created_at, block_id COLLATE \"C\"");
        _blocksNumberAndLead = context.Sql($"SELECT {BlockColumns} FROM {{s}}.blocks WHERE (target = 0 AND phone = $1) OR (target = 1 AND lead_id = $2) ORDER BY created_at, block_id COLLATE \"C\"");
        _upsertBlock = context.Sql("INSERT INTO {s}.blocks (" + BlockColumns + ")" + """
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (block_id) DO UPDATE SET
                kind = EXCLUDED.kind, target = EXCLUDED.target, phone = EXCLUDED.phone, lead_id = EXCLUDED.lead_id,
                scope = EXCLUDED.scope, scope_id = EXCLUDED.scope_id, created_at = EXCLUDED.created_at,
                until_at = EXCLUDED.until_at, reason = EXCLUDED.reason, source_attempt_id = EXCLUDED.source_attempt_id
            """);
        _removeBlock = context.Sql("DELETE FROM {s}.blocks WHERE block_id = $1");
        _listBlocks = context.Sql($"SELECT {BlockColumns} FROM {{s}}.blocks WHERE kind = $1 ORDER BY created_at, block_id COLLATE \"C\"");
        _purge = context.Sql("""
            WITH attempts AS (DELETE FROM {s}.attempts WHERE recorded_at < $1 RETURNING 1),
                 blocks AS (DELETE FROM {s}.blocks WHERE until_at IS NOT NULL AND until_at < $1 RETURNING 1)
            SELECT (SELECT count(*) FROM attempts) + (SELECT count(*) FROM blocks)
            """);
    }

    public ValueTask<LedgerResult> TryRecordAttemptAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default) =>
        CheckAsync(attempt, rules, record: true, cancellationToken);

    public ValueTask<LedgerResult> EvaluateAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default) =>
        CheckAsync(attempt, rules, record: false, cancellationToken);

    public async ValueTask<bool> VoidAttemptAsync(DialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_void);
        PgContext.Add(command, request.CallId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<OutcomeRecordStatus> RecordOutcomeAsync(CallOutcome outcome, IReadOnlyList<ProtectionBlock> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(blocks);
        var n = blocks.Count;
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
            var b = blocks[i];
            if (b.Id is null)
            {
                throw new ArgumentException($"blocks[{i}] is default(ProtectionBlock).", nameof(blocks));
            }

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

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var request = outcome.Request;
        using var command = _context.Command(_outcome);
        PgContext.Add(command, request.CallId);
        PgContext.Add(command, (long)request.Phone.Value);
        PgContext.Add(command, request.LeadId);
        PgContext.Add(command, request.ClientId);
        PgContext.Add(command, request.CampaignId);
        PgContext.Add(command, request.SubjectKey);
        PgContext.Add(command, outcome.Disposition.Code);
        PgContext.Add(command, (short)outcome.Disposition.Category);
        PgContext.Add(command, PgContext.Ticks(outcome.OccurredAt));
        PgContext.Add(command, (short)DispositionCategory.Unknown);
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
        var status = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return (OutcomeRecordStatus)status;
    }

    public async ValueTask<AttemptEntry?> GetAttemptAsync(string attemptId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_getAttempt);
        PgContext.Add(command, attemptId);
        var entries = await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
        return entries.Count == 0 ? null : entries[0];
    }

    public async ValueTask<IReadOnlyList<AttemptEntry>> GetHistoryAsync(PhoneNumber phone, Instant since, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_history);
        PgContext.Add(command, (long)phone.Value);
        PgContext.Add(command, PgContext.Ticks(since));
        return await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ProtectionBlock>> GetBlocksAsync(PhoneNumber phone, string? leadId = null, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(leadId is null ? _blocksNumber : _blocksNumberAndLead);
        PgContext.Add(command, (long)phone.Value);
        if (leadId is not null)
        {
            PgContext.Add(command, leadId);
        }

        return await ReadBlocksAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask UpsertBlockAsync(ProtectionBlock block, CancellationToken cancellationToken = default)
    {
        if (block.Id is null)
        {
            throw new ArgumentException("block is default(ProtectionBlock).", nameof(block));
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_upsertBlock);
        PgContext.Add(command, block.Id);
        PgContext.Add(command, (short)block.Kind);
        PgContext.Add(command, (short)block.Target);
        PgContext.Add(command, (long)block.Phone.Value);
        PgContext.Add(command, block.LeadId);
        PgContext.Add(command, (short)block.Scope);
        PgContext.Add(command, block.ScopeId);
        PgContext.Add(command, PgContext.Ticks(block.CreatedAt));
        PgContext.Add(command, PgContext.Ticks(block.Until));
        PgContext.Add(command, block.Reason);
        PgContext.Add(command, block.SourceAttemptId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RemoveBlockAsync(string blockId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_removeBlock);
        PgContext.Add(command, blockId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<IReadOnlyList<ProtectionBlock>> ListBlocksAsync(BlockKind kind, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_listBlocks);
        PgContext.Add(command, (short)kind);
        return await ReadBlocksAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_purge);
        PgContext.Add(command, PgContext.Ticks(olderThan));
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async ValueTask<LedgerResult> CheckAsync(AttemptContext attempt, ProtectionRules rules, bool record, CancellationToken cancellationToken)
    {
        attempt.EnsureValid(nameof(attempt));
        ArgumentNullException.ThrowIfNull(rules);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        _context.ThrowIfFailClosed();
        var arrays = _rules.GetValue(rules, static r => new RuleArrays(r));
        var request = attempt.Request;
        var databaseClock = _context.Options.UseDatabaseClock;

        // Local-day bounds for calendar-day limits, around the clock that will be evaluated at (host clock ± skew).
        var days = Array.Empty<long>();
        var perZone = 0;
        var zoneIndexes = arrays.ZoneIndexes;
        if (arrays.CalendarZones.Length > 0)
        {
            var around = databaseClock ? _time.GetCurrentInstant() : attempt.At;
            var spanDays = databaseClock ? (int)Math.Ceiling(_context.Options.MaxClockSkew.TotalDays) + 1 : 1;
            perZone = (2 * spanDays) + 2;
            var zones = arrays.CalendarZones;
            days = new long[zones.Length * perZone];
            for (var z = 0; z < zones.Length; z++)
            {
                var zone = zones[z] ?? attempt.CalleeZone;
                var first = (around - Duration.FromDays(spanDays)).InZone(zone).Date;
                for (var d = 0; d < perZone; d++)
                {
                    days[(z * perZone) + d] = PgContext.Ticks(zone.AtStartOfDay(first.PlusDays(d)).ToInstant());
                }
            }
        }

        using var command = _context.Command(_check);
        PgContext.Add(command, record);
        PgContext.Add(command, request.CallId);
        PgContext.Add(command, (long)request.Phone.Value);
        PgContext.Add(command, request.LeadId);
        PgContext.Add(command, request.ClientId);
        PgContext.Add(command, request.CampaignId);
        PgContext.Add(command, request.SubjectKey);
        PgContext.Add(command, databaseClock ? null : PgContext.Ticks(attempt.At));
        PgContext.Add(command, arrays.Keys, NpgsqlDbType.Integer);
        PgContext.Add(command, arrays.Scopes, NpgsqlDbType.Integer);
        PgContext.Add(command, arrays.Windows, NpgsqlDbType.Bigint);
        PgContext.Add(command, arrays.MaxCounts, NpgsqlDbType.Integer);
        PgContext.Add(command, zoneIndexes, NpgsqlDbType.Integer);
        PgContext.Add(command, days, NpgsqlDbType.Bigint);
        PgContext.Add(command, perZone);
        PgContext.Add(command, rules.NeedsLead);
        PgContext.Add(command, rules.NeedsSubject);

        LedgerResult result;
        int corruptKind = -1;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var status = (LedgerStatus)reader.GetInt32(0);
            var evaluatedAt = PgContext.FromTicks(reader.GetInt64(1));
            switch (status)
            {
                case LedgerStatus.Recorded:
                    return LedgerResult.Recorded(PgContext.FromTicks(reader.GetInt64(2)));
                case LedgerStatus.AlreadyRecorded:
                    return LedgerResult.AlreadyRecorded(evaluatedAt, PgContext.FromTicks(reader.GetInt64(2)));
                case LedgerStatus.Allowed:
                    return LedgerResult.Allowed(evaluatedAt);
            }

            var codes = reader.GetFieldValue<int[]>(3);
            var clears = reader.GetFieldValue<long?[]>(4);
            var list = new DenialReason[codes.Length];
            for (var i = 0; i < codes.Length; i++)
            {
                if (codes[i] >= 0)
                {
                    list[i] = ProtectionReasons.ForLimit(rules.Limits[codes[i]], PgContext.FromTicks(clears[i]!.Value));
                    continue;
                }

                var kind = (BlockKind)(-1 - codes[i]);
                if (!Enum.IsDefined(kind))
                {
                    corruptKind = (int)kind;
                    break;
                }

                list[i] = ProtectionReasons.ForBlock(kind, clears[i] is { } until ? PgContext.FromTicks(until) : null);
            }

            result = corruptKind >= 0 ? default : LedgerResult.Denied(evaluatedAt, list.Length == 1 ? new DenialReasonList(list[0]) : new DenialReasonList(list));
        }

        if (corruptKind >= 0)
        {
            throw await _context.QuarantineAsync("blocks", "phone", (long)request.Phone.Value, $"a block of kind {corruptKind} (not a defined BlockKind) applies to the request.", null, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<List<AttemptEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<AttemptEntry>();
        string? corruptId = null;
        Exception? problem = null;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var category = reader.IsDBNull(8) ? (DispositionCategory?)null : (DispositionCategory)reader.GetInt16(8);
                    if (category is { } c && !Enum.IsDefined(c))
                    {
                        throw new FormatException($"outcome_category {(int)c} is not a defined DispositionCategory.");
                    }

                    entries.Add(new AttemptEntry(
                        reader.GetString(0),
                        PhoneNumber.FromValue(checked((ulong)reader.GetInt64(1))),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        PgContext.FromTicks(reader.GetInt64(6)),
                        reader.IsDBNull(7) ? null : reader.GetString(7),
                        category,
                        reader.IsDBNull(9) ? null : PgContext.FromTicks(reader.GetInt64(9))));
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
                {
                    corruptId ??= reader.GetString(0);
                    problem ??= ex;
                }
            }
        }

        if (corruptId is not null)
        {
            throw await _context.QuarantineAsync("attempts", "attempt_id", corruptId, problem!.Message, problem, cancellationToken).ConfigureAwait(false);
        }

        return entries;
    }

    private async Task<List<ProtectionBlock>> ReadBlocksAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var blocks = new List<ProtectionBlock>();
        string? corruptId = null;
        Exception? problem = null;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var phone = reader.GetInt64(3);
                    blocks.Add(new ProtectionBlock(
                        reader.GetString(0),
                        (BlockKind)reader.GetInt16(1),
                        (BlockTarget)reader.GetInt16(2),
                        phone == 0 ? default : PhoneNumber.FromValue(checked((ulong)phone)),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        (LimitScope)reader.GetInt16(5),
                        reader.IsDBNull(6) ? null : reader.GetString(6),
                        PgContext.FromTicks(reader.GetInt64(7)),
                        reader.IsDBNull(8) ? null : PgContext.FromTicks(reader.GetInt64(8)),
                        reader.IsDBNull(9) ? null : reader.GetString(9),
                        reader.IsDBNull(10) ? null : reader.GetString(10)));
                }
                catch (Exception ex) when (ex is ArgumentException or OverflowException)
                {
                    corruptId ??= reader.GetString(0);
                    problem ??= ex;
                }
            }
        }

        if (corruptId is not null)
        {
            throw await _context.QuarantineAsync("blocks", "block_id", corruptId, problem!.Message, problem, cancellationToken).ConfigureAwait(false);
        }

        return blocks;
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }
    }

    /// <summary>A rule set as the arrays <c>ledger_check</c> takes; built once per <see cref="ProtectionRules"/> instance.</summary>
    private sealed class RuleArrays
    {
        public RuleArrays(ProtectionRules rules)
        {
            var limits = rules.Limits;
            Keys = new int[limits.Count];
            Scopes = new int[limits.Count];
            Windows = new long[limits.Count];
            MaxCounts = new int[limits.Count];
            ZoneIndexes = new int[limits.Count];
            var zones = new List<DateTimeZone?>();
            for (var i = 0; i < limits.Count; i++)
            {
                var limit = limits[i];
                Keys[i] = (int)limit.Key;
                Scopes[i] = (int)limit.Scope;
                MaxCounts[i] = limit.MaxCount;
                if (limit.WindowKind == CountWindowKind.Rolling)
                {
                    Windows[i] = PgContext.Ticks(limit.Window);
                    continue;
                }

                // Zone null = the attempt's callee zone, resolved per call.
                var index = zones.IndexOf(limit.Zone);
                if (index < 0)
                {
                    index = zones.Count;
                    zones.Add(limit.Zone);
                }

                ZoneIndexes[i] = index;
            }

            CalendarZones = [.. zones];
        }

        public int[] Keys { get; }

        public int[] Scopes { get; }

        public long[] Windows { get; }

        public int[] MaxCounts { get; }

        public int[] ZoneIndexes { get; }

        public DateTimeZone?[] CalendarZones { get; }
    }
}
