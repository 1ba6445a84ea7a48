using Dialer.Campaigns;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// Concurrency-slot leases on SQLite: a row per lease and a row per (lease, scope). An acquire counts the live leases
/// of every scope and inserts the lease inside the writer's <c>BEGIN IMMEDIATE</c> transaction, so limits hold across
/// processes sharing the file. Only live leases (<c>now &lt; expires_at</c>) count; expired ones are deleted by
/// <see cref="ReclaimExpiredAsync"/> or when the same call id acquires again.
/// </summary>
internal sealed class SqliteSlotStore : ISlotStore
{
    private const string CountLive =
        "SELECT COUNT(*) FROM slot_lease_scopes s JOIN slot_leases l ON l.call_id = s.call_id WHERE s.scope_id = $scope AND l.expires_at > $now";

    private const string CountHeld = "SELECT COUNT(*) FROM slot_lease_scopes WHERE scope_id = $scope";

    private const string EarliestLive =
        "SELECT MIN(l.expires_at) FROM slot_lease_scopes s JOIN slot_leases l ON l.call_id = s.call_id WHERE s.scope_id = $scope AND l.expires_at > $now";

    private readonly SqliteDialerStore _store;

    public SqliteSlotStore(SqliteDialerStore store)
    {
        _store = store;
    }

    public ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        return _store.WriteAsync(
            (_, s) =>
            {
                if (ReadExpiry(s, callId) is { } existing)
                {
                    if (now < existing)
                    {
                        return SlotAcquireResult.Acquired(existing, alreadyHeld: true);
                    }

                    s.Command("DELETE FROM slot_leases WHERE call_id = $id").With("$id", callId).ExecuteNonQuery();
                }

                if (FindFull(s, scopes, now, reclaim: true) is { } full)
                {
                    return full;
                }

                var expiresAt = now + ttl;
                s.Command("INSERT INTO slot_leases (call_id, acquired_at, expires_at) VALUES ($id, $now, $expires)")
                    .With("$id", callId).With("$now", now).With("$expires", expiresAt).ExecuteNonQuery();
                for (var i = 0; i < scopes.Count; i++)
                {
                    s.Command("INSERT INTO slot_lease_scopes (call_id, position, scope_id) VALUES ($id, $pos, $scope)")
                        .With("$id", callId).With("$pos", i).With("$scope", scopes[i].Scope.Id).ExecuteNonQuery();
                }

                return SlotAcquireResult.Acquired(expiresAt);
            },
            cancellationToken);
    }

    public ValueTask<SlotAcquireResult> CheckAsync(string callId, SlotScopeSet scopes, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        return new(_store.Read(
            (_, s) => ReadExpiry(s, callId) is { } existing && now < existing
                ? SlotAcquireResult.Acquired(existing, alreadyHeld: true)
                : FindFull(s, scopes, now, reclaim: false) ?? SlotAcquireResult.Acquired(now),
            cancellationToken));
    }

    public ValueTask<bool> ReleaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return _store.WriteAsync((_, s) => s.Command("DELETE FROM slot_leases WHERE call_id = $id").With("$id", callId).ExecuteNonQuery() > 0, cancellationToken);
    }

    public ValueTask<SlotRenewResult> RenewAsync(string callId, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        return _store.WriteAsync(
            (_, s) =>
            {
                if (ReadExpiry(s, callId) is not { } expires)
                {
                    return SlotRenewResult.NotHeld;
                }

                if (now >= expires)
                {
                    return SlotRenewResult.Expired;
                }

                var next = now + ttl;
                if (next <= expires)
                {
                    // Never shorten a lease: a late heartbeat with a smaller ttl must not make the slot look freer than it is.
                    return SlotRenewResult.Renewed(expires);
                }

                s.Command("UPDATE slot_leases SET expires_at = $expires WHERE call_id = $id").With("$expires", next).With("$id", callId).ExecuteNonQuery();
                return SlotRenewResult.Renewed(next);
            },
            cancellationToken);
    }

    public ValueTask<int> ReclaimExpiredAsync(Instant now, CancellationToken cancellationToken = default) =>
        _store.WriteAsync((_, s) => s.Command("DELETE FROM slot_leases WHERE expires_at <= $now").With("$now", now).ExecuteNonQuery(), cancellationToken);

    public ValueTask<int> CountAsync(SlotScope scope, Instant now, CancellationToken cancellationToken = default)
    {
        if (scope.IsDefault)
        {
            throw new ArgumentException("scope is default(SlotScope).", nameof(scope));
        }

        return new(_store.Read((_, s) => (int)(s.Command(CountLive).With("$scope", scope.Id).With("$now", now).ScalarInt64() ?? 0), cancellationToken));
    }

    public ValueTask<SlotLease?> GetLeaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return new(_store.Read(
            (_, s) =>
            {
                Instant acquired, expires;
                using (var reader = s.Command("SELECT rowid, call_id, acquired_at, expires_at FROM slot_leases WHERE call_id = $id").With("$id", callId).ExecuteReader())
                {
                    if (!reader.Read())
                    {
                        return null;
                    }

                    var row = new RowReader(reader, "slot_leases", reader.GetInt64(0));
                    acquired = row.Instant(2, "acquired_at");
                    expires = row.Instant(3, "expires_at");
                }

                var scopes = new List<SlotScope>();
                using (var reader = s.Command("SELECT rowid, scope_id FROM slot_lease_scopes WHERE call_id = $id ORDER BY position").With("$id", callId).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        scopes.Add(ReadScope(reader));
                    }
                }

                return new SlotLease(callId, scopes, acquired, expires);
            },
            cancellationToken));
    }

    internal static SlotScope ReadScope(SqliteDataReader reader)
    {
        var row = new RowReader(reader, "slot_lease_scopes", reader.GetInt64(0));
        var id = row.Text(1, "scope_id");
        return SlotScope.TryParseId(id, out var scope) ? scope : throw row.Corrupt("scope_id", "is not a slot scope id (global, client:…, campaign:…/…, key:…)");
    }

    private static Instant? ReadExpiry(SqliteSession s, string callId)
    {
        using var reader = s.Command("SELECT rowid, expires_at FROM slot_leases WHERE call_id = $id").With("$id", callId).ExecuteReader();
        return reader.Read() ? new RowReader(reader, "slot_leases", reader.GetInt64(0)).Instant(1, "expires_at") : null;
    }

    private static SlotAcquireResult? FindFull(SqliteSession s, SlotScopeSet scopes, Instant now, bool reclaim)
    {
        for (var i = 0; i < scopes.Count; i++)
        {
            var limit = scopes[i];
            if (limit.Limit > 0)
            {
                // Leases held (live or expired but not yet reclaimed). When the scope looks full, an acquire reclaims
                // every expired lease first (the room it needs may be held by orphans), like the in-memory store.
                var held = s.Command(CountHeld).With("$scope", limit.Scope.Id).ScalarInt64() ?? 0;
                if (held < limit.Limit)
                {
                    continue;
                }

                if (reclaim)
                {
                    s.Command("DELETE FROM slot_leases WHERE expires_at <= $now").With("$now", now).ExecuteNonQuery();
                }

                if ((s.Command(CountLive).With("$scope", limit.Scope.Id).With("$now", now).ScalarInt64() ?? 0) < limit.Limit)
                {
                    continue;
                }
            }

            var earliest = s.Command(EarliestLive).With("$scope", limit.Scope.Id).With("$now", now).ScalarInt64();
            return SlotAcquireResult.Full(i, limit.Scope, earliest is { } t ? Instant.FromUnixTimeTicks(t) : null);
        }

        return null;
    }
}
