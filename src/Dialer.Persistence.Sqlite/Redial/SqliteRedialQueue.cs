using System.Globalization;
using Dialer.Core;
using Dialer.Redial;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// The redial queue on SQLite: one row per lead. Every change is a read and a write inside the writer's
/// <c>BEGIN IMMEDIATE</c> transaction, so a claim can never hand one item to two callers, in this process or another.
/// </summary>
internal sealed class SqliteRedialQueue : IRedialQueue
{
    internal const string Columns =
        "rowid, lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key, is_callback, " +
        "kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count";

    private const string SelectByLead = "SELECT " + Columns + " FROM redial_queue WHERE lead_id = $lead";

    private const string Upsert =
        "INSERT INTO redial_queue (lead_id, call_id, phone, client_id, campaign_id, callee_zone_id, region_code, postal_code, subject_key, is_callback, " +
        "kind, attempt, due_at, flags, reason, state, enqueued_at, updated_at, claim_token, claim_expires_at, claim_count) " +
        "VALUES ($lead, $call, $phone, $client, $campaign, $zone, $region, $postal, $subject, $callback, $kind, $attempt, $due, $flags, $reason, " +
        "$state, $enqueued, $updated, $token, $expires, $count) " +
        "ON CONFLICT (lead_id) DO UPDATE SET call_id = excluded.call_id, phone = excluded.phone, client_id = excluded.client_id, " +
        "campaign_id = excluded.campaign_id, callee_zone_id = excluded.callee_zone_id, region_code = excluded.region_code, " +
        "postal_code = excluded.postal_code, subject_key = excluded.subject_key, is_callback = excluded.is_callback, kind = excluded.kind, " +
        "attempt = excluded.attempt, due_at = excluded.due_at, flags = excluded.flags, reason = excluded.reason, state = excluded.state, " +
        "enqueued_at = excluded.enqueued_at, updated_at = excluded.updated_at, claim_token = excluded.claim_token, " +
        "claim_expires_at = excluded.claim_expires_at, claim_count = excluded.claim_count";

    private const string SelectClaimable =
        "SELECT " + Columns + " FROM redial_queue WHERE ((state = 0 AND due_at <= $now) OR (state = 1 AND claim_expires_at <= $now)) " +
        "ORDER BY due_at, lead_id LIMIT $n";

    private const string SelectClaimableByCampaign =
        "SELECT " + Columns + " FROM redial_queue WHERE campaign_id = $campaign AND ((state = 0 AND due_at <= $now) OR (state = 1 AND claim_expires_at <= $now)) " +
        "ORDER BY due_at, lead_id LIMIT $n";

    private readonly SqliteDialerStore _store;
    private long _tokens;

    public SqliteRedialQueue(SqliteDialerStore store)
    {
        _store = store;
    }

    public ValueTask<bool> EnqueueAsync(RedialEntry entry, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _store.WriteAsync(
            (_, s) =>
            {
                var current = Get(s, entry.LeadId);
                if (current is null || !string.Equals(current.CallId, entry.CallId, StringComparison.Ordinal))
                {
                    Save(s, new RedialItem(entry, RedialItemState.Pending, now, now));
                    return true;
                }

                if (current.State == RedialItemState.Pending || (current.State == RedialItemState.Claimed && current.IsClaimableAt(now)))
                {
                    Save(s, new RedialItem(entry, RedialItemState.Pending, current.EnqueuedAt, now, claimCount: current.ClaimCount));
                    return true;
                }

                return false;
            },
            cancellationToken);
    }

    public ValueTask<IReadOnlyList<RedialItem>> ClaimDueAsync(Instant now, int maxItems, Duration claimTtl, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        if (claimTtl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(claimTtl), claimTtl, $"claimTtl must be positive; got {claimTtl}.");
        }

        var token = NewToken();
        return _store.WriteAsync(
            (_, s) =>
            {
                var command = s.Command(campaignId is null ? SelectClaimable : SelectClaimableByCampaign).With("$now", now).With("$n", maxItems);
                if (campaignId is not null)
                {
                    command.With("$campaign", campaignId);
                }

                var due = new List<RedialItem>();
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        due.Add(ReadItem(reader));
                    }
                }

