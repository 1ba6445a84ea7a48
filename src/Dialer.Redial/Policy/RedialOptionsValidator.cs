using Dialer.Core;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Redial;

/// <summary>Validates <see cref="RedialOptions"/>, reporting every problem at once (each naming the field path and value).</summary>
public sealed class RedialOptionsValidator : IValidateOptions<RedialOptions>
{
    internal const int MaxAttemptsLimit = 1000;
    internal const int MaxDelays = 100;
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);
    internal static readonly TimeSpan MaxJitterLimit = TimeSpan.FromDays(1);
    internal static readonly TimeSpan MaxClaimTtl = TimeSpan.FromDays(1);
    internal static readonly LocalTimePattern TimeOfDay = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    private readonly IDateTimeZoneProvider _zones;

    /// <summary>Creates a validator that checks zone ids against <paramref name="zones"/> (TZDB when null).</summary>
    public RedialOptionsValidator(IDateTimeZoneProvider? zones = null) => _zones = zones ?? DateTimeZoneProviders.Tzdb;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, RedialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(options, _zones).ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(RedialOptions options, IDateTimeZoneProvider? zones = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Collect(options, zones ?? DateTimeZoneProviders.Tzdb).ThrowIfAny(typeof(RedialOptions));
    }

    private static OptionsErrorList Collect(RedialOptions o, IDateTimeZoneProvider zones)
    {
        var errors = new OptionsErrorList();
        CheckAttempts(errors, nameof(RedialOptions.MaxAttemptsPerLead), o.MaxAttemptsPerLead);
        CheckAttempts(errors, nameof(RedialOptions.MaxAttemptsPerNumber), o.MaxAttemptsPerNumber);
        CheckDelays(errors, nameof(RedialOptions.Delays), o.Delays);
        CheckJitter(errors, nameof(RedialOptions.MaxJitter), o.MaxJitter);
        if (string.IsNullOrWhiteSpace(o.FallbackZoneId) || zones.GetZoneOrNull(o.FallbackZoneId) is null)
        {
            errors.Add(nameof(RedialOptions.FallbackZoneId), o.FallbackZoneId, "is not a known IANA time zone id (e.g. 'America/New_York').");
        }

        if (o.CallbackDelay < TimeSpan.Zero || o.CallbackDelay > MaxDelay)
        {
            errors.Add(nameof(RedialOptions.CallbackDelay), o.CallbackDelay, "must be between 00:00:00 and 365 days.");
        }

        if (o.ClaimTtl <= TimeSpan.Zero || o.ClaimTtl > MaxClaimTtl)
        {
            errors.Add(nameof(RedialOptions.ClaimTtl), o.ClaimTtl, "must be positive and at most 1 day.");
        }

        CheckDayparts(errors, o.Dayparts);
        CheckAnsweringMachine(errors, o.AnsweringMachine);
        CheckRules(errors, o.Dispositions);
        return errors;
    }

    private static void CheckAttempts(OptionsErrorList errors, string path, int? value)
    {
        if (value is { } v && (v < 1 || v > MaxAttemptsLimit))
        {
            errors.Add(path, v, $"must be between 1 and {MaxAttemptsLimit}.");
        }
    }

    private static void CheckJitter(OptionsErrorList errors, string path, TimeSpan? value)
    {
        if (value is { } v && (v < TimeSpan.Zero || v > MaxJitterLimit))
        {
            errors.Add(path, v, "must be between 00:00:00 and 1 day.");
        }
    }

    private static void CheckDelays(OptionsErrorList errors, string path, List<TimeSpan>? delays)
    {
        if (delays is null)
        {
            errors.Add(path, null, "must not be null (leave it empty for the defaults).");
            return;
        }

        if (delays.Count > MaxDelays)
        {
            errors.Add(path, delays.Count, $"has too many entries; at most {MaxDelays}.");
        }

        for (var i = 0; i < delays.Count; i++)
        {
            if (delays[i] <= TimeSpan.Zero || delays[i] > MaxDelay)
            {
                errors.Add($"{path}:{i}", delays[i], "must be positive and at most 365 days.");
            }
        }
    }

    private static void CheckDayparts(OptionsErrorList errors, DaypartOptions? dayparts)
    {
        const string Path = nameof(RedialOptions.Dayparts);
        if (dayparts is null)
        {
            errors.Add(Path, null, "must not be null.");
            return;
        }

        var times = new (string Name, string? Value)[]
        {
            (nameof(DaypartOptions.MorningStart), dayparts.MorningStart),
            (nameof(DaypartOptions.AfternoonStart), dayparts.AfternoonStart),
            (nameof(DaypartOptions.EveningStart), dayparts.EveningStart),
            (nameof(DaypartOptions.EveningEnd), dayparts.EveningEnd),
        };
        LocalTime? previous = null;
        string? previousName = null;
        foreach (var (name, value) in times)
        {
            var parsed = value is null ? null : TimeOfDay.Parse(value);
            if (parsed is null || !parsed.Success)
            {
                errors.Add($"{Path}:{name}", value, "is not a time of day in HH:mm form (e.g. '09:00').");
                previous = null;
                continue;
            }

            if (previous is { } p && parsed.Value <= p)
            {
                errors.Add($"{Path}:{name}", value, $"must be later than {previousName}.");
            }

            previous = parsed.Value;
            previousName = name;
        }
    }

    private static void CheckAnsweringMachine(OptionsErrorList errors, AnsweringMachineOptions? machine)
    {
        const string Path = nameof(RedialOptions.AnsweringMachine);
        if (machine is null)
        {
            errors.Add(Path, null, "must not be null.");
            return;
        }

        if (machine.Threshold < 1 || machine.Threshold > MaxAttemptsLimit)
        {
            errors.Add($"{Path}:{nameof(AnsweringMachineOptions.Threshold)}", machine.Threshold, $"must be between 1 and {MaxAttemptsLimit}.");
        }

        if (machine.TotalThreshold < 0 || machine.TotalThreshold > MaxAttemptsLimit)
        {
            errors.Add($"{Path}:{nameof(AnsweringMachineOptions.TotalThreshold)}", machine.TotalThreshold, $"must be between 0 (off) and {MaxAttemptsLimit}.");
        }

        if (!Enum.IsDefined(machine.Action))
        {
            errors.Add($"{Path}:{nameof(AnsweringMachineOptions.Action)}", (int)machine.Action, "is not a defined AnsweringMachineAction (Stop, LeaveVoicemail, ChangeDaypart).");
        }

        if (machine.AdditionalMachineCodes is null)
        {
            errors.Add($"{Path}:{nameof(AnsweringMachineOptions.AdditionalMachineCodes)}", null, "must not be null.");
            return;
        }

        for (var i = 0; i < machine.AdditionalMachineCodes.Count; i++)
        {
            var code = machine.AdditionalMachineCodes[i];
            if (!IsCodeShaped(code))
            {
                errors.Add($"{Path}:{nameof(AnsweringMachineOptions.AdditionalMachineCodes)}:{i}", code, "is not a disposition code (lower-case letters, digits and '_', 1 to 64 characters).");
            }
        }
    }

    private static void CheckRules(OptionsErrorList errors, Dictionary<string, RedialRuleOptions>? rules)
    {
        const string Path = nameof(RedialOptions.Dispositions);
        if (rules is null)
        {
            errors.Add(Path, null, "must not be null.");
            return;
        }

        foreach (var (code, rule) in rules.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var path = $"{Path}:{code}";
            if (!IsCodeShaped(code))
            {
                errors.Add(path, code, "is not a disposition code (lower-case letters, digits and '_', 1 to 64 characters).");
            }

            if (rule is null)
            {
                errors.Add(path, null, "must not be null.");
                continue;
            }

            if (rule.Action is { } action && !Enum.IsDefined(action))
            {
                errors.Add($"{path}:{nameof(RedialRuleOptions.Action)}", (int)action, "is not a defined RedialAction (Redial, Stop, Terminal).");
            }

            if (rule.Action == RedialAction.Redial && string.Equals(code, Disposition.UnknownOutcome.Code, StringComparison.Ordinal))
            {
                errors.Add($"{path}:{nameof(RedialRuleOptions.Action)}", nameof(RedialAction.Redial), "an unknown outcome is never redialed automatically.");
            }

            CheckDelays(errors, $"{path}:{nameof(RedialRuleOptions.Delays)}", rule.Delays);
            CheckAttempts(errors, $"{path}:{nameof(RedialRuleOptions.MaxAttemptsPerLead)}", rule.MaxAttemptsPerLead);
            CheckAttempts(errors, $"{path}:{nameof(RedialRuleOptions.MaxAttemptsPerNumber)}", rule.MaxAttemptsPerNumber);
            CheckJitter(errors, $"{path}:{nameof(RedialRuleOptions.MaxJitter)}", rule.MaxJitter);
        }
    }

    private static bool IsCodeShaped(string? code) =>
        code is not null && (Disposition.TryGetWellKnown(code, out var d) ? d.Code == code : Disposition.ValidateCustomCode(code) is null);
}
