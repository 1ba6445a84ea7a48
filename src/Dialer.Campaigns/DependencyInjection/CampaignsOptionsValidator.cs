using Dialer.Core;
using Microsoft.Extensions.Options;

namespace Dialer.Campaigns;

/// <summary>Validates <see cref="CampaignsOptions"/>, <see cref="SlotOptions"/> and <see cref="CampaignRunnerOptions"/>, reporting every problem at once.</summary>
public sealed class CampaignsOptionsValidator : IValidateOptions<CampaignsOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrorList();
        Collect(options, errors);
        return errors.ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(CampaignsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrorList();
        Collect(options, errors);
        errors.ThrowIfAny(typeof(CampaignsOptions));
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem of <paramref name="options"/>, if any.</summary>
    public static void ThrowIfInvalid(SlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrorList();
        CollectSlots(options, string.Empty, errors);
        errors.ThrowIfAny(typeof(SlotOptions));
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem of <paramref name="options"/>, if any.</summary>
    public static void ThrowIfInvalid(CampaignRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrorList();
        CollectRunner(options, string.Empty, errors);
        errors.ThrowIfAny(typeof(CampaignRunnerOptions));
    }

    private static void Collect(CampaignsOptions options, OptionsErrorList errors)
    {
        if (options.Slots is null)
        {
            errors.Add(nameof(CampaignsOptions.Slots), null, "must not be null.");
        }
        else
        {
            CollectSlots(options.Slots, nameof(CampaignsOptions.Slots) + ":", errors);
        }

        if (options.Runner is null)
        {
            errors.Add(nameof(CampaignsOptions.Runner), null, "must not be null.");
        }
        else
        {
            CollectRunner(options.Runner, nameof(CampaignsOptions.Runner) + ":", errors);
        }
    }

    private static void CollectSlots(SlotOptions o, string prefix, OptionsErrorList errors)
    {
        if (o.GlobalMaxCalls < 1)
        {
            errors.Add(prefix + nameof(SlotOptions.GlobalMaxCalls), o.GlobalMaxCalls, "must be at least 1.");
        }

        if (o.DefaultClientMaxCalls is < 0)
        {
            errors.Add(prefix + nameof(SlotOptions.DefaultClientMaxCalls), o.DefaultClientMaxCalls, "must not be negative (null = no client limit).");
        }

        if (o.DefaultCampaignMaxCalls is < 0)
        {
            errors.Add(prefix + nameof(SlotOptions.DefaultCampaignMaxCalls), o.DefaultCampaignMaxCalls, "must not be negative (null = no campaign limit).");
        }

        CollectLimits(o.Clients, prefix + nameof(SlotOptions.Clients), errors);
        CollectLimits(o.Campaigns, prefix + nameof(SlotOptions.Campaigns), errors);
        if (o.Keys is null)
        {
            errors.Add(prefix + nameof(SlotOptions.Keys), null, "must not be null.");
        }
        else
        {
            foreach (var (key, limit) in o.Keys)
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    errors.Add(prefix + nameof(SlotOptions.Keys), key, "a key must not be empty or whitespace.");
                }

                if (limit < 0)
                {
                    errors.Add($"{prefix}{nameof(SlotOptions.Keys)}:{key}", limit, "must not be negative.");
                }
            }
        }

        Positive(o.LeaseTtl, prefix + nameof(SlotOptions.LeaseTtl), errors);
        if (o.MaxWait < TimeSpan.Zero)
        {
            errors.Add(prefix + nameof(SlotOptions.MaxWait), o.MaxWait, "must not be negative (zero = do not wait).");
        }

        Positive(o.WaitPollInterval, prefix + nameof(SlotOptions.WaitPollInterval), errors);
        Positive(o.ReclaimInterval, prefix + nameof(SlotOptions.ReclaimInterval), errors);
    }

    private static void CollectLimits(Dictionary<string, SlotLimitOptions>? limits, string path, OptionsErrorList errors)
    {
        if (limits is null)
        {
            errors.Add(path, null, "must not be null.");
            return;
        }

        foreach (var (id, limit) in limits)
        {
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add(path, id, "an id must not be empty or whitespace.");
            }

            if (limit is null)
            {
                errors.Add($"{path}:{id}", null, "must not be null.");
            }
            else if (limit.MaxConcurrentCalls is < 0)
            {
                errors.Add($"{path}:{id}:{nameof(SlotLimitOptions.MaxConcurrentCalls)}", limit.MaxConcurrentCalls, "must not be negative (null = not limited at this level).");
            }
        }
    }

    private static void CollectRunner(CampaignRunnerOptions o, string prefix, OptionsErrorList errors)
    {
        if (o.OwnerId is not null && (string.IsNullOrWhiteSpace(o.OwnerId) || o.OwnerId.Length > 256))
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.OwnerId), o.OwnerId, "must be 1 to 256 non-blank characters, or null to generate one.");
        }

        Positive(o.HeartbeatInterval, prefix + nameof(CampaignRunnerOptions.HeartbeatInterval), errors);
        if (o.TakeoverAfter < o.HeartbeatInterval * 2 || o.TakeoverAfter <= TimeSpan.Zero)
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.TakeoverAfter), o.TakeoverAfter, $"must be positive and at least twice {nameof(CampaignRunnerOptions.HeartbeatInterval)}, so one late heartbeat does not hand the campaign over.");
        }

        Positive(o.PollInterval, prefix + nameof(CampaignRunnerOptions.PollInterval), errors);
        Positive(o.RetryDelay, prefix + nameof(CampaignRunnerOptions.RetryDelay), errors);
        Positive(o.ProgressWindow, prefix + nameof(CampaignRunnerOptions.ProgressWindow), errors);
        if (o.PlacementErrorBudget < 0)
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.PlacementErrorBudget), o.PlacementErrorBudget, "must not be negative (0 = the first failing placement fails the campaign).");
        }

        if (o.LeadBatchSize is < 1 or > 10_000)
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.LeadBatchSize), o.LeadBatchSize, "must be between 1 and 10000.");
        }

        if (o.RedialBatchSize is < 0 or > 1_000)
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.RedialBatchSize), o.RedialBatchSize, "must be between 0 and 1000.");
        }

        if (o.MaxConcurrentCampaigns < 1)
        {
            errors.Add(prefix + nameof(CampaignRunnerOptions.MaxConcurrentCampaigns), o.MaxConcurrentCampaigns, "must be at least 1.");
        }
    }

    private static void Positive(TimeSpan value, string path, OptionsErrorList errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add(path, value, "must be positive.");
        }
    }
}
