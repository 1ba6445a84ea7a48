using Dialer.Core;
using NodaTime;

namespace Dialer.Campaigns;

/// <summary>
/// Operator-facing campaign operations over an <see cref="ICampaignStore"/>: create, start, pause, resume, cancel, fail
/// and progress. Each command reads the campaign and applies a compare-and-set transition on the state and epoch it
/// read, so it is refused (with the reason) rather than applied to a campaign that changed in between.
/// </summary>
/// <remarks>Thread-safe. Time comes from the injected <see cref="TimeProvider"/>.</remarks>
public sealed class CampaignManager
{
    private readonly ICampaignStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly CampaignProgressTracker _progress;

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The campaign store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="progress">The rate observations of this host's runners; a tracker with the default window when null.</param>
    public CampaignManager(ICampaignStore store, TimeProvider timeProvider, CampaignProgressTracker? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _timeProvider = timeProvider;
        _progress = progress ?? new CampaignProgressTracker(CampaignRunnerOptions.DefaultProgressWindow);
    }

    /// <summary>Creates a campaign in Draft (idempotent by id; see <see cref="ICampaignStore.CreateAsync"/>).</summary>
    public ValueTask<(CampaignResult Result, CampaignSnapshot Campaign)> CreateAsync(CampaignDefinition definition, CancellationToken cancellationToken = default) =>
        _store.CreateAsync(definition, Now(), cancellationToken);

    /// <summary>The campaign, or null.</summary>
    public ValueTask<CampaignSnapshot?> GetAsync(string campaignId, CancellationToken cancellationToken = default) =>
        _store.GetAsync(campaignId, cancellationToken);

    /// <summary>Draft → Running; a runner then claims it.</summary>
    public ValueTask<CampaignResult> StartAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ApplyAsync(campaignId, CampaignCommand.Start, null, cancellationToken);

    /// <summary>Running → Paused; the runner stops between leads.</summary>
    public ValueTask<CampaignResult> PauseAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ApplyAsync(campaignId, CampaignCommand.Pause, null, cancellationToken);

    /// <summary>Paused → Running; the runner continues at the next lead.</summary>
    public ValueTask<CampaignResult> ResumeAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ApplyAsync(campaignId, CampaignCommand.Resume, null, cancellationToken);

    /// <summary>Draft, Running or Paused → Cancelled.</summary>
    public ValueTask<CampaignResult> CancelAsync(string campaignId, CancellationToken cancellationToken = default) =>
        ApplyAsync(campaignId, CampaignCommand.Cancel, null, cancellationToken);

    /// <summary>Running or Paused → Failed with <paramref name="error"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="error"/> is empty or whitespace.</exception>
    public ValueTask<CampaignResult> FailAsync(string campaignId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return ApplyAsync(campaignId, CampaignCommand.Fail, error, cancellationToken);
    }

    /// <summary>The campaign's progress now (rate and ETA from this host's runner observations), or null when it does not exist.</summary>
    public async ValueTask<CampaignProgress?> GetProgressAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var snapshot = await _store.GetAsync(campaignId, cancellationToken).ConfigureAwait(false);
        return snapshot is null ? null : _progress.Compute(snapshot, Now());
    }

    private async ValueTask<CampaignResult> ApplyAsync(string campaignId, CampaignCommand command, string? error, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        var current = await _store.GetAsync(campaignId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return CampaignResult.Refused(CampaignRefusal.NotFound);
        }

        return await _store.TransitionAsync(campaignId, command, current.State, current.Epoch, Now(), error, cancellationToken).ConfigureAwait(false);
    }

    private Instant Now() => _timeProvider.GetCurrentInstant();
}
