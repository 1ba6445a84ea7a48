using System.Collections.Concurrent;
using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// Concurrency slots for calls: resolves a request's nested scopes and their limits from <see cref="SlotOptions"/>,
/// acquires (immediately or waiting up to a timeout, fairly in arrival order), renews, releases and reclaims leases in
/// an <see cref="ISlotStore"/>.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="TryAcquireAsync(string, SlotScopeSet, Instant, CancellationToken)"/> and
/// <see cref="ReleaseAsync"/> allocate nothing with the in-memory store. Waiters are woken in arrival order when a
/// slot is released through this manager or reclaimed, and retry every <see cref="SlotOptions.WaitPollInterval"/> to
/// see slots freed by other hosts. Time comes from the injected <see cref="TimeProvider"/>.
/// </remarks>
public sealed partial class SlotManager : IDisposable
{
    private readonly ISlotStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly int _globalMax;
    private readonly int? _defaultClientMax;
    private readonly int? _defaultCampaignMax;
    private readonly Dictionary<string, int?> _clientMax;
    private readonly Dictionary<string, int?> _campaignMax;
    private readonly Dictionary<string, int> _keyMax;
    private readonly TimeSpan _pollInterval;
    private readonly ConcurrentDictionary<(string Client, string Campaign), LastSet> _sets = new();
    private readonly ConcurrentDictionary<(string Client, string Campaign, string Key), SlotScopeSet> _keyedSets = new();

    private LastSet? _lastSet;
    private readonly Lock _waitLock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private int _waiterCount;
    private ITimer? _pollTimer;
    private int _pumping;
    private int _pumpAgain;
    private bool _disposed;

