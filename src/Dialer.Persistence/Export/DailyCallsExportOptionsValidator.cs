using Dialer.Core;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>Validates <see cref="DailyCallsExportOptions"/>, reporting every problem at once.</summary>
public sealed class DailyCallsExportOptionsValidator : IValidateOptions<DailyCallsExportOptions>
{
    private readonly IDateTimeZoneProvider _zones;

    /// <summary>Creates a validator that resolves zones with <paramref name="zones"/> (TZDB when null).</summary>
    public DailyCallsExportOptionsValidator(IDateTimeZoneProvider? zones = null) => _zones = zones ?? DateTimeZoneProviders.Tzdb;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, DailyCallsExportOptions options) => Collect(options).ToResult();

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid(DailyCallsExportOptions options) => Collect(options).ThrowIfAny(typeof(DailyCallsExportOptions));

    private OptionsErrorList Collect(DailyCallsExportOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new OptionsErrorList();
        if (string.IsNullOrWhiteSpace(o.Directory))
        {
            errors.Add(nameof(o.Directory), o.Directory, "must name a directory.");
        }
        else if (o.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add(nameof(o.Directory), o.Directory, "contains a character that is not valid in a path.");
        }

        if (string.IsNullOrWhiteSpace(o.ZoneId) || _zones.GetZoneOrNull(o.ZoneId) is null)
        {
            errors.Add(nameof(o.ZoneId), o.ZoneId, "is not a known IANA time zone id.");
        }

        if (o.ExportAfter < TimeSpan.Zero || o.ExportAfter > TimeSpan.FromHours(12))
        {
            errors.Add(nameof(o.ExportAfter), o.ExportAfter, "must be between 00:00:00 and 12:00:00 after local midnight.");
        }

        if (o.CatchUpDays is < 1 or > DailyCallsExportOptions.MaxCatchUpDays)
        {
            errors.Add(nameof(o.CatchUpDays), o.CatchUpDays, $"must be between 1 and {DailyCallsExportOptions.MaxCatchUpDays}.");
        }

        return errors;
    }
}
