using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// The attempt ledger on SQLite. Check-and-record runs on the writer inside <c>BEGIN IMMEDIATE</c> (shared with other
/// callers' operations by group commit): it reads, under the file's write lock, every attempt sharing the number, the
/// lead and the subject within the rules' horizon and every block of the number and the lead, evaluates the rules
/// with <see cref="ProtectionDecider"/> inside that transaction, and inserts the attempt only when nothing is violated.
/// No other connection or process can write between the read and the insert, so the check is atomic over every key.
/// Evaluates and records at <see cref="AttemptContext.At"/> (one host's clock; use PostgreSQL when several hosts
/// with their own clocks share a store).
/// </summary>
internal sealed class SqliteAttemptLedger : IAttemptLedger
{
    internal const string AttemptColumns = "rowid, attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at";
    internal const string BlockColumns = "rowid, block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id";

    private const string SelectKnown = "SELECT recorded_at FROM attempts WHERE attempt_id = $id";
    private const string SelectByNumber = "SELECT " + AttemptColumns + " FROM attempts WHERE phone = $phone AND recorded_at >= $from";
    private const string SelectByNumberOrLead = SelectByNumber + " UNION SELECT " + AttemptColumns + " FROM attempts WHERE lead_id = $lead AND recorded_at >= $from";
    private const string SelectByNumberOrSubject = SelectByNumber + " UNION SELECT " + AttemptColumns + " FROM attempts WHERE subject_key = $subject AND recorded_at >= $from";
    private const string SelectByAll = SelectByNumberOrLead + " UNION SELECT " + AttemptColumns + " FROM attempts WHERE subject_key = $subject AND recorded_at >= $from";
    private const string SelectActiveBlocks =
        "SELECT " + BlockColumns + " FROM blocks WHERE target = 0 AND phone = $phone AND (until_at IS NULL OR until_at > $now) " +
        "UNION ALL SELECT " + BlockColumns + " FROM blocks WHERE target = 1 AND lead_id = $lead AND (until_at IS NULL OR until_at > $now) ORDER BY target, rowid";

    private const string InsertAttempt =
        "INSERT INTO attempts (attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at) " +
        "VALUES ($id, $phone, $lead, $client, $campaign, $subject, $at, $code, $category, $outcomeAt)";

    private const string UpsertBlock =
        "INSERT INTO blocks (block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id) " +
        "VALUES ($id, $kind, $target, $phone, $lead, $scope, $scopeId, $created, $until, $reason, $source) " +
        "ON CONFLICT (block_id) DO UPDATE SET kind = excluded.kind, target = excluded.target, phone = excluded.phone, lead_id = excluded.lead_id, " +
        "scope = excluded.scope, scope_id = excluded.scope_id, created_at = excluded.created_at, until_at = excluded.until_at, " +
        "reason = excluded.reason, source_attempt_id = excluded.source_attempt_id";

    private readonly SqliteDialerStore _store;

    public SqliteAttemptLedger(SqliteDialerStore store)
    {
        _store = store;
    }