    /// <summary>Creates a manager over <paramref name="store"/>, validating <paramref name="options"/> (every error at once) and copying them.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public SlotManager(ISlotStore store, SlotOptions options, TimeProvider timeProvider, ILogger<SlotManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        CampaignsOptionsValidator.ThrowIfInvalid(options);
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _globalMax = options.GlobalMaxCalls;
        _defaultClientMax = options.DefaultClientMaxCalls;
        _defaultCampaignMax = options.DefaultCampaignMaxCalls;
        _clientMax = options.Clients.ToDictionary(kv => kv.Key, kv => kv.Value.MaxConcurrentCalls, StringComparer.Ordinal);
        _campaignMax = options.Campaigns.ToDictionary(kv => kv.Key, kv => kv.Value.MaxConcurrentCalls, StringComparer.Ordinal);
        _keyMax = new Dictionary<string, int>(options.Keys, StringComparer.Ordinal);
        LeaseTtl = Duration.FromTimeSpan(options.LeaseTtl);
        MaxWait = options.MaxWait;
        _pollInterval = options.WaitPollInterval;
    }

    /// <summary>The store holding the leases.</summary>
    public ISlotStore Store => _store;

    /// <summary>How long a lease lives unless renewed.</summary>
    public Duration LeaseTtl { get; }

    /// <summary>How long the admission gate waits for a slot (<see cref="SlotOptions.MaxWait"/>).</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>How many callers are waiting for a slot right now.</summary>
    public int WaitingCount => Volatile.Read(ref _waiterCount);

    /// <summary>The scopes (with limits) a call of <paramref name="request"/>'s client and campaign holds a slot in. Cached.</summary>
    public SlotScopeSet ScopesFor(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ScopesFor(request.ClientId, request.CampaignId);
    }

    /// <summary>The scopes (with limits) a call of <paramref name="clientId"/>'s campaign <paramref name="campaignId"/> holds a slot in: global, then the client and the campaign when they are limited. Cached.</summary>
    public SlotScopeSet ScopesFor(string clientId, string campaignId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(campaignId);

        // A runner sends the same client and campaign strings call after call: a reference check skips the hashing.
        var last = Volatile.Read(ref _lastSet);
        if (last is not null && ReferenceEquals(last.Client, clientId) && ReferenceEquals(last.Campaign, campaignId))
        {
            return last.Set;
        }

        if (!_sets.TryGetValue((clientId, campaignId), out var entry))
        {
            entry = _sets.GetOrAdd((clientId, campaignId), static (k, self) => new LastSet(k.Client, k.Campaign, new SlotScopeSet(self.Build(k.Client, k.Campaign, null))), this);
        }

        // The entry is the cached one: remembering it allocates nothing.
        Volatile.Write(ref _lastSet, entry);
        return entry.Set;
    }

    /// <summary>As <see cref="ScopesFor(DialRequest)"/>, plus the host-named scope <paramref name="key"/> limited by <see cref="SlotOptions.Keys"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> has no limit in <see cref="SlotOptions.Keys"/>.</exception>
    public SlotScopeSet ScopesFor(DialRequest request, string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        if (!_keyMax.ContainsKey(key))
        {
            throw new ArgumentException($"key '{key}' has no limit in {nameof(SlotOptions)}.{nameof(SlotOptions.Keys)}.", nameof(key));
        }

        return _keyedSets.GetOrAdd((request.ClientId, request.CampaignId, key), static (k, self) => new SlotScopeSet(self.Build(k.Client, k.Campaign, k.Key)), this);
    }

    /// <summary>Takes a lease for <paramref name="callId"/> now, or reports the full scope. Idempotent by call id.</summary>
    public ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, CancellationToken cancellationToken = default) =>
        TryAcquireAsync(callId, scopes, _timeProvider.GetCurrentInstant(), cancellationToken);

    /// <summary>Takes a lease for <paramref name="callId"/> at <paramref name="now"/>, or reports the full scope. Idempotent by call id.</summary>
    public ValueTask<SlotAcquireResult> TryAcquireAsync(string callId, SlotScopeSet scopes, Instant now, CancellationToken cancellationToken = default)
    {
        var pending = _store.TryAcquireAsync(callId, scopes, now, LeaseTtl, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            CampaignsMetrics.RecordAcquisition(result.IsAcquired ? "acquired" : "full");
            return ValueTask.FromResult(result);
        }

        return AwaitAcquire(pending);
    }

    /// <summary>
    /// Takes a lease for <paramref name="callId"/>, waiting up to <paramref name="timeout"/> for a slot when every slot is
    /// taken. Waiters are served in arrival order. When the wait times out the result is the last refusal (not an
    /// exception); when <paramref name="cancellationToken"/> is cancelled, <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public async ValueTask<SlotAcquireResult> AcquireAsync(string callId, SlotScopeSet scopes, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(scopes);
        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "timeout must not be negative.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout == TimeSpan.Zero)
        {
            return await TryAcquireAsync(callId, scopes, cancellationToken).ConfigureAwait(false);
        }

        var first = await TryAcquireCoreAsync(callId, scopes, cancellationToken).ConfigureAwait(false);
        if (first.IsAcquired)
        {
            return first;
        }

        var waiter = new Waiter(callId, scopes, first);
        lock (_waitLock)
        {
            waiter.Node = _waiters.AddLast(waiter);
            if (++_waiterCount == 1)
            {
                _pollTimer ??= _timeProvider.CreateTimer(static s => ((SlotManager)s!).RequestPump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _pollTimer.Change(_pollInterval, _pollInterval);
            }
        }

        using var timeoutCts = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);
        using (linked.Token.Register(static s => ((Waiter)s!).Abandon(), waiter))
        {
            RequestPump();
            var (result, abandoned) = await waiter.Task.ConfigureAwait(false);
            if (abandoned)
            {
                Remove(waiter);
                cancellationToken.ThrowIfCancellationRequested();
                CampaignsMetrics.RecordAcquisition("timeout");
                Log.WaitTimedOut(_logger, callId, result.FullScope, timeout);
            }

            return result;
        }
    }

    /// <summary>Ends <paramref name="callId"/>'s lease (idempotent) and wakes waiters.</summary>
    /// <returns>Whether this call ended a lease.</returns>
    public ValueTask<bool> ReleaseAsync(string callId, CancellationToken cancellationToken = default)
    {
        var pending = _store.ReleaseAsync(callId, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            var released = pending.Result;
            if (released && Volatile.Read(ref _waiterCount) > 0)
            {
                RequestPump();
            }

            return ValueTask.FromResult(released);
        }

        return AwaitRelease(pending);
    }

    /// <summary>Extends <paramref name="callId"/>'s live lease to now + <see cref="LeaseTtl"/> (heartbeat).</summary>
    public ValueTask<SlotRenewResult> RenewAsync(string callId, CancellationToken cancellationToken = default) =>
        _store.RenewAsync(callId, _timeProvider.GetCurrentInstant(), LeaseTtl, cancellationToken);

    /// <summary>Reclaims every expired lease (orphans), counts them in metrics and wakes waiters.</summary>
    /// <returns>How many were reclaimed.</returns>
    public async ValueTask<int> ReclaimExpiredAsync(CancellationToken cancellationToken = default)
    {
        var n = await _store.ReclaimExpiredAsync(_timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            CampaignsMetrics.RecordReclaimed(n);
            Log.Reclaimed(_logger, n);
            if (Volatile.Read(ref _waiterCount) > 0)
            {
                RequestPump();
            }
        }

        return n;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ITimer? timer;
        lock (_waitLock)
        {
            _disposed = true;
            timer = _pollTimer;
            _pollTimer = null;
        }

        timer?.Dispose();
    }

    private IEnumerable<SlotScopeLimit> Build(string clientId, string campaignId, string? key)
    {
        yield return new SlotScopeLimit(SlotScope.Global, _globalMax);
        var client = _clientMax.TryGetValue(clientId, out var c) ? c : _defaultClientMax;
        if (client is { } cl)
        {
            yield return new SlotScopeLimit(SlotScope.Client(clientId), cl);
        }

        var campaign = _campaignMax.TryGetValue(campaignId, out var k) ? k : _defaultCampaignMax;
        if (campaign is { } ca)
        {
            yield return new SlotScopeLimit(SlotScope.Campaign(clientId, campaignId), ca);
        }

        if (key is not null)
        {
            yield return new SlotScopeLimit(SlotScope.ForKey(key), _keyMax[key]);
        }
    }

    private async ValueTask<SlotAcquireResult> TryAcquireCoreAsync(string callId, SlotScopeSet scopes, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return await TryAcquireAsync(callId, scopes, cancellationToken).ConfigureAwait(false);
        }

        // Others are already waiting: do not barge ahead of them (unless this call already holds its lease). The answer
        // only serves as the result should the wait end before the queue is served.
        var check = await _store.CheckAsync(callId, scopes, _timeProvider.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
        if (check.IsAcquired && check.WasAlreadyHeld)
        {
            return check;
        }

        return check.IsAcquired ? SlotAcquireResult.Full(0, scopes[0].Scope, null) : check;
    }

    private static async ValueTask<SlotAcquireResult> AwaitAcquire(ValueTask<SlotAcquireResult> pending)
    {
        var result = await pending.ConfigureAwait(false);
        CampaignsMetrics.RecordAcquisition(result.IsAcquired ? "acquired" : "full");
        return result;
    }

    private async ValueTask<bool> AwaitRelease(ValueTask<bool> pending)
    {
        var released = await pending.ConfigureAwait(false);
        if (released && Volatile.Read(ref _waiterCount) > 0)
        {
            RequestPump();
        }

        return released;
    }

    private void Remove(Waiter waiter)
    {
        lock (_waitLock)
        {
            if (waiter.Node is { List: not null } node)
            {
                _waiters.Remove(node);
                if (--_waiterCount == 0)
                {
                    _pollTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private void RequestPump()
    {
        Volatile.Write(ref _pumpAgain, 1);
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            _ = PumpAsync();
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                while (Interlocked.Exchange(ref _pumpAgain, 0) == 1)
                {
                    Waiter[] queued;
                    lock (_waitLock)
                    {
                        queued = [.. _waiters];
                    }

                    foreach (var waiter in queued)
                    {
                        if (waiter.IsCompleted)
                        {
                            continue;
                        }

                        SlotAcquireResult result;
                        try
                        {
                            result = await _store.TryAcquireAsync(waiter.CallId, waiter.Scopes, _timeProvider.GetCurrentInstant(), LeaseTtl, CancellationToken.None).ConfigureAwait(false);
                        }
#pragma warning disable CA1031 // The waiter gets the store's failure; the pump goes on for the others.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            if (waiter.TryFail(ex))
                            {
                                Remove(waiter);
                            }

                            continue;
                        }

                        if (!result.IsAcquired)
                        {
                            waiter.Last = result;
                            continue;
                        }

                        if (waiter.TryGrant(result))
                        {
                            CampaignsMetrics.RecordAcquisition("acquired");
                            Remove(waiter);
                        }
                        else if (!result.WasAlreadyHeld)
                        {
                            // The waiter timed out or was cancelled while we acquired for it: give the slot back.
                            await _store.ReleaseAsync(waiter.CallId, CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                }

                Volatile.Write(ref _pumping, 0);
                if (Volatile.Read(ref _pumpAgain) == 0 || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0)
                {
                    return;
                }
            }
        }
#pragma warning disable CA1031 // A background pump must never crash the process; waiters retry on the next poll.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _pumping, 0);
            Log.PumpFailed(_logger, ex);
        }
    }

    private sealed record LastSet(string Client, string Campaign, SlotScopeSet Set);

    private sealed class Waiter(string callId, SlotScopeSet scopes, SlotAcquireResult last)
    {
        // The flag tells a grant from an abandonment (timeout or cancellation) without a race on a separate field.
        private readonly TaskCompletionSource<(SlotAcquireResult Result, bool Abandoned)> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string CallId { get; } = callId;

        public SlotScopeSet Scopes { get; } = scopes;

        public SlotAcquireResult Last { get; set; } = last;

        public LinkedListNode<Waiter>? Node { get; set; }

        public Task<(SlotAcquireResult Result, bool Abandoned)> Task => _tcs.Task;

        public bool IsCompleted => _tcs.Task.IsCompleted;

        public bool TryGrant(SlotAcquireResult result) => _tcs.TrySetResult((result, false));

        public bool TryFail(Exception ex) => _tcs.TrySetException(ex);

        public void Abandon() => _tcs.TrySetResult((Last, true));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Reclaimed {Count} expired slot lease(s) of calls that never reported an outcome")]
        public static partial void Reclaimed(ILogger logger, int count);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Call {CallId} gave up waiting {Timeout} for a slot; {Scope} is full")]
        public static partial void WaitTimedOut(ILogger logger, string callId, SlotScope scope, TimeSpan timeout);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "The slot waiter pump failed; waiters retry on the next poll")]
        public static partial void PumpFailed(ILogger logger, Exception exception);
    }
}