                if (due.Count == 0)
                {
                    return (IReadOnlyList<RedialItem>)[];
                }

                var expiresAt = now + claimTtl;
                var claimed = new List<RedialItem>(due.Count);
                foreach (var item in due)
                {
                    var next = new RedialItem(item.Entry, RedialItemState.Claimed, item.EnqueuedAt, now, token, expiresAt, item.ClaimCount + 1);
                    s.Command("UPDATE redial_queue SET state = 1, claim_token = $token, claim_expires_at = $expires, claim_count = claim_count + 1, updated_at = $now WHERE lead_id = $lead")
                        .With("$token", token).With("$expires", expiresAt).With("$now", now).With("$lead", item.LeadId).ExecuteNonQuery();
                    claimed.Add(next);
                }

                return (IReadOnlyList<RedialItem>)claimed;
            },
            cancellationToken);
    }

    public ValueTask<bool> CompleteAsync(string leadId, string claimToken, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        return _store.WriteAsync(
            (_, s) => s.Command("UPDATE redial_queue SET state = 2, claim_token = NULL, claim_expires_at = NULL, updated_at = $now WHERE lead_id = $lead AND state = 1 AND claim_token = $token")
                .With("$now", now).With("$lead", leadId).With("$token", claimToken).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<bool> ReleaseAsync(string leadId, string claimToken, Instant? dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        ArgumentNullException.ThrowIfNull(claimToken);
        return _store.WriteAsync(
            (_, s) => s.Command(
                    "UPDATE redial_queue SET state = 0, claim_token = NULL, claim_expires_at = NULL, due_at = COALESCE($due, due_at), updated_at = $now " +
                    "WHERE lead_id = $lead AND state = 1 AND claim_token = $token")
                .With("$due", dueAt).With("$now", now).With("$lead", leadId).With("$token", claimToken).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<bool> RescheduleAsync(string leadId, Instant dueAt, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        return _store.WriteAsync(
            (_, s) => s.Command(
                    "UPDATE redial_queue SET state = 0, claim_token = NULL, claim_expires_at = NULL, due_at = $due, updated_at = $now " +
                    "WHERE lead_id = $lead AND (state = 0 OR (state = 1 AND claim_expires_at <= $now))")
                .With("$due", dueAt).With("$now", now).With("$lead", leadId).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<bool> CancelAsync(string leadId, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        return _store.WriteAsync(
            (_, s) => s.Command("UPDATE redial_queue SET state = 3, claim_token = NULL, claim_expires_at = NULL, updated_at = $now WHERE lead_id = $lead AND state IN (0, 1)")
                .With("$now", now).With("$lead", leadId).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<RedialItem?> GetAsync(string leadId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leadId);
        return new(_store.Read((_, s) => Get(s, leadId), cancellationToken));
    }

    public ValueTask<RedialQueueCounts> GetCountsAsync(Instant now, string? campaignId = null, CancellationToken cancellationToken = default) =>
        new(_store.Read(
            (_, s) =>
            {
                const string Counts =
                    "SELECT COALESCE(SUM(CASE WHEN state = 0 AND due_at > $now THEN 1 ELSE 0 END), 0), " +
                    "COALESCE(SUM(CASE WHEN (state = 0 AND due_at <= $now) OR (state = 1 AND claim_expires_at <= $now) THEN 1 ELSE 0 END), 0), " +
                    "COALESCE(SUM(CASE WHEN state = 1 AND claim_expires_at > $now THEN 1 ELSE 0 END), 0), " +
                    "COALESCE(SUM(CASE WHEN state = 2 THEN 1 ELSE 0 END), 0), " +
                    "COALESCE(SUM(CASE WHEN state = 3 THEN 1 ELSE 0 END), 0) FROM redial_queue";
                var command = s.Command(campaignId is null ? Counts : Counts + " WHERE campaign_id = $campaign").With("$now", now);
                if (campaignId is not null)
                {
                    command.With("$campaign", campaignId);
                }

                using var reader = command.ExecuteReader();
                reader.Read();
                return new RedialQueueCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            },
            cancellationToken));

    public ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default) =>
        _store.WriteAsync(
            (_, s) => (long)s.Command("DELETE FROM redial_queue WHERE state IN (2, 3) AND updated_at < $t").With("$t", olderThan).ExecuteNonQuery(),
            cancellationToken);

    private static RedialItem? Get(SqliteSession s, string leadId)
    {
        using var reader = s.Command(SelectByLead).With("$lead", leadId).ExecuteReader();
        return reader.Read() ? ReadItem(reader) : null;
    }

    private static void Save(SqliteSession s, RedialItem item)
    {
        var r = item.Request;
        var e = item.Entry;
        s.Command(Upsert)
            .With("$lead", r.LeadId).With("$call", r.CallId).With("$phone", (long)r.Phone.Value).With("$client", r.ClientId)
            .With("$campaign", r.CampaignId).With("$zone", r.CalleeZoneId).With("$region", r.RegionCode).With("$postal", r.PostalCode)
            .With("$subject", r.SubjectKey).With("$callback", r.IsCallback ? 1 : 0).With("$kind", (long)e.Kind).With("$attempt", e.Attempt)
            .With("$due", e.DueAt).With("$flags", (long)e.Flags).With("$reason", e.Reason).With("$state", (long)item.State)
            .With("$enqueued", item.EnqueuedAt).With("$updated", item.UpdatedAt).With("$token", item.ClaimToken)
            .With("$expires", item.ClaimExpiresAt).With("$count", item.ClaimCount)
            .ExecuteNonQuery();
    }

    internal static RedialItem ReadItem(SqliteDataReader reader)
    {
        var row = new RowReader(reader, "redial_queue", reader.GetInt64(0));
        var leadId = row.Text(1, "lead_id");
        var callId = row.Text(2, "call_id");
        var phone = row.Phone(3, "phone");
        var clientId = row.Text(4, "client_id");
        var campaignId = row.Text(5, "campaign_id");
        DialRequest request;
        try
        {
            request = new DialRequest(callId, leadId, phone, clientId, campaignId)
            {
                CalleeZoneId = row.NullableText(6, "callee_zone_id"),
                RegionCode = row.NullableText(7, "region_code"),
                PostalCode = row.NullableText(8, "postal_code"),
                SubjectKey = row.NullableText(9, "subject_key"),
                IsCallback = row.Bool(10, "is_callback"),
            };
        }
        catch (ArgumentException ex)
        {
            throw row.Corrupt("lead_id/call_id/client_id/campaign_id", ex.Message, ex);
        }

        var kind = row.Enum<DueDialKind>(11, "kind");
        var attempt = row.Int32(12, "attempt", 1);
        var dueAt = row.Instant(13, "due_at");
        var flags = (RedialFlags)row.Int32(14, "flags", 0, (int)RedialFlags.LeaveVoicemail);
        var reason = row.NullableText(15, "reason");
        if (reason is { Length: > RedialEntry.MaxReasonLength })
        {
            throw row.Corrupt("reason", "is longer than " + RedialEntry.MaxReasonLength.ToString(CultureInfo.InvariantCulture) + " characters");
        }

        var state = row.Enum<RedialItemState>(16, "state");
        var token = row.NullableText(19, "claim_token");
        var expires = row.NullableInstant(20, "claim_expires_at");
        if ((state == RedialItemState.Claimed) != (token is not null && expires is not null) || (state != RedialItemState.Claimed && (token is not null || expires is not null)))
        {
            throw row.Corrupt("claim_token", "a claim (token and expiry) must be stored exactly for a claimed item");
        }

        return new RedialItem(
            new RedialEntry(request, kind, attempt, dueAt, flags, reason),
            state,
            row.Instant(17, "enqueued_at"),
            row.Instant(18, "updated_at"),
            token,
            expires,
            row.Int32(21, "claim_count", 0));
    }

    private string NewToken() =>
        string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid():N}.{Interlocked.Increment(ref _tokens)}");
}
