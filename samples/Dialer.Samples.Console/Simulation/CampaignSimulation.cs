using System.Diagnostics;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Redial;
using Dialer.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Samples.Console.Simulation;

/// <summary>
/// Runs a campaign against <see cref="SimulatedTelephony"/> on a fake clock, through the real composite admission
/// (<see cref="IDialAdmission"/>: calling window → concurrency slots → protection) and the real outcome reporter
/// (protection → redial → slot release), with the due-dial queue feeding redials and deferred leads back in.
/// </summary>
/// <remarks>
/// A discrete-event loop: time moves in ticks; in each tick the calls that ended are reported, then free lines are
/// filled from due redials/deferrals first and fresh leads second. Work inside a tick is issued concurrently so a
/// store that group-commits (SQLite, PostgreSQL) batches it. When calling is closed in every US zone and no call is in
/// flight, the clock jumps to the next opening. Nothing prints per call.
/// </remarks>
internal sealed class CampaignSimulation
{
    public const string OwnerId = "dialer-simulate";

    /// <summary>How often the due-dial queue is polled (a redial may start up to this much after it fell due).</summary>
    public static readonly Duration ClaimInterval = Duration.FromMinutes(1);

    private static readonly string[] s_probeZones =
    [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
        "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
    ];

    private readonly IDialAdmission _admission;
    private readonly ICallOutcomeReporter _reporter;
    private readonly IDueDialQueue _dueDials;
    private readonly IRedialQueue? _redialQueue;
    private readonly ICampaignStore _campaigns;
    private readonly CallingWindowService _window;
    private readonly FakeTimeProvider _clock;
    private readonly SimulatedTelephony _telephony;
    private readonly IReadOnlyList<CampaignLead> _leads;
    private readonly string _campaignId;
    private readonly string _clientId;
    private readonly int _limit;
    private readonly Duration _tick;
    private readonly CallingWindowQuery[] _probes;
    private readonly PriorityQueue<InFlightCall, Instant> _inFlight = new();
    private readonly SimulationResult _result = new();
    private readonly Dictionary<string, long> _campaignOutcomes = new(StringComparer.Ordinal);
    private readonly List<Task> _pending = [];
    private Instant _nextClaim = Instant.MinValue;
    private long _cursor;
    private long _processed;

    public CampaignSimulation(IServiceProvider services, FakeTimeProvider clock, SimulatedTelephony telephony, IReadOnlyList<CampaignLead> leads, string campaignId, string clientId, Duration tick)
    {
        _admission = services.GetRequiredService<IDialAdmission>();
        _reporter = services.GetRequiredService<ICallOutcomeReporter>();
        _dueDials = services.GetRequiredService<IDueDialQueue>();
        _redialQueue = services.GetService<IRedialQueue>();
        _campaigns = services.GetRequiredService<ICampaignStore>();
        _window = services.GetRequiredService<CallingWindowService>();
        var slots = services.GetRequiredService<IOptions<CampaignsOptions>>().Value.Slots;
        _limit = SlotLimit(slots, clientId, campaignId);
        _clock = clock;
        _telephony = telephony;
        _leads = leads;
        _campaignId = campaignId;
        _clientId = clientId;
        _tick = tick;
        _probes = [.. s_probeZones.Select(z => new CallingWindowQuery { ZoneId = z, ClientId = clientId, CampaignId = campaignId })];
    }

    /// <summary>True when an earlier run of this campaign exists (for the summary).</summary>
    public bool Continued
    {
        get => _result.Continued;
        set => _result.Continued = value;
    }

    /// <summary>Called about every simulated hour (and at the end) with the clock, leads processed and calls in flight.</summary>
    public Action<Instant, long, int, SimulationResult>? Progress { get; set; }

    /// <summary>
    /// Awaited at every hourly checkpoint of the simulated clock (after the campaign's cursor is saved): the host flushes
    /// the daily statistics there, so a run that is killed loses at most an hour of counts.
    /// </summary>
    public Func<CancellationToken, Task>? HourlyCheckpoint { get; set; }

    /// <summary>Wall ticks spent per phase (reports and claims, -, admissions, -, loop count), for DIALER_DEBUG.</summary>
    public long[] Phase { get; } = new long[5];

