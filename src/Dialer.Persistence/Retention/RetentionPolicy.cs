using Dialer.Protection;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// Validated <see cref="RetentionOptions"/> for a known protection rule horizon, turned into
/// <see cref="RetentionCutoffs"/> for an instant. No attempt cutoff ever falls inside the horizon.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class RetentionPolicy
{
    /// <summary>Creates a policy, validating <paramref name="options"/> (every problem at once) and copying them.</summary>
    /// <param name="options">The retention per data type.</param>
    /// <param name="ruleHorizon">The longest protection rule horizon (<c>ProtectionGate.Rules.Horizon</c>); zero when no rule reads history.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid.</exception>
    public RetentionPolicy(RetentionOptions options, Duration ruleHorizon)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validator = new RetentionOptionsValidator(ruleHorizon);
        validator.ThrowIfInvalid(options);
        RuleHorizon = ruleHorizon;
        MinimumAttemptRetention = validator.MinimumAttemptRetention;
        Attempts = ToDuration(options.Attempts);
        ExpiredBlocks = ToDuration(options.ExpiredBlocks);
        FinishedRedialItems = ToDuration(options.FinishedRedialItems);
        AnsweringMachineStats = ToDuration(options.AnsweringMachineStats);
        EndedCampaigns = ToDuration(options.EndedCampaigns);
        DailyStatisticsDays = options.DailyStatistics is { } d ? (int)d.TotalDays : null;
    }

    /// <summary>The longest protection rule horizon the policy was built for.</summary>
    public Duration RuleHorizon { get; }

    /// <summary>The shortest attempt retention allowed: <see cref="MinimumAttemptRetentionFor"/> of <see cref="RuleHorizon"/>.</summary>
    public Duration MinimumAttemptRetention { get; }

    /// <summary>How long attempts are kept; null for forever.</summary>
    public Duration? Attempts { get; }

    /// <summary>How long expired blocks are kept after expiry; null for forever.</summary>
    public Duration? ExpiredBlocks { get; }

    /// <summary>How long finished redial items are kept; null for forever.</summary>
    public Duration? FinishedRedialItems { get; }

    /// <summary>How long answering-machine statistics are kept after the number's last outcome; null for forever.</summary>
    public Duration? AnsweringMachineStats { get; }

    /// <summary>How long ended campaigns are kept; null for forever.</summary>
    public Duration? EndedCampaigns { get; }

    /// <summary>How many days of daily statistics are kept; null for forever.</summary>
    public int? DailyStatisticsDays { get; }

    /// <summary>
    /// The shortest attempt retention that changes no admission decision: the longest rule horizon, and at least the
    /// in-memory ledger's <see cref="InMemoryAttemptLedger.DefaultMinimumRetention"/> (one day), so late outcomes still
    /// find their attempt and retried attempt ids are still recognised — the same span the in-memory ledger keeps.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ruleHorizon"/> is negative.</exception>
    public static Duration MinimumAttemptRetentionFor(Duration ruleHorizon)
    {
        if (ruleHorizon < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ruleHorizon), ruleHorizon, $"ruleHorizon = {ruleHorizon} must not be negative.");
        }

        return ruleHorizon > InMemoryAttemptLedger.DefaultMinimumRetention ? ruleHorizon : InMemoryAttemptLedger.DefaultMinimumRetention;
    }

    /// <summary>
    /// The cutoffs at <paramref name="now"/>: per data type, <paramref name="now"/> minus its retention (null for a type
    /// kept forever). The attempt cutoff is never later than <paramref name="now"/> minus
    /// <see cref="MinimumAttemptRetention"/>. Daily statistics are cut by whole days: rows dated before the UTC date of
    /// <paramref name="now"/> minus the retention.
    /// </summary>
    public RetentionCutoffs ComputeCutoffs(Instant now)
    {
        Instant? attempts = null;
        if (Attempts is { } a)
        {
            var keep = a > MinimumAttemptRetention ? a : MinimumAttemptRetention;
            attempts = now - keep;
        }

        return new RetentionCutoffs(
            attempts,
            ExpiredBlocks is { } b ? now - b : null,
            FinishedRedialItems is { } r ? now - r : null,
            AnsweringMachineStats is { } m ? now - m : null,
            EndedCampaigns is { } c ? now - c : null,
            DailyStatisticsDays is { } days ? now.InUtc().Date.PlusDays(-days) : null);
    }

    private static Duration? ToDuration(TimeSpan? value) => value is { } v ? Duration.FromTimeSpan(v) : null;
}
