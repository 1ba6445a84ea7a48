using Dialer.Core;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// Validates <see cref="RetentionOptions"/>, reporting every problem at once. Knows the longest protection rule horizon,
/// so an attempt retention that would purge attempts still deciding admissions is rejected, never silently clamped.
/// </summary>
public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private readonly Duration _minimumAttempts;

    /// <summary>Creates a validator for rules whose longest horizon is <paramref name="ruleHorizon"/>.</summary>
    /// <param name="ruleHorizon">The longest protection rule horizon (<c>ProtectionGate.Rules.Horizon</c>); zero when no rule reads history.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ruleHorizon"/> is negative.</exception>
    public RetentionOptionsValidator(Duration ruleHorizon) => _minimumAttempts = RetentionPolicy.MinimumAttemptRetentionFor(ruleHorizon);

    /// <summary>The shortest accepted <see cref="RetentionOptions.Attempts"/>.</summary>
    public Duration MinimumAttemptRetention => _minimumAttempts;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) => Collect(options).ToResult();

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid(RetentionOptions options) => Collect(options).ThrowIfAny(typeof(RetentionOptions));

    private OptionsErrorList Collect(RetentionOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new OptionsErrorList();
        var max = TimeSpan.FromDays(RetentionOptions.MaxRetentionDays);
        var minimum = _minimumAttempts.ToTimeSpan();
        if (o.Attempts is { } attempts)
        {
            if (attempts < minimum || attempts > max)
            {
                errors.Add(nameof(o.Attempts), attempts, $"must be between {minimum:c} (the longest protection rule horizon, at least one day: attempts inside it still decide admissions) and {RetentionOptions.MaxRetentionDays} days, or null to keep attempts forever.");
            }
        }

        Check(errors, nameof(o.ExpiredBlocks), o.ExpiredBlocks, max);
        Check(errors, nameof(o.FinishedRedialItems), o.FinishedRedialItems, max);
        Check(errors, nameof(o.AnsweringMachineStats), o.AnsweringMachineStats, max);
        Check(errors, nameof(o.EndedCampaigns), o.EndedCampaigns, max);
        if (o.DailyStatistics is { } stats && (stats < TimeSpan.FromDays(1) || stats > max || stats.Ticks % TimeSpan.TicksPerDay != 0))
        {
            errors.Add(nameof(o.DailyStatistics), stats, $"must be whole days between 1 and {RetentionOptions.MaxRetentionDays} days, or null to keep daily statistics forever.");
        }

        if (o.RunInterval < TimeSpan.FromMinutes(1) || o.RunInterval > TimeSpan.FromDays(7))
        {
            errors.Add(nameof(o.RunInterval), o.RunInterval, "must be between 00:01:00 and 7 days.");
        }

        return errors;
    }

    private static void Check(OptionsErrorList errors, string path, TimeSpan? value, TimeSpan max)
    {
        if (value is { } v && (v < TimeSpan.Zero || v > max))
        {
            errors.Add(path, v, $"must be between 00:00:00 and {RetentionOptions.MaxRetentionDays} days, or null to keep forever.");
        }
    }
}