    public async Task<SimulationResult> RunAsync(Instant until, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var snapshot = await OpenCampaignAsync(cancellationToken);
        var claim = await _campaigns.TryClaimAsync(_campaignId, OwnerId, Now, Duration.FromMinutes(1), cancellationToken);
        if (!claim.Succeeded)
        {
            throw new Hosting.UsageException($"campaign '{_campaignId}' cannot be run: {claim.Message} (state {claim.Snapshot?.State.ToString() ?? "unknown"}).");
        }

        snapshot = claim.Snapshot!;
        foreach (var (code, count) in snapshot.OutcomeCounts)
        {
            _campaignOutcomes[code] = count;
        }

        var epoch = snapshot.Epoch;
        var cursor = snapshot.Cursor;
        var processed = snapshot.Processed;
        _result.Leads = _leads.Count;
        _result.CursorAtStart = cursor;
        _result.ConcurrencyLimit = _limit;
        _result.SimulatedFrom = Now;
        _cursor = cursor;
        _processed = processed;
        Progress?.Invoke(Now, cursor, 0, _result);

        try
        {
            await LoopAsync(until, epoch, cursor, processed, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopped (Ctrl+C): keep what was done and hand the campaign back, so the next run continues at once.
            try
            {
                await Task.WhenAll(_pending);
            }
            catch (OperationCanceledException)
            {
                // Queue updates cancelled with the run are retried by their items' claim expiry.
            }

            await CheckpointAsync(epoch, _cursor, _processed, CancellationToken.None);
            await _campaigns.ReleaseOwnershipAsync(_campaignId, OwnerId, epoch, Now, CancellationToken.None);
            throw;
        }

        cursor = _cursor;
        processed = _processed;
        await CheckpointAsync(epoch, cursor, processed, cancellationToken);
        var live = _redialQueue is null ? 0 : (await _redialQueue.GetCountsAsync(Now, _campaignId, cancellationToken)).Live;
        _result.RedialsPending = live;
        var state = snapshot.State;
        if (cursor >= _leads.Count && live == 0)
        {
            var done = await _campaigns.TransitionAsync(_campaignId, CampaignCommand.Complete, CampaignState.Running, epoch, Now, cancellationToken: cancellationToken);
            if (done.Succeeded)
            {
                state = CampaignState.Completed;
            }
        }
        else
        {
            await _campaigns.ReleaseOwnershipAsync(_campaignId, OwnerId, epoch, Now, cancellationToken);
        }

        _result.CursorAtEnd = cursor;
        _result.SimulatedTo = Now;
        _result.CampaignState = state.ToString();
        foreach (var (code, count) in _campaignOutcomes)
        {
            _result.CampaignOutcomes[code] = count;
        }

        _result.WallTime = wall.Elapsed;
        Progress?.Invoke(Now, cursor, 0, _result);
        return _result;
    }

    private async Task LoopAsync(Instant until, long epoch, long cursor, long processed, CancellationToken cancellationToken)
    {
        var nextCheckpoint = Now + Duration.FromHours(1);
        while (Now < until || _inFlight.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = Now;
            var dialing = now < until;
            var anyOpen = dialing && AnyZoneOpen(now);

            // Phase 1, concurrently: report the calls that ended (releasing their lines), finish last tick's queue
            // updates, and claim the redials/deferrals that are due for the lines that will be free.
            var t0 = Stopwatch.GetTimestamp();
            var reports = ReportEndedCalls(now, cancellationToken);
            var free = _limit - _inFlight.Count;
            var claimNow = anyOpen && free > 0 && now >= _nextClaim;
            if (claimNow)
            {
                _nextClaim = now + ClaimInterval;
            }

            var claimed = claimNow ? _dueDials.ClaimDueAsync(now, free, _campaignId, cancellationToken).AsTask() : Task.FromResult<IReadOnlyList<DueDial>>([]);
            _pending.Add(reports);
            _pending.Add(claimed);
            await Task.WhenAll(_pending);
            _pending.Clear();
            var due = await claimed;
            Phase[0] += Stopwatch.GetElapsedTime(t0).Ticks;

            // Phase 2: one concurrent round of admissions, due dials first, then fresh leads for the remaining lines.
            if (anyOpen)
            {
                t0 = Stopwatch.GetTimestamp();
                var freshCount = (int)Math.Min(Math.Max(0, free - due.Count), _leads.Count - cursor);
                await DialAsync(now, due, (int)cursor, freshCount, cancellationToken);
                cursor += freshCount;
                processed += freshCount;
                _result.LeadsStarted += freshCount;

                // Leads deferred because their callee's window is closed leave lines free: keep filling them.
                while (_limit - _inFlight.Count > 0 && cursor < _leads.Count)
                {
                    var take = (int)Math.Min(_limit - _inFlight.Count, _leads.Count - cursor);
                    await DialAsync(now, [], (int)cursor, take, cancellationToken);
                    cursor += take;
                    processed += take;
                    _result.LeadsStarted += take;
                }

                Phase[2] += Stopwatch.GetElapsedTime(t0).Ticks;
            }

            Instant next;
            if (_inFlight.Count == 0 && dialing && !anyOpen)
            {
                next = NextOpening(now) ?? until;
                if (next > until)
                {
                    next = until;
                }
            }
            else
            {
                next = now + _tick;
            }

            if (next <= now)
            {
                next = now + _tick;
            }

            if (cursor != _cursor)
            {
                // Checkpoint the cursor whenever it moved (one small write, batched with this tick's queue updates),
                // so a run that is killed re-offers at most one tick of leads.
                _pending.Add(CheckpointAsync(epoch, cursor, processed, cancellationToken));
            }

            _cursor = cursor;
            _processed = processed;
            _clock.SetUtcNow(next.ToDateTimeOffset());
            Phase[4]++;
            if (Now >= nextCheckpoint)
            {
                await Task.WhenAll(_pending);
                _pending.Clear();
                nextCheckpoint = Now + Duration.FromHours(1);
                await CheckpointAsync(epoch, cursor, processed, cancellationToken);
                if (HourlyCheckpoint is { } hourly)
                {
                    await hourly(cancellationToken);
                }

                Progress?.Invoke(Now, cursor, _inFlight.Count, _result);
            }
        }

        await Task.WhenAll(_pending);
        _pending.Clear();
        _cursor = cursor;
        _processed = processed;
    }

    /// <summary>The simulated clock.</summary>
    public Instant Now => Instant.FromDateTimeOffset(_clock.GetUtcNow());

    private static int SlotLimit(SlotOptions slots, string clientId, string campaignId)
    {
        var limit = slots.GlobalMaxCalls;
        var client = slots.Clients.TryGetValue(clientId, out var c) ? c.MaxConcurrentCalls : slots.DefaultClientMaxCalls;
        var campaign = slots.Campaigns.TryGetValue(campaignId, out var k) ? k.MaxConcurrentCalls : slots.DefaultCampaignMaxCalls;
        if (client is { } cl && cl < limit)
        {
            limit = cl;
        }

        if (campaign is { } ca && ca < limit)
        {
            limit = ca;
        }

        return Math.Max(1, limit);
    }

    private async Task<CampaignSnapshot> OpenCampaignAsync(CancellationToken cancellationToken)
    {
        var existing = await _campaigns.GetAsync(_campaignId, cancellationToken);
        if (existing is null)
        {
            var (created, snapshot) = await _campaigns.CreateAsync(new CampaignDefinition(_campaignId, _clientId, "Simulated campaign"), Now, cancellationToken);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Creating campaign '{_campaignId}' failed: {created.Message}");
            }

            existing = snapshot;
        }

        if (existing.State == CampaignState.Draft)
        {
            var started = await _campaigns.TransitionAsync(_campaignId, CampaignCommand.Start, CampaignState.Draft, existing.Epoch, Now, cancellationToken: cancellationToken);
            if (!started.Succeeded)
            {
                throw new InvalidOperationException($"Starting campaign '{_campaignId}' failed: {started.Message}");
            }

            existing = (await _campaigns.GetAsync(_campaignId, cancellationToken))!;
        }

        if (existing.State != CampaignState.Running)
        {
            var hint = existing.State == CampaignState.Paused ? $" Resume it with `dialer campaign resume {_campaignId}`." : " Start another with --campaign ID.";
            throw new Hosting.UsageException($"campaign '{_campaignId}' is {existing.State}; nothing was dialed.{hint}");
        }

        return existing;
    }

