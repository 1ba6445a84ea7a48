using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// The default <see cref="ICampaignStore"/>: campaigns in process memory, for a single host (or tests). Every
/// operation is atomic under one lock and completes synchronously.
/// </summary>
public sealed class InMemoryCampaignStore : ICampaignStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CampaignSnapshot> _campaigns = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        lock (_lock)
        {
            if (_campaigns.TryGetValue(definition.Id, out var existing))
            {
                return ValueTask.FromResult((CampaignResult.Refused(CampaignRefusal.AlreadyExists, existing.State, existing.Epoch), existing));
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
            _campaigns.Add(created.Id, created);
            return ValueTask.FromResult((CampaignResult.Success(created.State, created.Epoch), created));
        }
    }

    /// <inheritdoc/>
    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        lock (_lock)
        {
            return ValueTask.FromResult(_campaigns.GetValueOrDefault(campaignId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var list = new List<CampaignSnapshot>(_campaigns.Count);
            foreach (var c in _campaigns.Values)
            {
                if (state is null || c.State == state.Value)
                {
                    list.Add(c);
                }
            }

            list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            return ValueTask.FromResult<IReadOnlyList<CampaignSnapshot>>(list);
        }
    }

    /// <inheritdoc/>
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

        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var c))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.NotFound));
            }

            if (c.State != expectedState)
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.StateChanged, c.State, c.Epoch));
            }

            if (c.Epoch != expectedEpoch)
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch));
            }

            var terminal = CampaignLifecycle.IsTerminal(target);
            var updated = c with
            {
                State = target,
                Error = command == CampaignCommand.Fail ? error : c.Error,
                StartedAt = command == CampaignCommand.Start ? c.StartedAt ?? now : c.StartedAt,
                EndedAt = terminal ? now : c.EndedAt,
                UpdatedAt = now,
            };
            _campaigns[campaignId] = updated;
            return ValueTask.FromResult(CampaignResult.Success(updated.State, updated.Epoch));
        }
    }

    /// <inheritdoc/>
    public ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        if (staleAfter <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), staleAfter, "staleAfter must be positive.");
        }

        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var c))
            {
                return ValueTask.FromResult(CampaignClaim.Refused(CampaignRefusal.NotFound, null));
            }

            if (c.State != CampaignState.Running)
            {
                return ValueTask.FromResult(CampaignClaim.Refused(CampaignRefusal.NotRunning, c));
            }

            if (!string.Equals(c.OwnerId, ownerId, StringComparison.Ordinal) && !c.IsOwnerStale(now, staleAfter))
            {
                return ValueTask.FromResult(CampaignClaim.Refused(CampaignRefusal.OwnerAlive, c));
            }

            var claimed = c with { OwnerId = ownerId, Epoch = c.Epoch + 1, HeartbeatAt = now, UpdatedAt = now };
            _campaigns[campaignId] = claimed;
            return ValueTask.FromResult(CampaignClaim.Claimed(claimed, c.OwnerId));
        }
    }

    /// <inheritdoc/>
    public ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var c))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.NotFound));
            }

            if (c.Epoch != epoch || !string.Equals(c.OwnerId, ownerId, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch));
            }

            _campaigns[campaignId] = c with { HeartbeatAt = now };
            return ValueTask.FromResult(CampaignResult.Success(c.State, c.Epoch));
        }
    }

    /// <inheritdoc/>
    public ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(checkpoint.CampaignId, out var c))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.NotFound));
            }

            if (c.Epoch != checkpoint.Epoch || !string.Equals(c.OwnerId, checkpoint.OwnerId, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch));
            }

            _campaigns[c.Id] = c with
            {
                Cursor = checkpoint.Cursor,
                InFlightCallId = checkpoint.InFlightCallId,
                Processed = checkpoint.Processed,
                TotalLeads = checkpoint.TotalLeads,
                OutcomeCounts = new Dictionary<string, long>(checkpoint.OutcomeCounts, StringComparer.Ordinal),
                PlacementErrors = checkpoint.PlacementErrors,
                ConsecutivePlacementErrors = checkpoint.ConsecutivePlacementErrors,
                HeartbeatAt = now,
                UpdatedAt = now,
            };
            return ValueTask.FromResult(CampaignResult.Success(c.State, c.Epoch));
        }
    }

    /// <inheritdoc/>
    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        ArgumentNullException.ThrowIfNull(ownerId);
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var c))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.NotFound));
            }

            if (c.Epoch != epoch || !string.Equals(c.OwnerId, ownerId, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(CampaignResult.Refused(CampaignRefusal.StaleEpoch, c.State, c.Epoch));
            }

            _campaigns[campaignId] = c with { OwnerId = null, UpdatedAt = now };
            return ValueTask.FromResult(CampaignResult.Success(c.State, c.Epoch));
        }
    }
}
