using Dialer.Campaigns;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="ISlotStore"/> on PostgreSQL: one row per lease holding every scope id it counts in. Acquire and check are
/// one function call (advisory locks on the call id and then on each scope in sorted order, count live leases per
/// scope, insert all or nothing); release, renew and reclaim are single statements.
/// </summary>
internal sealed class PostgreSqlSlotStore : ISlotStore
{
    private readonly PgContext _context;
    private readonly string _acquire, _release, _renew, _renewRead, _reclaim, _count, _get;

    public PostgreSqlSlotStore(PgContext context)
    {
        _context = context;
        _acquire = context.Sql("SELECT r_acquired, r_held, r_expires_at, r_full_index, r_clears_at FROM {s}.slot_acquire($1, $2, $3, $4, $5, $6)");
        _release = context.Sql("DELETE FROM {s}.slot_leases WHERE call_id = $1");
        _renew = context.Sql("UPDATE {s}.slot_leases SET expires_at = GREATEST(expires_at, $3) WHERE call_id = $1 AND expires_at > $2 RETURNING expires_at");
        _renewRead = context.Sql("SELECT expires_at FROM {s}.slot_leases WHERE call_id = $1");
        _reclaim = context.Sql("DELETE FROM {s}.slot_leases WHERE expires_at <= $1");
        _count = context.Sql("SELECT count(*) FROM {s}.slot_leases WHERE scope_ids @> ARRAY[$1] AND expires_at > $2");
        _get = context.Sql("SELECT scope_ids, acquired_at, expires_at FROM {s}.slot_leases WHERE call_id = $1");
    }

    public ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        return AcquireAsync(callId, scopes, now, ttl, take: true, cancellationToken);
    }

    public ValueTask<SlotAcquireResult> CheckAsync(string callId, SlotScopeSet scopes, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        return AcquireAsync(callId, scopes, now, Duration.Zero, take: false, cancellationToken);
    }

    public async ValueTask<bool> ReleaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_release);
        PgContext.Add(command, callId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<SlotRenewResult> RenewAsync(string callId, Instant now, Duration ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (ttl <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "ttl must be positive.");
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);

        // One round trip: the fenced update, then (only read when it matched nothing) why not.
        using var batch = _context.DataSource.CreateBatch();
        batch.Timeout = _context.CommandTimeoutSeconds;
        var update = new NpgsqlBatchCommand(_renew);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = callId });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PgContext.Ticks(now) });
        update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PgContext.Ticks(now + ttl) });
        var read = new NpgsqlBatchCommand(_renewRead);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = callId });
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(read);
        using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return SlotRenewResult.Renewed(PgContext.FromTicks(reader.GetInt64(0)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SlotRenewResult.Expired : SlotRenewResult.NotHeld;
    }

    public async ValueTask<int> ReclaimExpiredAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_reclaim);
        PgContext.Add(command, PgContext.Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<int> CountAsync(SlotScope scope, Instant now, CancellationToken cancellationToken = default)
    {
        if (scope.IsDefault)
        {
            throw new ArgumentException("scope is default(SlotScope).", nameof(scope));
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_count);
        PgContext.Add(command, scope.Id);
        PgContext.Add(command, PgContext.Ticks(now));
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async ValueTask<SlotLease?> GetLeaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_get);
        PgContext.Add(command, callId);
        string? bad = null;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var ids = reader.GetFieldValue<string[]>(0);
            var scopes = new SlotScope[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                if (!SlotScope.TryParseId(ids[i], out scopes[i]))
                {
                    bad = ids[i];
                    break;
                }
            }

            if (bad is null)
            {
                return new SlotLease(callId, scopes, PgContext.FromTicks(reader.GetInt64(1)), PgContext.FromTicks(reader.GetInt64(2)));
            }
        }

        throw await _context.QuarantineAsync("slot_leases", "call_id", callId, $"scope id '{bad}' is not a valid slot scope id.", null, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SlotAcquireResult> AcquireAsync(string callId, SlotScopeSet scopes, Instant now, Duration ttl, bool take, CancellationToken cancellationToken)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var ids = new string[scopes.Count];
        var limits = new int[scopes.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = scopes[i].Scope.Id;
            limits[i] = scopes[i].Limit;
        }

        using var command = _context.Command(_acquire);
        PgContext.Add(command, callId);
        PgContext.Add(command, ids, NpgsqlDbType.Text);
        PgContext.Add(command, limits, NpgsqlDbType.Integer);
        PgContext.Add(command, PgContext.Ticks(now));
        PgContext.Add(command, PgContext.Ticks(ttl));
        PgContext.Add(command, take);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reader.GetBoolean(0))
        {
            return SlotAcquireResult.Acquired(PgContext.FromTicks(reader.GetInt64(2)), reader.GetBoolean(1));
        }

        var index = reader.GetInt32(3);
        return SlotAcquireResult.Full(index, scopes[index].Scope, reader.IsDBNull(4) ? null : PgContext.FromTicks(reader.GetInt64(4)));
    }
}
