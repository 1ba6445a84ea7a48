using System.Globalization;
using Dialer.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// Runs campaigns: claims one, then for each lead from the cursor on admits it through the composite admission,
/// places the call, reports the outcome and checkpoints; services due redials in between; honours pause and cancel
/// between leads; heartbeats (renewing the in-flight call's slot lease); and stops gracefully.
/// </summary>
/// <remarks>
/// <para>
/// <b>At most once per lead.</b> Before a call is placed the checkpoint records it as in flight; a runner taking the
/// campaign over never places an in-flight lead again (it counts it as <c>unknown_outcome</c>), and a stalled former
/// owner's later checkpoints are rejected by the store (epoch fencing), so no lead is placed twice and none is skipped
/// without being accounted for.
/// </para>
/// <para>
/// Leads denied only by the calling window are deferred through <see cref="IDueDialQueue"/> when one is registered
/// (counted <c>deferred</c>), otherwise the runner waits for the window to open. Leads denied for lack of a slot (or
/// an unavailable store) are retried after <see cref="CampaignRunnerOptions.RetryDelay"/>. Any other denial is final
/// for the lead (<c>admission_denied</c>). A placer that throws reports <see cref="Disposition.Failed"/>; after more than
/// <see cref="CampaignRunnerOptions.PlacementErrorBudget"/> failures in a row the campaign fails.
/// </para>
/// <para>Thread-safe: one instance can run several campaigns at once. Every wait uses the injected <see cref="TimeProvider"/>.</para>
/// </remarks>
public sealed partial class CampaignRunner
{
    /// <summary>The outcome-count key of leads denied by admission for a reason that does not clear by waiting.</summary>
    public const string AdmissionDeniedOutcome = "admission_denied";

    /// <summary>The outcome-count key of leads deferred to the due-dial queue because calling was closed.</summary>
    public const string DeferredOutcome = "deferred";

    private readonly ICampaignStore _campaigns;
    private readonly ILeadSource _leads;
    private readonly ICallPlacer _placer;
    private readonly IDialAdmission _admission;
    private readonly ICallOutcomeReporter _reporter;
    private readonly TimeProvider _timeProvider;
    private readonly IDueDialQueue? _dueDials;
    private readonly SlotManager? _slots;
    private readonly CampaignProgressTracker? _progress;
    private readonly ILogger _logger;
    private readonly TimeSpan _heartbeatInterval;
    private readonly Duration _takeoverAfter;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _retryDelay;
    private readonly int _errorBudget;
    private readonly int _leadBatchSize;
    private readonly int _redialBatchSize;

    /// <summary>Creates a runner, validating <paramref name="options"/> (every error at once) and copying them.</summary>
    /// <param name="campaigns">The campaign store.</param>
    /// <param name="leads">The host's leads.</param>
    /// <param name="placer">The host's telephony.</param>
    /// <param name="admission">The composite admission.</param>
    /// <param name="reporter">Reports outcomes to every package (history, redial, slot release).</param>
    /// <param name="timeProvider">The clock for every wait and store call.</param>
    /// <param name="options">Runner options; defaults when null.</param>
    /// <param name="dueDials">The due-dial queue (redials, deferrals), when registered.</param>
    /// <param name="slots">The slot manager, to renew and release the in-flight call's lease, when registered.</param>
    /// <param name="progress">Records the processing rate for progress reports, when given.</param>
    /// <param name="logger">Logs claims, takeovers, failures; phone numbers masked.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid.</exception>
    public CampaignRunner(
        ICampaignStore campaigns,
        ILeadSource leads,
        ICallPlacer placer,
        IDialAdmission admission,
        ICallOutcomeReporter reporter,
        TimeProvider timeProvider,
        CampaignRunnerOptions? options = null,
        IDueDialQueue? dueDials = null,
        SlotManager? slots = null,
        CampaignProgressTracker? progress = null,
        ILogger<CampaignRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(campaigns);
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentNullException.ThrowIfNull(placer);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(reporter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new CampaignRunnerOptions();
        CampaignsOptionsValidator.ThrowIfInvalid(options);
        _campaigns = campaigns;
        _leads = leads;
        _placer = placer;
        _admission = admission;
        _reporter = reporter;
        _timeProvider = timeProvider;
        _dueDials = dueDials;
        _slots = slots;
        _progress = progress;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        OwnerId = options.OwnerId ?? $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(256, Environment.MachineName.Length + 33)];
        _heartbeatInterval = options.HeartbeatInterval;
        _takeoverAfter = Duration.FromTimeSpan(options.TakeoverAfter);
        _pollInterval = options.PollInterval;
        _retryDelay = options.RetryDelay;
        _errorBudget = options.PlacementErrorBudget;
        _leadBatchSize = options.LeadBatchSize;
        _redialBatchSize = options.RedialBatchSize;
    }

