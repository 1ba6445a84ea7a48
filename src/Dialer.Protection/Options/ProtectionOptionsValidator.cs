using Dialer.Core;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Protection;

/// <summary>Validates <see cref="ProtectionOptions"/>, reporting every problem at once with its path and value.</summary>
public sealed class ProtectionOptionsValidator : IValidateOptions<ProtectionOptions>
{
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(3660);

    private readonly IDateTimeZoneProvider _zones;

    /// <summary>Creates a validator that checks zone ids against <paramref name="zones"/> (TZDB when null).</summary>
    public ProtectionOptionsValidator(IDateTimeZoneProvider? zones = null) => _zones = zones ?? DateTimeZoneProviders.Tzdb;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(options, _zones).ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(ProtectionOptions options, IDateTimeZoneProvider? zones = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Collect(options, zones ?? DateTimeZoneProviders.Tzdb).ThrowIfAny(typeof(ProtectionOptions));
    }

    private static OptionsErrorList Collect(ProtectionOptions o, IDateTimeZoneProvider zones)
    {
        var errors = new OptionsErrorList();
        foreach (var (path, value, problem) in o.BindingErrors)
        {
            errors.Add(path, value, problem);
        }

        if (o.DuplicateWindow < TimeSpan.Zero || o.DuplicateWindow > MaxWindow)
        {
            errors.Add(nameof(o.DuplicateWindow), o.DuplicateWindow, "must be between 00:00:00 (off) and 3660 days.");
        }

        if (o.MaxDailyAttemptsPerNumber < 0 || o.MaxDailyAttemptsPerNumber > CountLimit.MaxMaxCount)
        {
            errors.Add(nameof(o.MaxDailyAttemptsPerNumber), o.MaxDailyAttemptsPerNumber, $"must be between 0 (off) and {CountLimit.MaxMaxCount}.");
        }

        CheckZone(errors, zones, nameof(o.DailyCapZoneId), o.DailyCapZoneId, allowNull: true);
        CheckZone(errors, zones, nameof(o.FallbackZoneId), o.FallbackZoneId, allowNull: false);
        CheckCooldown(errors, nameof(o.TransferCooldown), o.TransferCooldown);
        CheckCooldown(errors, nameof(o.ConversationCooldown), o.ConversationCooldown);
        CheckCooldown(errors, nameof(o.AbandonedCooldown), o.AbandonedCooldown);
        CheckEnum(errors, nameof(o.BlockScope), o.BlockScope);
        if (o.StoreRetryDelay <= TimeSpan.Zero || o.StoreRetryDelay > TimeSpan.FromDays(1))
        {
            errors.Add(nameof(o.StoreRetryDelay), o.StoreRetryDelay, "must be positive and at most one day.");
        }

        if (o.RollingCaps is null)
        {
            errors.Add(nameof(o.RollingCaps), null, "must not be null.");
        }
        else
        {
            for (var i = 0; i < o.RollingCaps.Count; i++)
            {
                var path = $"{nameof(o.RollingCaps)}:{i}";
                var cap = o.RollingCaps[i];
                if (cap is null)
                {
                    errors.Add(path, null, "must not be null.");
                    continue;
                }

                CheckEnum(errors, $"{path}:{nameof(cap.Key)}", cap.Key);
                CheckEnum(errors, $"{path}:{nameof(cap.Scope)}", cap.Scope);
                if (cap.Window <= TimeSpan.Zero || cap.Window > MaxWindow)
                {
                    errors.Add($"{path}:{nameof(cap.Window)}", cap.Window, "must be positive and at most 3660 days.");
                }

                CheckMax(errors, $"{path}:{nameof(cap.MaxAttempts)}", cap.MaxAttempts);
            }
        }

        if (o.DailyCaps is null)
        {
            errors.Add(nameof(o.DailyCaps), null, "must not be null.");
        }
        else
        {
            for (var i = 0; i < o.DailyCaps.Count; i++)
            {
                var path = $"{nameof(o.DailyCaps)}:{i}";
                var cap = o.DailyCaps[i];
                if (cap is null)
                {
                    errors.Add(path, null, "must not be null.");
                    continue;
                }

                CheckEnum(errors, $"{path}:{nameof(cap.Key)}", cap.Key);
                CheckEnum(errors, $"{path}:{nameof(cap.Scope)}", cap.Scope);
                CheckMax(errors, $"{path}:{nameof(cap.MaxAttempts)}", cap.MaxAttempts);
                CheckZone(errors, zones, $"{path}:{nameof(cap.ZoneId)}", cap.ZoneId, allowNull: true);
            }
        }

        if (o.Dispositions is null)
        {
            errors.Add(nameof(o.Dispositions), null, "must not be null.");
        }
        else
        {
            foreach (var (code, rule) in o.Dispositions)
            {
                var path = $"{nameof(o.Dispositions)}:{code}";
                if (!Disposition.TryGetWellKnown(code, out _) && Disposition.ValidateCustomCode(code) is { } problem)
                {
                    errors.Add(path, code, problem);
                }

                if (rule is null)
                {
                    errors.Add(path, null, "must not be null.");
                    continue;
                }

                CheckEnum(errors, $"{path}:{nameof(rule.Action)}", rule.Action);
                CheckEnum(errors, $"{path}:{nameof(rule.Target)}", rule.Target);
                if (rule.Scope is { } scope)
                {
                    CheckEnum(errors, $"{path}:{nameof(rule.Scope)}", scope);
                }

                if (rule.Action == DispositionAction.Cooldown && rule.Duration is null)
                {
                    errors.Add($"{path}:{nameof(rule.Duration)}", null, "is required for a cool-down.");
                }
                else if (rule.Duration is { } d && (d <= TimeSpan.Zero || d > MaxWindow))
                {
                    errors.Add($"{path}:{nameof(rule.Duration)}", d, "must be positive and at most 3660 days (null: for good).");
                }

                if (rule.Action == DispositionAction.DoNotCall && rule.Target != BlockTarget.Number)
                {
                    errors.Add($"{path}:{nameof(rule.Target)}", rule.Target.ToString(), "must be Number for DoNotCall (the do-not-call list holds numbers).");
                }
            }
        }

        return errors;
    }

    private static void CheckZone(OptionsErrorList errors, IDateTimeZoneProvider zones, string path, string? id, bool allowNull)
    {
        if (id is null)
        {
            if (!allowNull)
            {
                errors.Add(path, null, "must be an IANA time zone id such as 'America/Chicago'.");
            }

            return;
        }

        if (zones.GetZoneOrNull(id) is null)
        {
            errors.Add(path, id, "is not a known IANA time zone id (e.g. 'America/Chicago').");
        }
    }

    private static void CheckCooldown(OptionsErrorList errors, string path, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > MaxWindow)
        {
            errors.Add(path, value, "must be between 00:00:00 (none) and 3660 days.");
        }
    }

    private static void CheckMax(OptionsErrorList errors, string path, int value)
    {
        if (value < 1 || value > CountLimit.MaxMaxCount)
        {
            errors.Add(path, value, $"must be between 1 and {CountLimit.MaxMaxCount}.");
        }
    }

    private static void CheckEnum<TEnum>(OptionsErrorList errors, string path, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add(path, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture), $"is not a defined {typeof(TEnum).Name} ({string.Join(", ", Enum.GetNames<TEnum>())}).");
        }
    }
}
