using System.Collections.Concurrent;
using Dialer.Core;
using NodaTime;

namespace Dialer.Campaigns.Tests.Support;

/// <summary>A fixed list of leads; lead i has id "lead-i" and a distinct number.</summary>
internal sealed class FakeLeadSource(int count) : ILeadSource
{
    public List<CampaignLead> Leads { get; } = [.. Enumerable.Range(0, count).Select(Lead)];

    public static CampaignLead Lead(int i) => new("lead-" + i, PhoneNumber.Parse("+1415555" + (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public ValueTask<long> CountAsync(string campaignId, CancellationToken cancellationToken) => ValueTask.FromResult((long)Leads.Count);

    public ValueTask<IReadOnlyList<CampaignLead>> GetLeadsAsync(string campaignId, long startIndex, int maxCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CampaignLead>>([.. Leads.Skip((int)startIndex).Take(maxCount)]);
}

/// <summary>
/// A deterministic call placer: records every placement (thread-safe), answers a scripted disposition, can throw for
/// chosen leads, advance fake time per call, run a hook before answering, or stall on a gate.
/// </summary>
internal sealed class FakePlacer(TimeProvider time) : ICallPlacer
{
    private readonly ConcurrentQueue<(string Placer, DialRequest Request)> _placed = new();

    public string Name { get; set; } = "placer";

    public Func<DialRequest, Disposition> Disposition { get; set; } = _ => Core.Disposition.NoAnswer;

    public Func<DialRequest, bool> Throws { get; set; } = _ => false;

    public Duration CallDuration { get; set; } = Duration.Zero;

    public Func<DialRequest, Task>? BeforeAnswer { get; set; }

    public IReadOnlyList<(string Placer, DialRequest Request)> Placed => [.. _placed];

    public IReadOnlyList<string> PlacedLeadIds => [.. _placed.Select(p => p.Request.LeadId)];

    public async ValueTask<CallOutcome> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
    {
        _placed.Enqueue((Name, request));
        if (BeforeAnswer is not null)
        {
            await BeforeAnswer(request);
        }

        if (CallDuration > Duration.Zero && time is Microsoft.Extensions.Time.Testing.FakeTimeProvider fake)
        {
            fake.Advance(CallDuration.ToTimeSpan());
        }

        if (Throws(request))
        {
            throw new InvalidOperationException("carrier rejected " + request.CallId);
        }

        return new CallOutcome(request, Disposition(request), time.GetCurrentInstant());
    }
}

/// <summary>An outcome handler that records what was reported.</summary>
internal sealed class RecordingHandler : ICallOutcomeHandler
{
    private readonly ConcurrentQueue<CallOutcome> _outcomes = new();

    public int Order => CallOutcomeHandlerOrder.Protection;

    public IReadOnlyList<CallOutcome> Outcomes => [.. _outcomes];

    public ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken)
    {
        _outcomes.Enqueue(outcome);
        return ValueTask.CompletedTask;
    }
}

/// <summary>An in-memory <see cref="IDueDialQueue"/> good enough for runner tests.</summary>
internal sealed class FakeDueDialQueue : IDueDialQueue
{
    private readonly Lock _lock = new();
    private int _tokens;

    public List<(DialRequest Request, Instant DueAt, DueDialKind Kind)> Pending { get; } = [];

    public List<DueDial> Completed { get; } = [];

    public List<(DueDial Item, Instant? DueAt)> Released { get; } = [];

    public ValueTask DeferAsync(DialRequest request, Instant dueAt, DueDialKind kind, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Pending.RemoveAll(p => p.Request.LeadId == request.LeadId);
            Pending.Add((request, dueAt, kind));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<DueDial>> ClaimDueAsync(Instant now, int maxItems, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var due = Pending.Where(p => p.DueAt <= now && (campaignId is null || p.Request.CampaignId == campaignId)).Take(maxItems).ToList();
            foreach (var d in due)
            {
                Pending.Remove(d);
            }

            return ValueTask.FromResult<IReadOnlyList<DueDial>>(
                [.. due.Select(d => new DueDial(d.Request, d.Kind, d.DueAt, "t" + Interlocked.Increment(ref _tokens), now + Duration.FromMinutes(5), 2))]);
        }
    }

    public ValueTask CompleteAsync(DueDial item, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Completed.Add(item);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(DueDial item, Instant? dueAt = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            Released.Add((item, dueAt));
            Pending.Add((item.Request, dueAt ?? item.DueAt, item.Kind));
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Wraps a campaign store; while <see cref="Stall"/> is set, this host's heartbeats and checkpoints hang until released
/// (a host frozen by a long GC pause or a network partition).
/// </summary>
internal sealed class StallableCampaignStore(ICampaignStore inner) : ICampaignStore
{
    private TaskCompletionSource _gate = NewGate();

    public bool Stalled { get; private set; }

    public int StalledWrites;

    public void Stall()
    {
        Stalled = true;
        _gate = NewGate();
    }

    public void Unstall()
    {
        Stalled = false;
        _gate.TrySetResult();
    }

    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, Instant now, CancellationToken cancellationToken = default) => inner.CreateAsync(definition, now, cancellationToken);

    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetAsync(campaignId, cancellationToken);

    public ValueTask<IReadOnlyList<CampaignSnapshot>> ListAsync(CampaignState? state = null, CancellationToken cancellationToken = default) => inner.ListAsync(state, cancellationToken);

    public ValueTask<CampaignResult> TransitionAsync(string campaignId, CampaignCommand command, CampaignState expectedState, long expectedEpoch, Instant now, string? error = null, CancellationToken cancellationToken = default) =>
        inner.TransitionAsync(campaignId, command, expectedState, expectedEpoch, now, error, cancellationToken);

    public ValueTask<CampaignClaim> TryClaimAsync(string campaignId, string ownerId, Instant now, Duration staleAfter, CancellationToken cancellationToken = default) =>
        inner.TryClaimAsync(campaignId, ownerId, now, staleAfter, cancellationToken);

    public async ValueTask<CampaignResult> HeartbeatAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default)
    {
        await WaitIfStalled(cancellationToken);
        return await inner.HeartbeatAsync(campaignId, ownerId, epoch, now, cancellationToken);
    }

    public async ValueTask<CampaignResult> CheckpointAsync(CampaignCheckpoint checkpoint, Instant now, CancellationToken cancellationToken = default)
    {
        await WaitIfStalled(cancellationToken);
        return await inner.CheckpointAsync(checkpoint, now, cancellationToken);
    }

    public ValueTask<CampaignResult> ReleaseOwnershipAsync(string campaignId, string ownerId, long epoch, Instant now, CancellationToken cancellationToken = default) =>
        inner.ReleaseOwnershipAsync(campaignId, ownerId, epoch, now, cancellationToken);

    private async Task WaitIfStalled(CancellationToken cancellationToken)
    {
        if (Stalled)
        {
            Interlocked.Increment(ref StalledWrites);
            await _gate.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
