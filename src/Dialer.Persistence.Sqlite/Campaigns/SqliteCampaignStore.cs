using System.Text;
using System.Text.Json;
using Dialer.Campaigns;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// Campaign lifecycle, ownership and checkpoints on SQLite. Each operation reads the row and writes it inside the
/// writer's <c>BEGIN IMMEDIATE</c> transaction (compare-and-set on state, epoch and owner), so claims and transitions
/// are atomic across processes sharing the file.
/// </summary>
internal sealed class SqliteCampaignStore : ICampaignStore
{
    internal const string Columns =
        "rowid, campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor, in_flight_call_id, processed, total_leads, " +
        "outcome_counts, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at";

    private const string Upsert =
        "INSERT INTO campaigns (campaign_id, client_id, name, state, error, epoch, owner_id, heartbeat_at, cursor, in_flight_call_id, processed, total_leads, " +
        "outcome_counts, placement_errors, consecutive_placement_errors, created_at, updated_at, started_at, ended_at) VALUES " +
        "($id, $client, $name, $state, $error, $epoch, $owner, $heartbeat, $cursor, $inflight, $processed, $total, $outcomes, $errors, $consecutive, " +
        "$created, $updated, $started, $ended) ON CONFLICT (campaign_id) DO UPDATE SET client_id = excluded.client_id, name = excluded.name, " +
        "state = excluded.state, error = excluded.error, epoch = excluded.epoch, owner_id = excluded.owner_id, heartbeat_at = excluded.heartbeat_at, " +
        "cursor = excluded.cursor, in_flight_call_id = excluded.in_flight_call_id, processed = excluded.processed, total_leads = excluded.total_leads, " +
        "outcome_counts = excluded.outcome_counts, placement_errors = excluded.placement_errors, " +
        "consecutive_placement_errors = excluded.consecutive_placement_errors, created_at = excluded.created_at, updated_at = excluded.updated_at, " +
        "started_at = excluded.started_at, ended_at = excluded.ended_at";

    private readonly SqliteDialerStore _store;

