using System.Text.Json;
using Dialer.Campaigns;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="ICampaignStore"/> on PostgreSQL: one row per campaign with an <c>epoch</c> column. Transitions are
/// compare-and-set updates on (state, epoch); heartbeats, checkpoints and hand-overs are updates fenced by
/// <c>WHERE epoch = @epoch AND owner_id = @owner</c>; a claim locks the row and bumps the epoch. Each operation is one
/// round trip (a function call, batched with the read of the resulting row where the result needs it).
/// </summary>
internal sealed class PostgreSqlCampaignStore : ICampaignStore
{
    internal const string Columns = "campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor_pos, in_flight_call_id, processed, total_leads, outcome_counts::text, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at";

    private readonly PgContext _context;
    private readonly string _insert, _get, _listAll, _listState, _transition, _claim, _ownerWrite;

    public PostgreSqlCampaignStore(PgContext context)
    {
        _context = context;
        _insert = context.Sql("INSERT INTO {s}.campaigns (campaign_id, client_id, name, state, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4) ON CONFLICT (campaign_id) DO NOTHING RETURNING 1");
        _get = context.Sql($"SELECT {Columns} FROM {{s}}.campaigns WHERE campaign_id = $1");
        _listAll = context.Sql($"SELECT {Columns} FROM {{s}}.campaigns ORDER BY campaign_id COLLATE \"C\"");
        _listState = context.Sql($"SELECT {Columns} FROM {{s}}.campaigns WHERE state = $1 ORDER BY campaign_id COLLATE \"C\"");
        _transition = context.Sql("SELECT r_refusal, r_state, r_epoch FROM {s}.campaign_transition($1, $2, $3, $4, $5, $6, $7, $8)");
        _claim = context.Sql("SELECT r_refusal, r_previous FROM {s}.campaign_claim($1, $2, $3, $4)");
        _ownerWrite = context.Sql("SELECT r_refusal, r_state, r_epoch FROM {s}.campaign_owner_write($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    }

    public async ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var batch = _context.DataSource.CreateBatch();
        batch.Timeout = _context.CommandTimeoutSeconds;
        var insert = new NpgsqlBatchCommand(_insert);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.ClientId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition.Name });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PgContext.Ticks(now) });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(Read(definition.Id));
        bool created;
        CampaignSnapshot? snapshot;
        using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            created = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            snapshot = await ReadOneAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        if (snapshot is null)
        {
            throw new InvalidOperationException($"Campaign '{definition.Id}' vanished right after it was created.");
        }

        return (created ? CampaignResult.Success(snapshot.State, snapshot.Epoch) : CampaignResult.Refused(CampaignRefusal.AlreadyExists, snapshot.State, snapshot.Epoch), snapshot);
    }

    public async ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_get);
        PgContext.Add(command, campaignId);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadOneAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(state is null ? _listAll : _listState);
        if (state is { } s)
        {
            PgContext.Add(command, (short)s);
        }

        var list = new List<CampaignSnapshot>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await ReadOneAsync(reader, cancellationToken).ConfigureAwait(false) is { } c)
        {
            list.Add(c);
        }

        return list;
    }

    public async ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        if (command == CampaignCommand.Fail && string.IsNullOrWhiteSpace(error))
        {
            throw new ArgumentException($"error is required for {nameof(CampaignCommand.Fail)}; got '{error}'.", nameof(error));
        }

        var refusal = CampaignLifecycle.Evaluate(expectedState, command, out var target);
        if (refusal != CampaignRefusal.None)
        {
            return CampaignResult.Refused(refusal, expectedState, expectedEpoch);
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var sql = _context.Command(_transition);
        PgContext.Add(sql, campaignId);
        PgContext.Add(sql, (short)expectedState);
        PgContext.Add(sql, expectedEpoch);
        PgContext.Add(sql, (short)target);
        PgContext.Add(sql, PgContext.Ticks(now));
        PgContext.Add(sql, command == CampaignCommand.Start);
        PgContext.Add(sql, CampaignLifecycle.IsTerminal(target));
        PgContext.Add(sql, command == CampaignCommand.Fail ? error : null);
        return await ReadResultAsync(sql, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        if (staleAfter <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), staleAfter, "staleAfter must be positive.");
        }

        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var batch = _context.DataSource.CreateBatch();
        batch.Timeout = _context.CommandTimeoutSeconds;
        var claim = new NpgsqlBatchCommand(_claim);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = campaignId });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ownerId });
        claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PgContext.Ticks(now) });
        claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PgContext.Ticks(staleAfter) });
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(Read(campaignId));
        using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var refusal = (CampaignRefusal)reader.GetInt32(0);
        var previous = reader.IsDBNull(1) ? null : reader.GetString(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = await ReadOneAsync(reader, cancellationToken).ConfigureAwait(false);
        return refusal == CampaignRefusal.None
            ? CampaignClaim.Claimed(snapshot!, previous)
            : CampaignClaim.Refused(refusal, snapshot);
    }

    public ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        return OwnerWriteAsync(campaignId, ownerId, epoch, now, 0, null, cancellationToken);
    }

    public ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return OwnerWriteAsync(checkpoint.CampaignId, checkpoint.OwnerId, checkpoint.Epoch, now, 1, checkpoint, cancellationToken);
    }

    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        return OwnerWriteAsync(campaignId, ownerId, epoch, now, 2, null, cancellationToken);
    }

    private async ValueTask<CampaignResult> OwnerWriteAsync(string campaignId, string ownerId, long epoch, Instant now, int kind, CampaignCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var sql = _context.Command(_ownerWrite);
        PgContext.Add(sql, campaignId);
        PgContext.Add(sql, ownerId);
        PgContext.Add(sql, epoch);
        PgContext.Add(sql, PgContext.Ticks(now));
        PgContext.Add(sql, kind);
        PgContext.Add(sql, checkpoint?.Cursor ?? 0L);
        PgContext.Add(sql, checkpoint?.InFlightCallId);
        PgContext.Add(sql, checkpoint?.Processed ?? 0L);
        PgContext.Add(sql, checkpoint?.TotalLeads);
        sql.Parameters.Add(new NpgsqlParameter
        {
            Value = checkpoint is null ? "{}" : JsonSerializer.Serialize(checkpoint.OutcomeCounts),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        PgContext.Add(sql, checkpoint?.PlacementErrors ?? 0L);
        PgContext.Add(sql, checkpoint?.ConsecutivePlacementErrors ?? 0);
        return await ReadResultAsync(sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CampaignResult> ReadResultAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var refusal = (CampaignRefusal)reader.GetInt32(0);
        CampaignState? state = reader.IsDBNull(1) ? null : (CampaignState)reader.GetInt16(1);
        var epoch = reader.GetInt64(2);
        return refusal == CampaignRefusal.None ? CampaignResult.Success(state!.Value, epoch) : CampaignResult.Refused(refusal, state, epoch);
    }

    private NpgsqlBatchCommand Read(string campaignId)
    {
        var read = new NpgsqlBatchCommand(_get);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = campaignId });
        return read;
    }

    private async Task<CampaignSnapshot?> ReadOneAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var id = reader.GetString(0);
        Exception problem;
        try
        {
            return ParseRow(reader);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidCastException)
        {
            problem = ex;
        }

        throw await _context.QuarantineAsync("campaigns", "campaign_id", id, problem.Message, problem, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A campaign row (<see cref="Columns"/>); throws FormatException, JsonException or InvalidCastException for a corrupt one.</summary>
    internal static CampaignSnapshot ParseRow(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        var state = (CampaignState)reader.GetInt16(3);
        if (!Enum.IsDefined(state))
        {
            throw new FormatException($"state {(int)state} is not a defined CampaignState.");
        }

        var outcomes = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(12))
            ?? throw new FormatException("outcome_counts is JSON null.");
        return new CampaignSnapshot
        {
            Id = id,
            ClientId = reader.GetString(1),
            Name = reader.GetString(2),
            State = state,
            Error = reader.IsDBNull(4) ? null : reader.GetString(4),
            Epoch = reader.GetInt64(5),
            OwnerId = reader.IsDBNull(6) ? null : reader.GetString(6),
            HeartbeatAt = reader.IsDBNull(7) ? null : PgContext.FromTicks(reader.GetInt64(7)),
            Cursor = reader.GetInt64(8),
            InFlightCallId = reader.IsDBNull(9) ? null : reader.GetString(9),
            Processed = reader.GetInt64(10),
            TotalLeads = reader.IsDBNull(11) ? null : reader.GetInt64(11),
            OutcomeCounts = new Dictionary<string, long>(outcomes, StringComparer.Ordinal),
            PlacementErrors = reader.GetInt64(13),
            ConsecutivePlacementErrors = reader.GetInt32(14),
            CreatedAt = PgContext.FromTicks(reader.GetInt64(15)),
            UpdatedAt = PgContext.FromTicks(reader.GetInt64(16)),
            StartedAt = reader.IsDBNull(17) ? null : PgContext.FromTicks(reader.GetInt64(17)),
            EndedAt = reader.IsDBNull(18) ? null : PgContext.FromTicks(reader.GetInt64(18)),
        };
    }
}