    private bool AnyZoneOpen(Instant now)
    {
        foreach (var probe in _probes)
        {
            if (_window.IsOpen(probe, now))
            {
                return true;
            }
        }

        return false;
    }

    private Instant? NextOpening(Instant now)
    {
        Instant? earliest = null;
        foreach (var probe in _probes)
        {
            if (_window.NextOpen(probe, now) is { } open && (earliest is null || open < earliest))
            {
                earliest = open;
            }
        }

        return earliest;
    }

    private Task ReportEndedCalls(Instant now, CancellationToken cancellationToken)
    {
        if (_inFlight.Count == 0 || _inFlight.Peek().EndsAt > now)
        {
            return Task.CompletedTask;
        }

        var reports = new List<Task>();
        while (_inFlight.Count > 0 && _inFlight.Peek().EndsAt <= now)
        {
            var call = _inFlight.Dequeue();
            Count(_result.Outcomes, call.Disposition.Code);
            Count(_campaignOutcomes, call.Disposition.Code);
            reports.Add(_reporter.ReportAsync(new CallOutcome(call.Request, call.Disposition, call.EndsAt), cancellationToken).AsTask());
        }

        return Task.WhenAll(reports);
    }

    private async Task DialAsync(Instant now, IReadOnlyList<DueDial> due, int start, int freshCount, CancellationToken cancellationToken)
    {
        var requests = new DialRequest[due.Count + freshCount];
        for (var i = 0; i < due.Count; i++)
        {
            requests[i] = due[i].Request;
        }

        for (var i = 0; i < freshCount; i++)
        {
            var lead = _leads[start + i];
            requests[due.Count + i] = new DialRequest($"{_campaignId}/{lead.LeadId}", lead.LeadId, lead.Phone, _clientId, _campaignId)
            {
                CalleeZoneId = lead.CalleeZoneId,
                RegionCode = lead.RegionCode,
                PostalCode = lead.PostalCode,
                SubjectKey = lead.SubjectKey,
            };
        }

        if (requests.Length == 0)
        {
            return;
        }

        var decisions = await AdmitAllAsync(requests, now, cancellationToken);
        for (var i = 0; i < requests.Length; i++)
        {
            var decision = decisions[i];
            var item = i < due.Count ? due[i] : null;
            if (decision.IsAllowed)
            {
                if (item is not null)
                {
                    if (item.Kind == DueDialKind.Deferred)
                    {
                        _result.DeferredPlaced++;
                    }
                    else
                    {
                        _result.RedialsPlaced++;
                    }

                    _pending.Add(_dueDials.CompleteAsync(item, cancellationToken).AsTask());
                }

                Place(requests[i], now);
            }
            else if (decision.NextEligibleAt is { } retry)
            {
                // Calling is closed for this callee, a cap or cool-down is running, or the lines are full:
                // the lead waits in the due-dial queue (the "request queue") until it may be dialed.
                var at = retry > now ? retry : now + _tick;
                if (item is not null)
                {
                    _pending.Add(_dueDials.ReleaseAsync(item, at, cancellationToken).AsTask());
                }
                else
                {
                    _result.Deferred++;
                    _pending.Add(_dueDials.DeferAsync(requests[i], at, DueDialKind.Deferred, cancellationToken).AsTask());
                }
            }
            else if (item is not null)
            {
                // Never eligible again (a final disposition, do-not-call): the queued dial is done.
                _pending.Add(_dueDials.CompleteAsync(item, cancellationToken).AsTask());
            }
        }
    }