    public SqliteCampaignStore(SqliteDialerStore store)
    {
        _store = store;
    }

    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _store.WriteAsync(
            (_, s) =>
            {
                if (Get(s, definition.Id) is { } existing)
                {
                    return (CampaignResult.Refused(CampaignRefusal.AlreadyExists, existing.State, existing.Epoch), existing);
                }

                var created = new CampaignSnapshot
                {
                    Id = definition.Id,
                    ClientId = definition.ClientId,
                    Name = definition.Name,
                    State = CampaignState.Draft,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                Save(s, created);
                return (CampaignResult.Success(created.State, created.Epoch), created);
            },
            cancellationToken);
    }

    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        return new(_store.Read((_, s) => Get(s, campaignId), cancellationToken));
    }

    public ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default) =>
        new(_store.Read(
            (_, s) =>
            {
                var command = state is null
                    ? s.Command("SELECT " + Columns + " FROM campaigns ORDER BY campaign_id")
                    : s.Command("SELECT " + Columns + " FROM campaigns WHERE state = $state ORDER BY campaign_id").With("$state", (long)state.Value);
                var list = new List<CampaignSnapshot>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    list.Add(ReadRow(reader));
                }

                // Ordinal order by UTF-16 code units, as the port promises (SQLite's BINARY collation compares UTF-8 bytes).
                list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
                return (IReadOnlyList<CampaignSnapshot>)list;
            },
            cancellationToken));

    public ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        if (command == CampaignCommand.Fail && string.IsNullOrWhiteSpace(error))
        {
            throw new ArgumentException($"error is required for {nameof(CampaignCommand.Fail)}; got '{error}'.", nameof(error));
        }

        var refusal = CampaignLifecycle.Evaluate(expectedState, command, out var target);
        if (refusal != CampaignRefusal.None)
        {
            return ValueTask.FromResult(CampaignResult.Refused(refusal, expectedState, expectedEpoch));
        }

        return _store.WriteAsync(
            (_, s) =>
            {
                if (Get(s, campaignId) is not { } c)
                {
                    return CampaignResult.Refused(CampaignRefusal.NotFound);
                }

                if (c.State != expectedState)
                {
                    return CampaignResult.Refused(CampaignRefusal.StateChanged, c.State, c.Epoch);
                }

                if (c.Epoch != expectedEpoch)
                {
                    return CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch);
                }

                var updated = c with
                {
                    State = target,
                    Error = command == CampaignCommand.Fail ? error : c.Error,
                    StartedAt = command == CampaignCommand.Start ? c.StartedAt ?? now : c.StartedAt,
                    EndedAt = CampaignLifecycle.IsTerminal(target) ? now : c.EndedAt,
                    UpdatedAt = now,
                };
                Save(s, updated);
                return CampaignResult.Success(updated.State, updated.Epoch);
            },
            cancellationToken);
    }

    public ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        if (staleAfter <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), staleAfter, "staleAfter must be positive.");
        }

        return _store.WriteAsync(
            (_, s) =>
            {
                if (Get(s, campaignId) is not { } c)
                {
                    return CampaignClaim.Refused(CampaignRefusal.NotFound, null);
                }

                if (c.State != CampaignState.Running)
                {
                    return CampaignClaim.Refused(CampaignRefusal.NotRunning, c);
                }

                if (!string.Equals(c.OwnerId, ownerId, StringComparison.Ordinal) && !c.IsOwnerStale(now, staleAfter))
                {
                    return CampaignClaim.Refused(CampaignRefusal.OwnerAlive, c);
                }

                var claimed = c with { OwnerId = ownerId, Epoch = c.Epoch + 1, HeartbeatAt = now, UpdatedAt = now };
                Save(s, claimed);
                return CampaignClaim.Claimed(claimed, c.OwnerId);
            },
            cancellationToken);
    }

    public ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        return Fenced(campaignId, ownerId, epoch, c => c with { HeartbeatAt = now }, cancellationToken);
    }

    public ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var outcomes = new Dictionary<string, long>(checkpoint.OutcomeCounts, StringComparer.Ordinal);
        return Fenced(
            checkpoint.CampaignId,
            checkpoint.OwnerId,
            checkpoint.Epoch,
            c => c with
            {
                Cursor = checkpoint.Cursor,
                InFlightCallId = checkpoint.InFlightCallId,
                Processed = checkpoint.Processed,
                TotalLeads = checkpoint.TotalLeads,
                OutcomeCounts = outcomes,
                PlacementErrors = checkpoint.PlacementErrors,
                ConsecutivePlacementErrors = checkpoint.ConsecutivePlacementErrors,
                HeartbeatAt = now,
                UpdatedAt = now,
            },
            cancellationToken);
    }

    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        return Fenced(campaignId, ownerId, epoch, c => c with { OwnerId = null, UpdatedAt = now }, cancellationToken);
    }

    private ValueTask<CampaignResult> Fenced(string campaignId, string ownerId, long epoch, Func<CampaignSnapshot, CampaignSnapshot> change, CancellationToken cancellationToken) =>
        _store.WriteAsync(
            (_, s) =>
            {
                if (Get(s, campaignId) is not { } c)
                {
                    return CampaignResult.Refused(CampaignRefusal.NotFound);
                }

                if (c.Epoch != epoch || !string.Equals(c.OwnerId, ownerId, StringComparison.Ordinal))
                {
                    return CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch);
                }

                Save(s, change(c));
                return CampaignResult.Success(c.State, c.Epoch);
            },
            cancellationToken);

    private static CampaignSnapshot? Get(SqliteSession s, string campaignId)
    {
        using var reader = s.Command("SELECT " + Columns + " FROM campaigns WHERE campaign_id = $id").With("$id", campaignId).ExecuteReader();
        return reader.Read() ? ReadRow(reader) : null;
    }

    private static void Save(SqliteSession s, CampaignSnapshot c) =>
        s.Command(Upsert)
            .With("$id", c.Id).With("$client", c.ClientId).With("$name", c.Name).With("$state", (long)c.State).With("$error", c.Error)
            .With("$epoch", c.Epoch).With("$owner", c.OwnerId).With("$heartbeat", c.HeartbeatAt).With("$cursor", c.Cursor)
            .With("$inflight", c.InFlightCallId).With("$processed", c.Processed).With("$total", c.TotalLeads)
            .With("$outcomes", WriteCounts(c.OutcomeCounts)).With("$errors", c.PlacementErrors).With("$consecutive", c.ConsecutivePlacementErrors)
            .With("$created", c.CreatedAt).With("$updated", c.UpdatedAt).With("$started", c.StartedAt).With("$ended", c.EndedAt)
            .ExecuteNonQuery();

    internal static CampaignSnapshot ReadRow(SqliteDataReader reader)
    {
        var row = new RowReader(reader, "campaigns", reader.GetInt64(0));
        var state = row.Enum<CampaignState>(4, "state");
        var epoch = row.Int64(6, "epoch");
        if (epoch < 0)
        {
            throw row.Corrupt("epoch", "is negative");
        }

        var cursor = row.Int64(9, "cursor");
        var processed = row.Int64(11, "processed");
        var total = row.NullableInt64(12, "total_leads");
        var errors = row.Int64(14, "placement_errors");
        if (cursor < 0 || processed < 0 || total < 0 || errors < 0)
        {
            throw row.Corrupt("cursor/processed/total_leads/placement_errors", "a count is negative");
        }

        return new CampaignSnapshot
        {
            Id = row.Text(1, "campaign_id"),
            ClientId = row.Text(2, "client_id"),
            Name = row.Text(3, "name"),
            State = state,
            Error = row.NullableText(5, "error"),
            Epoch = epoch,
            OwnerId = row.NullableText(7, "owner_id"),
            HeartbeatAt = row.NullableInstant(8, "heartbeat_at"),
            Cursor = cursor,
            InFlightCallId = row.NullableText(10, "in_flight_call_id"),
            Processed = processed,
            TotalLeads = total,
            OutcomeCounts = ReadCounts(row, row.Text(13, "outcome_counts")),
            PlacementErrors = errors,
            ConsecutivePlacementErrors = row.Int32(15, "consecutive_placement_errors", 0),
            CreatedAt = row.Instant(16, "created_at"),
            UpdatedAt = row.Instant(17, "updated_at"),
            StartedAt = row.NullableInstant(18, "started_at"),
            EndedAt = row.NullableInstant(19, "ended_at"),
        };
    }

    internal static string WriteCounts(IReadOnlyDictionary<string, long> counts)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var keys = new List<string>(counts.Keys);
            keys.Sort(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                writer.WriteNumber(key, counts[key]);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Dictionary<string, long> ReadCounts(RowReader row, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw row.Corrupt("outcome_counts", "is not a JSON object");
            }

            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var n) || n < 0)
                {
                    throw row.Corrupt("outcome_counts", $"the count of '{property.Name}' is not a non-negative integer");
                }

                counts[property.Name] = n;
            }

            return counts;
        }
        catch (JsonException ex)
        {
            throw row.Corrupt("outcome_counts", "is not valid JSON", ex);
        }
    }
}