    /// <summary>This runner's owner id in campaign claims.</summary>
    public string OwnerId { get; }

    /// <summary>How old an owner's heartbeat must be before this runner takes a campaign over.</summary>
    public Duration TakeoverAfter => _takeoverAfter;

    /// <summary>
    /// Claims <paramref name="campaignId"/> (it must be Running; a stale owner is taken over) and runs it until it is
    /// completed, cancelled or failed, another runner takes it over, or <paramref name="cancellationToken"/> stops it
    /// gracefully (checkpoint written, slots released, ownership handed back). A paused campaign is held (heartbeating)
    /// until it is resumed or cancelled.
    /// </summary>
    public async Task<CampaignRunResult> RunAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        var claim = await _campaigns.TryClaimAsync(campaignId, OwnerId, Now(), _takeoverAfter, cancellationToken).ConfigureAwait(false);
        if (!claim.Succeeded)
        {
            return new CampaignRunResult(CampaignRunStatus.NotClaimed, claim.Refusal, claim.Snapshot?.Cursor ?? 0, claim.Snapshot?.Processed ?? 0, 0, null);
        }

        if (claim.IsTakeover)
        {
            CampaignsMetrics.RecordTakeover();
            Log.TookOver(_logger, campaignId, claim.PreviousOwnerId, claim.Snapshot.Epoch, claim.Snapshot.Cursor);
        }
        else
        {
            Log.Claimed(_logger, campaignId, claim.Snapshot.Epoch, claim.Snapshot.Cursor);
        }

