using System.Collections.Concurrent;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// Where a campaign stands: processed of total, percent, remaining, the processing rate over a recent window, the
/// estimated time of completion, and outcome counts.
/// </summary>
public sealed class CampaignProgress
{
    internal CampaignProgress(CampaignSnapshot snapshot, Instant at, double? ratePerMinute)
    {
        CampaignId = snapshot.Id;
        State = snapshot.State;
        At = at;
        Processed = snapshot.Processed;
        Total = snapshot.TotalLeads;
        OutcomeCounts = snapshot.OutcomeCounts;
        if (Total is { } total)
        {
            Remaining = Math.Max(0, total - snapshot.Cursor);
            Percent = total == 0 ? 100d : Math.Min(100d, snapshot.Cursor * 100d / total);
        }

        RatePerMinute = ratePerMinute;
        if (Remaining == 0)
        {
            EstimatedCompletion = at;
        }
        else if (Remaining is { } remaining && ratePerMinute is > 0 and { } rate && State == CampaignState.Running)
        {
            EstimatedCompletion = at + Duration.FromSeconds(Math.Ceiling(remaining / rate * 60d));
        }
    }

    /// <summary>The campaign.</summary>
    public string CampaignId { get; }

    /// <summary>Its state.</summary>
    public CampaignState State { get; }

    /// <summary>When this progress was computed.</summary>
    public Instant At { get; }

    /// <summary>Leads processed (placed, denied, deferred or failed).</summary>
    public long Processed { get; }

    /// <summary>The total number of leads, when the runner has reported it.</summary>
    public long? Total { get; }

    /// <summary>Leads not yet processed, when the total is known.</summary>
    public long? Remaining { get; }

    /// <summary>Percent of leads processed (0–100), when the total is known.</summary>
    public double? Percent { get; }

    /// <summary>Leads processed per minute over the recent window (<see cref="CampaignRunnerOptions.ProgressWindow"/>), when this host has observed enough of the run.</summary>
    public double? RatePerMinute { get; }

    /// <summary>When the last lead is expected to be processed at the recent rate (only while Running), or <see cref="At"/> when none remain.</summary>
    public Instant? EstimatedCompletion { get; }

    /// <summary>Processed leads by outcome.</summary>
    public IReadOnlyDictionary<string, long> OutcomeCounts { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{CampaignId} {State}: {Processed}/{(Total is { } t ? t.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")} ({Percent:0.#}%), {RatePerMinute:0.##}/min, ETA {EstimatedCompletion}";
}

/// <summary>
/// Observes how fast each campaign's runner on this host processes leads, so progress can report a recent rate and
/// an ETA. Thread-safe; one instance per host (registered by <c>AddCampaigns</c>).
/// </summary>
public sealed class CampaignProgressTracker
{
    private const int MaxSamples = 4096;
    private readonly ConcurrentDictionary<string, Samples> _samples = new(StringComparer.Ordinal);
    private readonly Duration _window;

    /// <summary>Creates a tracker measuring rates over <paramref name="window"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is not positive.</exception>
    public CampaignProgressTracker(TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "window must be positive.");
        }

        _window = Duration.FromTimeSpan(window);
    }

    /// <summary>Records that <paramref name="campaignId"/> had processed <paramref name="processed"/> leads at <paramref name="at"/>.</summary>
    public void Record(string campaignId, Instant at, long processed)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        var s = _samples.GetOrAdd(campaignId, static _ => new Samples());
        lock (s)
        {
            s.Queue.Enqueue((at, processed));
            while (s.Queue.Count > MaxSamples || (s.Queue.Count > 1 && s.Queue.Peek().At < at - _window))
            {
                s.Queue.Dequeue();
            }
        }
    }

    /// <summary>Leads per minute over the window ending at <paramref name="now"/>, or null when fewer than two samples fall in it.</summary>
    public double? RatePerMinute(string campaignId, Instant now)
    {
        ArgumentNullException.ThrowIfNull(campaignId);
        if (!_samples.TryGetValue(campaignId, out var s))
        {
            return null;
        }

        lock (s)
        {
            (Instant At, long Processed)? first = null;
            (Instant At, long Processed)? last = null;
            foreach (var sample in s.Queue)
            {
                if (sample.At < now - _window || sample.At > now)
                {
                    continue;
                }

                first ??= sample;
                last = sample;
            }

            if (first is not { } f || last is not { } l || l.At <= f.At)
            {
                return null;
            }

            return (l.Processed - f.Processed) / (l.At - f.At).TotalMinutes;
        }
    }

    /// <summary>The progress of <paramref name="snapshot"/> at <paramref name="now"/>, with the rate this host observed.</summary>
    public CampaignProgress Compute(CampaignSnapshot snapshot, Instant now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new CampaignProgress(snapshot, now, RatePerMinute(snapshot.Id, now));
    }

    private sealed class Samples
    {
        public Queue<(Instant At, long Processed)> Queue { get; } = new();
    }
}