    private async Task<AdmissionDecision[]> AdmitAllAsync(DialRequest[] requests, Instant now, CancellationToken cancellationToken)
    {
        var tasks = new Task<AdmissionDecision>[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            tasks[i] = _admission.AdmitAsync(requests[i], now, cancellationToken).AsTask();
        }

        var decisions = await Task.WhenAll(tasks);
        foreach (var decision in decisions)
        {
            _result.Admissions++;
            if (decision.IsAllowed)
            {
                _result.Admitted++;
            }
            else
            {
                _result.Denied++;
                foreach (var reason in decision.Reasons)
                {
                    Count(_result.DeniedByReason, reason.Code);
                }
            }
        }

        return decisions;
    }

    private void Place(DialRequest request, Instant now)
    {
        var (disposition, length) = _telephony.Place(request.CallId);
        var ends = now + length;
        _inFlight.Enqueue(new InFlightCall(request, disposition, ends), ends);
        if (_inFlight.Count > _result.PeakConcurrency)
        {
            _result.PeakConcurrency = _inFlight.Count;
        }
    }

    private async Task CheckpointAsync(long epoch, long cursor, long processed, CancellationToken cancellationToken)
    {
        var checkpoint = new CampaignCheckpoint(_campaignId, OwnerId, epoch)
        {
            Cursor = cursor,
            Processed = processed,
            TotalLeads = _leads.Count,
            OutcomeCounts = new Dictionary<string, long>(_campaignOutcomes, StringComparer.Ordinal),
        };
        var result = await _campaigns.CheckpointAsync(checkpoint, Now, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Checkpoint of campaign '{_campaignId}' was refused: {result.Message}. Another host took it over, or it was paused or cancelled.");
        }
    }

    private static void Count(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;

    private sealed record InFlightCall(DialRequest Request, Disposition Disposition, Instant EndsAt);
}
