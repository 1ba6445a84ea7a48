using System.Globalization;
using Dialer.Core;
using Dialer.Redial;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="IRedialQueue"/> on PostgreSQL: one row per lead; every operation is one statement. Claims use
/// <c>FOR UPDATE SKIP LOCKED</c>, so concurrent claimers on any number of hosts never wait for or take each other's items.
/// </summary>
internal sealed class PostgreSqlRedialQueue : IRedialQueue
{
    internal const string Columns = "lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key, is_callback, kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count";

    private readonly PgContext _context;
    private readonly string _enqueue, _claimAll, _claimCampaign, _complete, _release, _reschedule, _cancel, _get, _countsAll, _countsCampaign, _purge;

    public PostgreSqlRedialQueue(PgContext context)
    {
        _context = context;
        _enqueue = context.Sql("""
            INSERT INTO {s}.redial_queue AS q (lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code,
                subject_key, is_callback, kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, $16, $16, NULL, NULL, 0)
            ON CONFLICT (lead_id) DO UPDATE SET
                call_id = EXCLUDED.call_id, phone = EXCLUDED.phone, client_id = EXCLUDED.client_id, campaign_id = EXCLUDED.campaign_id,
                callee_zone_id = EXCLUDED.callee_zone_id, region_code = EXCLUDED.region_code, postal_code = EXCLUDED.postal_code,
                subject_key = EXCLUDED.subject_key, is_callback = EXCLUDED.is_callback, kind = EXCLUDED.kind, attempt = EXCLUDED.attempt,
                due_at = EXCLUDED.due_at, flags = EXCLUDED.flags, reason = EXCLUDED.reason, state = 0, updated_at = EXCLUDED.updated_at,
                claim_token = NULL, claim_expires_at = NULL,
                enqueued_at = CASE WHEN q.call_id = EXCLUDED.call_id THEN q.enqueued_at ELSE EXCLUDED.enqueued_at END,
                claim_count = CASE WHEN q.call_id = EXCLUDED.call_id THEN q.claim_count ELSE 0 END
            WHERE q.call_id <> EXCLUDED.call_id OR q.state = 0 OR (q.state = 1 AND q.claim_expires_at <= EXCLUDED.updated_at)
            RETURNING 1
            """);
        const string Claim = """
            UPDATE {s}.redial_queue q SET state = 1, claim_token = $2, claim_expires_at = $3, claim_count = q.claim_count + 1, updated_at = $1
            WHERE q.lead_id IN (
                SELECT c.lead_id FROM {s}.redial_queue c
                WHERE ((c.state = 0 AND c.due_at <= $1) OR (c.state = 1 AND c.claim_expires_at <= $1)) {campaign}
                ORDER BY c.due_at, c.lead_id
                LIMIT $4
                FOR UPDATE SKIP LOCKED)
            RETURNING q.*
            """;
        _claimAll = context.Sql(Claim.Replace("{campaign}", string.Empty, StringComparison.Ordinal));
        _claimCampaign = context.Sql(Claim.Replace("{campaign}", "AND c.campaign_id = $5", StringComparison.Ordinal));
        _complete = context.Sql("UPDATE {s}.redial_queue SET state = 2, claim_token = NULL, claim_expires_at = NULL, updated_at = $3 WHERE lead_id = $1 AND state = 1 AND claim_token = $2");
        _release = context.Sql("UPDATE {s}.redial_queue SET state = 0, due_at = COALESCE($3, due_at), claim_token = NULL, claim_expires_at = NULL, updated_at = $4 WHERE lead_id = $1 AND state = 1 AND claim_token = $2");
        _reschedule = context.Sql("UPDATE {s}.redial_queue SET state = 0, due_at = $2, claim_token = NULL, claim_expires_at = NULL, updated_at = $3 WHERE lead_id = $1 AND (state = 0 OR (state = 1 AND claim_expires_at <= $3))");
        _cancel = context.Sql("UPDATE {s}.redial_queue SET state = 3, claim_token = NULL, claim_expires_at = NULL, updated_at = $2 WHERE lead_id = $1 AND state IN (0, 1)");
        _get = context.Sql($"SELECT {Columns} FROM {{s}}.redial_queue WHERE lead_id = $1");
        const string Counts = """
            SELECT count(*) FILTER (WHERE state = 0 AND due_at > $1),
                   count(*) FILTER (WHERE (state = 0 AND due_at <= $1) OR (state = 1 AND claim_expires_at <= $1)),
                   count(*) FILTER (WHERE state = 1 AND claim_expires_at > $1),
                   count(*) FILTER (WHERE state = 2),
                   count(*) FILTER (WHERE state = 3)
            FROM {s}.redial_queue
            """;
        _countsAll = context.Sql(Counts);
        _countsCampaign = context.Sql(Counts + " WHERE campaign_id = $2");
        _purge = context.Sql("DELETE FROM {s}.redial_queue WHERE state IN (2, 3) AND updated_at < $1");
    }

