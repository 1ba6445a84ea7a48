using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// Dialer.Core's <see cref="IDueDialQueue"/> over an <see cref="IRedialQueue"/>, so the campaign runner can claim due
/// redials, deferred requests and callbacks without referencing Dialer.Redial. Registered by <c>AddRedial()</c>.
/// Thread-safe.
/// </summary>
/// <remarks>
/// <see cref="DeferAsync"/> follows <see cref="IRedialQueue.EnqueueAsync"/>: it is ignored for a call id that is
/// currently claimed, completed or cancelled. To put a claimed item back, use <see cref="ReleaseAsync"/>.
/// The attempt number of a deferred request is read from its call id (<see cref="RedialCallIds"/>).
/// </remarks>
public sealed class RedialDueDialQueue : IDueDialQueue
{
    private readonly IRedialQueue _queue;
    private readonly TimeProvider _timeProvider;
    private readonly Duration _claimTtl;

    /// <summary>Creates the adapter.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="timeProvider">The clock for enqueue, complete and release.</param>
    /// <param name="claimTtl">How long a claim lasts; positive.</param>
    public RedialDueDialQueue(IRedialQueue queue, TimeProvider timeProvider, TimeSpan claimTtl)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (claimTtl <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(claimTtl), claimTtl, $"claimTtl must be positive; got {claimTtl}.");
        }

        _queue = queue;
        _timeProvider = timeProvider;
        _claimTtl = Duration.FromTimeSpan(claimTtl);
    }

    /// <inheritdoc/>
    public async ValueTask DeferAsync(DialRequest request, Instant dueAt, DueDialKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = new RedialEntry(request, kind, RedialCallIds.ParseAttempt(request.CallId), dueAt);
        await _queue.EnqueueAsync(entry, _timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<DueDial>> ClaimDueAsync(Instant now, int maxItems, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        var items = await _queue.ClaimDueAsync(now, maxItems, _claimTtl, campaignId, cancellationToken).ConfigureAwait(false);
        if (items.Count == 0)
        {
            return [];
        }

        var result = new DueDial[items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = items[i].ToDueDial();
        }

        RedialMetrics.ClaimCounter.Add(result.Length);
        return result;
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(DueDial item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _queue.CompleteAsync(item.Request.LeadId, item.ClaimToken, _timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask ReleaseAsync(DueDial item, Instant? dueAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        await _queue.ReleaseAsync(item.Request.LeadId, item.ClaimToken, dueAt, _timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
    }
}