        var run = new Run(claim.Snapshot);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = new HeartbeatTimer(this, run, stop);
        try
        {
            if (run.InFlightCallId is { } inFlight)
            {
                // The previous owner was placing this lead when it stopped: it may have been dialed. Never dial it again.
                Log.InFlightSkipped(_logger, campaignId, run.Cursor, inFlight);
                run.CountLead(Disposition.UnknownOutcome.Code);
                if (!await CheckpointAsync(run).ConfigureAwait(false))
                {
                    return run.Result(CampaignRunStatus.Fenced);
                }
            }

            return await LoopAsync(run, stop.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while waiting on the lead source, admission or queue: nothing is in flight.
            return await StopAsync(run).ConfigureAwait(false);
        }
        finally
        {
            await heartbeat.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<CampaignRunResult> LoopAsync(Run run, CancellationToken stopToken, CancellationToken shutdown)
    {
        long? total = null;
        while (true)
        {
            if (run.Fenced)
            {
                return run.Result(CampaignRunStatus.Fenced);
            }

            switch (run.State)
            {
                case CampaignState.Completed:
                    return run.Result(CampaignRunStatus.Completed);
                case CampaignState.Cancelled:
                    return run.Result(CampaignRunStatus.Cancelled);
                case CampaignState.Failed:
                    return run.Result(CampaignRunStatus.Failed);
                case CampaignState.Paused:
                    if (shutdown.IsCancellationRequested)
                    {
                        return await StopAsync(run).ConfigureAwait(false);
                    }

                    await WaitAsync(run, _pollInterval, stopToken).ConfigureAwait(false);
                    continue;
                default:
                    break;
            }

            if (shutdown.IsCancellationRequested)
            {
                return await StopAsync(run).ConfigureAwait(false);
            }

            if (_dueDials is not null && _redialBatchSize > 0)
            {
                await ServiceRedialsAsync(run, shutdown).ConfigureAwait(false);
                if (run.Fenced || run.State != CampaignState.Running || shutdown.IsCancellationRequested)
                {
                    continue;
                }
            }

            total ??= await _leads.CountAsync(run.CampaignId, shutdown).ConfigureAwait(false);
            run.TotalLeads = total;
            if (run.Cursor >= total)
            {
                total = await _leads.CountAsync(run.CampaignId, shutdown).ConfigureAwait(false);
                run.TotalLeads = total;
                if (run.Cursor >= total)
                {
                    var done = await CompleteAsync(run).ConfigureAwait(false);
                    if (done is not null)
                    {
                        return done;
                    }

                    continue;
                }
            }

            var lead = await GetLeadAsync(run, shutdown).ConfigureAwait(false);
            if (lead is null)
            {
                total = run.Cursor;
                continue;
            }

            await ProcessLeadAsync(run, lead, stopToken, shutdown).ConfigureAwait(false);
        }
    }

    private async Task ProcessLeadAsync(Run run, CampaignLead lead, CancellationToken stopToken, CancellationToken shutdown)
    {
        var request = new DialRequest(run.CampaignId + ":" + run.Cursor.ToString(CultureInfo.InvariantCulture), lead.LeadId, lead.Phone, run.ClientId, run.CampaignId)
        {
            CalleeZoneId = lead.CalleeZoneId,
            RegionCode = lead.RegionCode,
            PostalCode = lead.PostalCode,
            SubjectKey = lead.SubjectKey,
        };

        while (true)
        {
            var now = Now();
            var decision = await _admission.AdmitAsync(request, now, shutdown).ConfigureAwait(false);
            if (decision.IsAllowed)
            {
                break;
            }

            var reasons = decision.Reasons;
            if (reasons.AllOf(DenialCategory.CallingWindow))
            {
                if (decision.NextEligibleAt is not { } next)
                {
                    await FinishLeadAsync(run, AdmissionDeniedOutcome).ConfigureAwait(false);
                    return;
                }

                if (_dueDials is not null)
                {
                    await _dueDials.DeferAsync(request, next, DueDialKind.Deferred, shutdown).ConfigureAwait(false);
                    await FinishLeadAsync(run, DeferredOutcome).ConfigureAwait(false);
                    return;
                }

                if (!await WaitUntilAsync(run, next, stopToken, shutdown).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (IsTransient(reasons))
            {
                if (!await WaitUntilAsync(run, now + Duration.FromTimeSpan(_retryDelay), stopToken, shutdown).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            Log.LeadDenied(_logger, run.CampaignId, run.Cursor, reasons[0].Code);
            await FinishLeadAsync(run, AdmissionDeniedOutcome).ConfigureAwait(false);
            return;
        }

        // Admitted: record the call as in flight before dialing, so a runner taking over never dials it again.
        run.InFlightCallId = request.CallId;
        if (!await CheckpointAsync(run).ConfigureAwait(false))
        {
            run.InFlightCallId = null;
            await ReleaseSlotAsync(request.CallId).ConfigureAwait(false);
            return;
        }

        var (outcome, failed) = await PlaceAsync(request, shutdown).ConfigureAwait(false);
        run.ConsecutiveErrors = failed ? run.ConsecutiveErrors + 1 : 0;
        if (failed)
        {
            run.PlacementErrors++;
        }

        run.CountLead(outcome.Disposition.Code);
        if (!await CheckpointAsync(run).ConfigureAwait(false))
        {
            return;
        }

        if (failed && run.ConsecutiveErrors > _errorBudget)
        {
            var error = $"The call placer failed {run.ConsecutiveErrors} times in a row; the budget is {_errorBudget}.";
            var r = await _campaigns.TransitionAsync(run.CampaignId, CampaignCommand.Fail, run.State, run.Epoch, Now(), error, CancellationToken.None).ConfigureAwait(false);
            Log.BudgetSpent(_logger, run.CampaignId, run.ConsecutiveErrors, _errorBudget, r.Refusal);
            run.Observe(r);
            run.Error = error;
        }
    }

    private async Task<(CallOutcome Outcome, bool Failed)> PlaceAsync(DialRequest request, CancellationToken shutdown)
    {
        CallOutcome outcome;
        var failed = false;
        try
        {
            outcome = await _placer.PlaceCallAsync(request, shutdown).ConfigureAwait(false);
            if (outcome is null || !string.Equals(outcome.AttemptId, request.CallId, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The call placer returned an outcome for attempt '{outcome?.AttemptId}' instead of '{request.CallId}'.");
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Stopped while dialing: whether the call was placed is unknown, and it must not be dialed again.
            outcome = new CallOutcome(request, Disposition.UnknownOutcome, Now());
        }
#pragma warning disable CA1031 // A failing placer marks the lead failed; the error budget decides whether the campaign goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.PlacementFailed(_logger, ex, request.CampaignId, request.CallId, request.Phone.ToMaskedString());
            }

            outcome = new CallOutcome(request, Disposition.Failed, Now());
            failed = true;
        }

        try
        {
            await _reporter.ReportAsync(outcome, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Handlers are idempotent and the reporter already logged each failure; the run goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ReportFailed(_logger, ex, request.CallId);
        }

        await ReleaseSlotAsync(request.CallId).ConfigureAwait(false);
        return (outcome, failed);
    }

    private async Task ServiceRedialsAsync(Run run, CancellationToken shutdown)
    {
        var due = await _dueDials!.ClaimDueAsync(Now(), _redialBatchSize, run.CampaignId, shutdown).ConfigureAwait(false);
        var holdBack = false;
        foreach (var item in due)
        {
            if (holdBack || run.Fenced || run.State != CampaignState.Running || shutdown.IsCancellationRequested)
            {
                await _dueDials.ReleaseAsync(item, null, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var decision = await _admission.AdmitAsync(item.Request, Now(), shutdown).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                if (decision.Reasons.AllOf(DenialCategory.CallingWindow) && decision.NextEligibleAt is { } next)
                {
                    await _dueDials.ReleaseAsync(item, next, shutdown).ConfigureAwait(false);
                }
                else if (IsTransient(decision.Reasons))
                {
                    await _dueDials.ReleaseAsync(item, null, shutdown).ConfigureAwait(false);
                    holdBack = true;
                }
                else
                {
                    await _dueDials.CompleteAsync(item, shutdown).ConfigureAwait(false);
                }

                continue;
            }

            await PlaceAsync(item.Request, shutdown).ConfigureAwait(false);
            await _dueDials.CompleteAsync(item, CancellationToken.None).ConfigureAwait(false);
            run.RedialsPlaced++;
        }
    }

    private async Task<CampaignRunResult?> CompleteAsync(Run run)
    {
        if (!await CheckpointAsync(run).ConfigureAwait(false))
        {
            return run.Result(CampaignRunStatus.Fenced);
        }

        if (run.State != CampaignState.Running)
        {
            return null;
        }

        var r = await _campaigns.TransitionAsync(run.CampaignId, CampaignCommand.Complete, CampaignState.Running, run.Epoch, Now(), null, CancellationToken.None).ConfigureAwait(false);
        run.Observe(r);
        if (r.Succeeded)
        {
            Log.Completed(_logger, run.CampaignId, run.Processed);
            return run.Result(CampaignRunStatus.Completed);
        }

        // Paused or cancelled meanwhile (state changed) or taken over (stale epoch): the loop acts on it.
        return null;
    }

    private async Task<CampaignRunResult> StopAsync(Run run)
    {
        await CheckpointAsync(run).ConfigureAwait(false);
        if (!run.Fenced)
        {
            await _campaigns.ReleaseOwnershipAsync(run.CampaignId, OwnerId, run.Epoch, Now(), CancellationToken.None).ConfigureAwait(false);
        }

        Log.Stopped(_logger, run.CampaignId, run.Cursor);
        return run.Result(run.Fenced ? CampaignRunStatus.Fenced : CampaignRunStatus.Stopped);
    }

    private async Task<CampaignLead?> GetLeadAsync(Run run, CancellationToken shutdown)
    {
        if (run.Buffer is null || run.Cursor < run.BufferStart || run.Cursor >= run.BufferStart + run.Buffer.Count)
        {
            run.Buffer = await _leads.GetLeadsAsync(run.CampaignId, run.Cursor, _leadBatchSize, shutdown).ConfigureAwait(false);
            run.BufferStart = run.Cursor;
            if (run.Buffer.Count == 0)
            {
                return null;
            }
        }

        return run.Buffer[(int)(run.Cursor - run.BufferStart)];
    }

    private async Task FinishLeadAsync(Run run, string outcome)
    {
        run.CountLead(outcome);
        await CheckpointAsync(run).ConfigureAwait(false);
    }

    /// <summary>Writes the checkpoint; false when the store rejected it (fenced or gone), which stops the run.</summary>
    private async Task<bool> CheckpointAsync(Run run)
    {
        var now = Now();
        var r = await _campaigns.CheckpointAsync(
            new CampaignCheckpoint(run.CampaignId, OwnerId, run.Epoch)
            {
                Cursor = run.Cursor,
                InFlightCallId = run.InFlightCallId,
                Processed = run.Processed,
                TotalLeads = run.TotalLeads,
                OutcomeCounts = run.Outcomes,
                PlacementErrors = run.PlacementErrors,
                ConsecutivePlacementErrors = run.ConsecutiveErrors,
            },
            now,
            CancellationToken.None).ConfigureAwait(false);
        run.Observe(r);
        if (r.Succeeded)
        {
            _progress?.Record(run.CampaignId, now, run.Processed);
        }
        else
        {
            Log.CheckpointRejected(_logger, run.CampaignId, run.Epoch, r.Refusal);
        }

        return r.Succeeded;
    }

    /// <summary>Waits one step, then refreshes the state through a heartbeat.</summary>
    private async Task WaitAsync(Run run, TimeSpan delay, CancellationToken stopToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, stopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var r = await _campaigns.HeartbeatAsync(run.CampaignId, OwnerId, run.Epoch, Now(), CancellationToken.None).ConfigureAwait(false);
        run.Observe(r);
    }

    /// <summary>Waits until <paramref name="until"/> in poll-sized steps; false when the run must stop or pause first.</summary>
    private async Task<bool> WaitUntilAsync(Run run, Instant until, CancellationToken stopToken, CancellationToken shutdown)
    {
        while (true)
        {
            var remaining = until - Now();
            if (remaining <= Duration.Zero)
            {
                return true;
            }

            var step = remaining.ToTimeSpan() < _pollInterval ? remaining.ToTimeSpan() : _pollInterval;
            await WaitAsync(run, step, stopToken).ConfigureAwait(false);
            if (run.Fenced || run.State != CampaignState.Running || shutdown.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    private async Task BeatAsync(Run run, CancellationTokenSource stop)
    {
        var token = stop.Token;
        try
        {
            var r = await _campaigns.HeartbeatAsync(run.CampaignId, OwnerId, run.Epoch, Now(), token).ConfigureAwait(false);
            run.Observe(r);
            if (run.Fenced)
            {
                Log.Fenced(_logger, run.CampaignId, run.Epoch);
#pragma warning disable CA1849 // Cancelling wakes the main loop's waits; synchronous so it happens before this beat ends.
                stop.Cancel();
#pragma warning restore CA1849
                return;
            }

            if (run.InFlightCallId is { } callId && _slots is not null)
            {
                await _slots.RenewAsync(callId, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (token.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed heartbeat is retried on the next tick; if the store stays down another host takes over.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HeartbeatFailed(_logger, ex, run.CampaignId);
        }
    }

    private async Task ReleaseSlotAsync(string callId)
    {
        if (_slots is not null)
        {
            await _slots.ReleaseAsync(callId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(DenialReasonList reasons)
    {
        var transient = false;
        foreach (var r in reasons)
        {
            switch (r.Category)
            {
                case DenialCategory.Concurrency:
                case DenialCategory.Store:
                    transient = true;
                    break;
                case DenialCategory.CallingWindow:
                    break;
                default:
                    return false;
            }
        }

        return transient;
    }

    private Instant Now() => _timeProvider.GetCurrentInstant();

    /// <summary>
    /// Heartbeats every interval on a <see cref="TimeProvider"/> timer (never two beats at once; a beat stuck on a
    /// frozen store skips the ticks behind it). Disposing stops the timer and waits for the beat in progress.
    /// </summary>
    private sealed class HeartbeatTimer : IAsyncDisposable
    {
        private readonly CampaignRunner _owner;
        private readonly Run _run;
        private readonly CancellationTokenSource _stop;
        private readonly ITimer _timer;
        private Task _current = Task.CompletedTask;
        private int _busy;

        public HeartbeatTimer(CampaignRunner owner, Run run, CancellationTokenSource stop)
        {
            _owner = owner;
            _run = run;
            _stop = stop;
            _timer = owner._timeProvider.CreateTimer(static s => ((HeartbeatTimer)s!).Tick(), this, owner._heartbeatInterval, owner._heartbeatInterval);
        }

        public async ValueTask DisposeAsync()
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
#pragma warning disable CA1849 // Synchronous, so a beat waiting on a frozen store is released on this thread.
            _stop.Cancel();
#pragma warning restore CA1849
            await Volatile.Read(ref _current).ConfigureAwait(false);
        }

        private void Tick()
        {
            if (Interlocked.Exchange(ref _busy, 1) == 1)
            {
                return;
            }

            Volatile.Write(ref _current, BeatThenFreeAsync());
        }

        private async Task BeatThenFreeAsync()
        {
            try
            {
                await _owner.BeatAsync(_run, _stop).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    private sealed class Run(CampaignSnapshot snapshot)
    {
        private int _state = (int)snapshot.State;
        private int _fenced;

        public string CampaignId { get; } = snapshot.Id;

        public string ClientId { get; } = snapshot.ClientId;

        public long Epoch { get; } = snapshot.Epoch;

        public long Cursor { get; set; } = snapshot.Cursor;

        public long Processed { get; set; } = snapshot.Processed;

        public long? TotalLeads { get; set; } = snapshot.TotalLeads;

        public Dictionary<string, long> Outcomes { get; } = new(snapshot.OutcomeCounts, StringComparer.Ordinal);

        public long PlacementErrors { get; set; } = snapshot.PlacementErrors;

        public int ConsecutiveErrors { get; set; } = snapshot.ConsecutivePlacementErrors;

        public long RedialsPlaced { get; set; }

        public string? Error { get; set; }

        public IReadOnlyList<CampaignLead>? Buffer { get; set; }

        public long BufferStart { get; set; }

        private string? _inFlight = snapshot.InFlightCallId;

        public string? InFlightCallId
        {
            get => Volatile.Read(ref _inFlight);
            set => Volatile.Write(ref _inFlight, value);
        }

        public CampaignState State => (CampaignState)Volatile.Read(ref _state);

        public bool Fenced => Volatile.Read(ref _fenced) != 0;

        public void Observe(CampaignResult r)
        {
            if (r.Refusal is CampaignRefusal.StaleEpoch or CampaignRefusal.NotFound)
            {
                Volatile.Write(ref _fenced, 1);
            }

            if (r.State is { } s && r.Refusal != CampaignRefusal.NotFound)
            {
                Volatile.Write(ref _state, (int)s);
            }
        }

        /// <summary>Counts the lead at the cursor as processed with <paramref name="outcome"/> and moves past it.</summary>
        public void CountLead(string outcome)
        {
            Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + 1;
            Processed++;
            Cursor++;
            InFlightCallId = null;
            CampaignsMetrics.RecordLead(outcome);
        }

        public CampaignRunResult Result(CampaignRunStatus status) =>
            new(status, CampaignRefusal.None, Cursor, Processed, RedialsPlaced, Error);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Claimed campaign {CampaignId} at epoch {Epoch}; resuming at lead {Cursor}")]
        public static partial void Claimed(ILogger logger, string campaignId, long epoch, long cursor);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Took campaign {CampaignId} over from {PreviousOwner} (stale heartbeat) at epoch {Epoch}; resuming at lead {Cursor}")]
        public static partial void TookOver(ILogger logger, string campaignId, string? previousOwner, long epoch, long cursor);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: lead {Cursor} was in flight as call {CallId} under the previous owner; counted as unknown outcome, not dialed again")]
        public static partial void InFlightSkipped(ILogger logger, string campaignId, long cursor, string callId);

        [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: placing call {CallId} to {Phone} failed")]
        public static partial void PlacementFailed(ILogger logger, Exception exception, string campaignId, string callId, string phone);

        [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "Campaign {CampaignId}: {Failures} placements failed in a row (budget {Budget}); failing the campaign ({Refusal})")]
        public static partial void BudgetSpent(ILogger logger, string campaignId, int failures, int budget, CampaignRefusal refusal);

        [LoggerMessage(EventId = 6106, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: checkpoint at epoch {Epoch} rejected ({Refusal}); another runner owns it, stopping")]
        public static partial void CheckpointRejected(ILogger logger, string campaignId, long epoch, CampaignRefusal refusal);

        [LoggerMessage(EventId = 6107, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: heartbeat at epoch {Epoch} rejected; another runner took it over")]
        public static partial void Fenced(ILogger logger, string campaignId, long epoch);

        [LoggerMessage(EventId = 6108, Level = LogLevel.Warning, Message = "Campaign {CampaignId}: heartbeat failed; retrying")]
        public static partial void HeartbeatFailed(ILogger logger, Exception exception, string campaignId);

        [LoggerMessage(EventId = 6109, Level = LogLevel.Error, Message = "Reporting the outcome of call {CallId} failed")]
        public static partial void ReportFailed(ILogger logger, Exception exception, string callId);

        [LoggerMessage(EventId = 6110, Level = LogLevel.Information, Message = "Campaign {CampaignId} completed after {Processed} leads")]
        public static partial void Completed(ILogger logger, string campaignId, long processed);

        [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "Campaign {CampaignId} runner stopped at lead {Cursor}; ownership released")]
        public static partial void Stopped(ILogger logger, string campaignId, long cursor);

        [LoggerMessage(EventId = 6112, Level = LogLevel.Debug, Message = "Campaign {CampaignId}: lead {Cursor} denied ({Code})")]
        public static partial void LeadDenied(ILogger logger, string campaignId, long cursor, string code);
    }
}