    public ValueTask<LedgerResult> TryRecordAttemptAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default)
    {
        attempt.EnsureValid(nameof(attempt));
        ArgumentNullException.ThrowIfNull(rules);
        return _store.WriteAsync((_, s) => CheckAndRecord(s, attempt, rules, record: true), cancellationToken);
    }

    public ValueTask<LedgerResult> EvaluateAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default)
    {
        attempt.EnsureValid(nameof(attempt));
        ArgumentNullException.ThrowIfNull(rules);
        return new(_store.Read((_, s) => CheckAndRecord(s, attempt, rules, record: false), cancellationToken));
    }

    public ValueTask<bool> VoidAttemptAsync(DialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = request.CallId;
        return _store.WriteAsync(
            (_, s) => s.Command("DELETE FROM attempts WHERE attempt_id = $id AND outcome_code IS NULL").With("$id", id).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<OutcomeRecordStatus> RecordOutcomeAsync(CallOutcome outcome, IReadOnlyList<ProtectionBlock> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(blocks);
        var copy = new ProtectionBlock[blocks.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            if (blocks[i].Id is null)
            {
                throw new ArgumentException($"blocks[{i}] is default(ProtectionBlock).", nameof(blocks));
            }

            copy[i] = blocks[i];
        }

        return _store.WriteAsync((_, s) => ApplyOutcome(s, outcome, copy), cancellationToken);
    }

    public ValueTask<AttemptEntry?> GetAttemptAsync(string attemptId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        return new(_store.Read(
            (_, s) =>
            {
                using var reader = s.Command("SELECT " + AttemptColumns + " FROM attempts WHERE attempt_id = $id").With("$id", attemptId).ExecuteReader();
                return reader.Read() ? ReadAttempt(reader) : (AttemptEntry?)null;
            },
            cancellationToken));
    }

    public ValueTask<IReadOnlyList<AttemptEntry>> GetHistoryAsync(PhoneNumber phone, Instant since, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        return new(_store.Read(
            (_, s) =>
            {
                var list = new List<AttemptEntry>();
                using var reader = s.Command("SELECT " + AttemptColumns + " FROM attempts WHERE phone = $phone AND recorded_at >= $since ORDER BY recorded_at, attempt_id")
                    .With("$phone", (long)phone.Value).With("$since", since).ExecuteReader();
                while (reader.Read())
                {
                    list.Add(ReadAttempt(reader));
                }

                return (IReadOnlyList<AttemptEntry>)list;
            },
            cancellationToken));
    }

    public ValueTask<IReadOnlyList<ProtectionBlock>> GetBlocksAsync(PhoneNumber phone, string? leadId = null, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        return new(_store.Read(
            (_, s) =>
            {
                var list = new List<ProtectionBlock>();
                using var reader = s.Command(
                        "SELECT " + BlockColumns + " FROM blocks WHERE target = 0 AND phone = $phone " +
                        "UNION ALL SELECT " + BlockColumns + " FROM blocks WHERE target = 1 AND lead_id = $lead ORDER BY created_at, block_id")
                    .With("$phone", (long)phone.Value).With("$lead", leadId).ExecuteReader();
                while (reader.Read())
                {
                    list.Add(ReadBlock(reader));
                }

                return (IReadOnlyList<ProtectionBlock>)list;
            },
            cancellationToken));
    }

    public ValueTask UpsertBlockAsync(ProtectionBlock block, CancellationToken cancellationToken = default)
    {
        if (block.Id is null)
        {
            throw new ArgumentException("block is default(ProtectionBlock).", nameof(block));
        }

        return new(_store.WriteAsync((_, s) => { StoreBlock(s, block); return true; }, cancellationToken).AsTask());
    }

    public ValueTask<bool> RemoveBlockAsync(string blockId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        return _store.WriteAsync((_, s) => s.Command("DELETE FROM blocks WHERE block_id = $id").With("$id", blockId).ExecuteNonQuery() > 0, cancellationToken);
    }

    public ValueTask<IReadOnlyList<ProtectionBlock>> ListBlocksAsync(BlockKind kind, CancellationToken cancellationToken = default) =>
        new(_store.Read(
            (_, s) =>
            {
                var list = new List<ProtectionBlock>();
                using var reader = s.Command("SELECT " + BlockColumns + " FROM blocks WHERE kind = $kind ORDER BY created_at, block_id")
                    .With("$kind", (long)kind).ExecuteReader();
                while (reader.Read())
                {
                    list.Add(ReadBlock(reader));
                }

                return (IReadOnlyList<ProtectionBlock>)list;
            },
            cancellationToken));

    public ValueTask<int> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default) =>
        _store.WriteAsync(
            (_, s) =>
                s.Command("DELETE FROM attempts WHERE recorded_at < $t").With("$t", olderThan).ExecuteNonQuery() +
                s.Command("DELETE FROM blocks WHERE until_at IS NOT NULL AND until_at < $t").With("$t", olderThan).ExecuteNonQuery(),
            cancellationToken);

    // ------------------------------------------------------------------ inside the transaction

    private static LedgerResult CheckAndRecord(SqliteSession s, AttemptContext attempt, ProtectionRules rules, bool record)
    {
        var request = attempt.Request;
        var now = attempt.At;
        if (s.Command(SelectKnown).With("$id", request.CallId).ScalarInt64() is { } knownTicks)
        {
            return LedgerResult.AlreadyRecorded(now, Instant.FromUnixTimeTicks(knownTicks));
        }

        var history = ReadHistory(s, request, rules, now);
        var blocks = ReadActiveBlocks(s, request, now);
        var result = ProtectionDecider.Decide(attempt, rules, history.AsSpan(), blocks.AsSpan());
        if (record && result.IsAllowed)
        {
            Insert(s, AttemptEntry.FromRequest(request, now));
            return LedgerResult.Recorded(now);
        }

        return result;
    }

    private static AttemptEntry[] ReadHistory(SqliteSession s, DialRequest request, ProtectionRules rules, Instant now)
    {
        if (rules.Limits.Count == 0)
        {
            return [];
        }

        var subject = rules.NeedsSubject ? request.SubjectKey : null;
        var sql = (rules.NeedsLead, subject is not null) switch
        {
            (true, true) => SelectByAll,
            (true, false) => SelectByNumberOrLead,
            (false, true) => SelectByNumberOrSubject,
            _ => SelectByNumber,
        };
        var command = s.Command(sql).With("$phone", (long)request.Phone.Value).With("$from", now - rules.Horizon);
        if (rules.NeedsLead)
        {
            command.With("$lead", request.LeadId);
        }

        if (subject is not null)
        {
            command.With("$subject", subject);
        }

        var list = new List<AttemptEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(ReadAttempt(reader));
        }

        return [.. list];
    }

    private static ProtectionBlock[] ReadActiveBlocks(SqliteSession s, DialRequest request, Instant now)
    {
        List<ProtectionBlock>? list = null;
        using var reader = s.Command(SelectActiveBlocks).With("$phone", (long)request.Phone.Value).With("$lead", request.LeadId).With("$now", now).ExecuteReader();
        while (reader.Read())
        {
            (list ??= []).Add(ReadBlock(reader));
        }

        return list is null ? [] : [.. list];
    }

    private static OutcomeRecordStatus ApplyOutcome(SqliteSession s, CallOutcome outcome, ProtectionBlock[] blocks)
    {
        var request = outcome.Request;
        AttemptEntry? existing;
        using (var reader = s.Command("SELECT " + AttemptColumns + " FROM attempts WHERE attempt_id = $id").With("$id", request.CallId).ExecuteReader())
        {
            existing = reader.Read() ? ReadAttempt(reader) : null;
        }

        OutcomeRecordStatus status;
        if (existing is not { } entry)
        {
            Insert(s, AttemptEntry.FromRequest(request, outcome.OccurredAt).WithOutcome(outcome.Disposition, outcome.OccurredAt));
            status = OutcomeRecordStatus.RecordedAsNewAttempt;
        }
        else
        {
            if (!entry.HasOutcome)
            {
                status = OutcomeRecordStatus.Recorded;
            }
            else if (entry.OutcomeCategory == DispositionCategory.Unknown && !outcome.Disposition.IsUnknown)
            {
                status = OutcomeRecordStatus.Updated;
            }
            else
            {
                return OutcomeRecordStatus.Unchanged;
            }

            s.Command("UPDATE attempts SET outcome_code = $code, outcome_category = $category, outcome_at = $at WHERE attempt_id = $id")
                .With("$code", outcome.Disposition.Code).With("$category", (long)outcome.Disposition.Category).With("$at", outcome.OccurredAt)
                .With("$id", request.CallId).ExecuteNonQuery();
        }

        foreach (var block in blocks)
        {
            StoreBlock(s, block);
        }

        return status;
    }

    private static void Insert(SqliteSession s, AttemptEntry e) =>
        s.Command(InsertAttempt)
            .With("$id", e.AttemptId).With("$phone", (long)e.Phone.Value).With("$lead", e.LeadId).With("$client", e.ClientId)
            .With("$campaign", e.CampaignId).With("$subject", e.SubjectKey).With("$at", e.RecordedAt).With("$code", e.OutcomeCode)
            .With("$category", e.OutcomeCategory is { } c ? (long)c : null).With("$outcomeAt", e.OutcomeAt)
            .ExecuteNonQuery();

    private static void StoreBlock(SqliteSession s, ProtectionBlock b) =>
        s.Command(UpsertBlock)
            .With("$id", b.Id).With("$kind", (long)b.Kind).With("$target", (long)b.Target).With("$phone", (long)b.Phone.Value)
            .With("$lead", b.LeadId).With("$scope", (long)b.Scope).With("$scopeId", b.ScopeId).With("$created", b.CreatedAt)
            .With("$until", b.Until).With("$reason", b.Reason).With("$source", b.SourceAttemptId)
            .ExecuteNonQuery();

    // ------------------------------------------------------------------ validated row mapping

    internal static AttemptEntry ReadAttempt(Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        var row = new RowReader(reader, "attempts", reader.GetInt64(0));
        var (code, category) = row.Outcome(8, 9, "outcome_code", "outcome_category");
        var outcomeAt = row.NullableInstant(10, "outcome_at");
        if ((code is null) != (outcomeAt is null))
        {
            throw row.Corrupt("outcome_at", "must be set exactly when outcome_code is");
        }

        return new AttemptEntry(
            row.Text(1, "attempt_id"),
            row.Phone(2, "phone"),
            row.Text(3, "lead_id"),
            row.Text(4, "client_id"),
            row.Text(5, "campaign_id"),
            row.NullableText(6, "subject_key"),
            RecordedAt(row),
            code,
            category,
            outcomeAt);
    }

    /// <summary>No attempt is older than the suite; an earlier instant would hide the attempt from every window.</summary>
    private static readonly Instant s_earliestPlausibleAttempt = Instant.FromUtc(2000, 1, 1, 0, 0);

    private static Instant RecordedAt(RowReader row)
    {
        var at = row.Instant(7, "recorded_at");
        return at < s_earliestPlausibleAttempt ? throw row.Corrupt("recorded_at", "is before 2000-01-01, earlier than any attempt this suite records") : at;
    }

    internal static ProtectionBlock ReadBlock(Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        var row = new RowReader(reader, "blocks", reader.GetInt64(0));
        var target = row.Enum<BlockTarget>(3, "target");
        var scope = row.Enum<LimitScope>(6, "scope");
        var phone = target == BlockTarget.Number ? row.Phone(4, "phone") : row.OptionalPhone(4, "phone");
        var leadId = row.NullableText(5, "lead_id");
        var scopeId = row.NullableText(7, "scope_id");
        if (target == BlockTarget.Lead && string.IsNullOrEmpty(leadId))
        {
            throw row.Corrupt("lead_id", "is empty for a lead block");
        }

        if ((scope == LimitScope.Global) != (scopeId is null))
        {
            throw row.Corrupt("scope_id", "must be NULL exactly for global scope");
        }

        var createdAt = row.Instant(8, "created_at");
        var until = row.NullableInstant(9, "until_at");
        if (until < createdAt)
        {
            // A block cannot end before it began; such a row would silently stop protecting its number.
            throw row.Corrupt("until_at", "is earlier than created_at");
        }

        return new ProtectionBlock(
            row.Text(1, "block_id"),
            row.Enum<BlockKind>(2, "kind"),
            target,
            phone,
            leadId,
            scope,
            scopeId,
            createdAt,
            until,
            row.NullableText(10, "reason"),
            row.NullableText(11, "source_attempt_id"));
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }
    }
}