    public async ValueTask<bool> EnqueueAsync(RedialEntry entry, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var r = entry.Request;
        using var command = _context.Command(_enqueue);
        PgContext.Add(command, r.LeadId);
        PgContext.Add(command, r.CallId);
        PgContext.Add(command, (long)r.Phone.Value);
        PgContext.Add(command, r.ClientId);
        PgContext.Add(command, r.CampaignId);
        PgContext.Add(command, r.CalleeZoneId);
        PgContext.Add(command, r.RegionCode);
        PgContext.Add(command, r.PostalCode);
        PgContext.Add(command, r.SubjectKey);
        PgContext.Add(command, r.IsCallback);
        PgContext.Add(command, (short)entry.Kind);
        PgContext.Add(command, entry.Attempt);
        PgContext.Add(command, PgContext.Ticks(entry.DueAt));
        PgContext.Add(command, (int)entry.Flags);
        PgContext.Add(command, entry.Reason);
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async ValueTask<IReadOnlyList<RedialItem>> ClaimDueAsync(Instant now, int maxItems, Duration claimTtl, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        if (claimTtl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(claimTtl), claimTtl, $"claimTtl must be positive; got {claimTtl}.");
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(campaignId is null ? _claimAll : _claimCampaign);
        PgContext.Add(command, PgContext.Ticks(now));
        PgContext.Add(command, string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid():N}"));
        PgContext.Add(command, PgContext.Ticks(now + claimTtl));
        PgContext.Add(command, maxItems);
        if (campaignId is not null)
        {
            PgContext.Add(command, campaignId);
        }

        var items = await ReadItemsAsync(command, cancellationToken).ConfigureAwait(false);
        items.Sort(static (a, b) => a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : string.CompareOrdinal(a.LeadId, b.LeadId));
        return items;
    }

    public async ValueTask<bool> CompleteAsync(string leadId, string claimToken, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_complete);
        PgContext.Add(command, leadId);
        PgContext.Add(command, claimToken);
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<bool> ReleaseAsync(string leadId, string claimToken, Instant? dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_release);
        PgContext.Add(command, leadId);
        PgContext.Add(command, claimToken);
        PgContext.Add(command, PgContext.Ticks(dueAt));
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<bool> RescheduleAsync(string leadId, Instant dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_reschedule);
        PgContext.Add(command, leadId);
        PgContext.Add(command, PgContext.Ticks(dueAt));
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<bool> CancelAsync(string leadId, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_cancel);
        PgContext.Add(command, leadId);
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<RedialItem?> GetAsync(string leadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_get);
        PgContext.Add(command, leadId);
        var items = await ReadItemsAsync(command, cancellationToken).ConfigureAwait(false);
        return items.Count == 0 ? null : items[0];
    }

    public async ValueTask<RedialQueueCounts> GetCountsAsync(Instant now, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(campaignId is null ? _countsAll : _countsCampaign);
        PgContext.Add(command, PgContext.Ticks(now));
        if (campaignId is not null)
        {
            PgContext.Add(command, campaignId);
        }

        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new RedialQueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    public async ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_purge);
        PgContext.Add(command, PgContext.Ticks(olderThan));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<RedialItem>> ReadItemsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<RedialItem>();
        string? corruptLead = null;
        Exception? problem = null;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var leadId = reader.GetString(0);
                try
                {
                    items.Add(ReadItem(reader));
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException or OverflowException)
                {
                    corruptLead ??= leadId;
                    problem ??= ex;
                }
            }
        }

        if (corruptLead is not null)
        {
            throw await _context.QuarantineAsync("redial_queue", "lead_id", corruptLead, problem!.Message, problem, cancellationToken).ConfigureAwait(false);
        }

        return items;
    }

    internal static RedialItem ReadItem(NpgsqlDataReader reader)
    {
        var request = new DialRequest(
            reader.GetString(1),
            reader.GetString(0),
            PhoneNumber.FromValue(checked((ulong)reader.GetInt64(2))),
            reader.GetString(3),
            reader.GetString(4))
        {
            CalleeZoneId = NullableString(reader, 5),
            RegionCode = NullableString(reader, 6),
            PostalCode = NullableString(reader, 7),
            SubjectKey = NullableString(reader, 8),
            IsCallback = reader.GetBoolean(9),
        };
        var kind = (DueDialKind)reader.GetInt16(10);
        var entry = new RedialEntry(request, kind, reader.GetInt32(11), PgContext.FromTicks(reader.GetInt64(12)), (RedialFlags)reader.GetInt32(13), NullableString(reader, 14));
        var state = (RedialItemState)reader.GetInt16(15);
        return new RedialItem(
            entry,
            state,
            PgContext.FromTicks(reader.GetInt64(16)),
            PgContext.FromTicks(reader.GetInt64(17)),
            NullableString(reader, 18),
            reader.IsDBNull(19) ? null : PgContext.FromTicks(reader.GetInt64(19)),
            reader.GetInt32(20));
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
