using Dialer.Core;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>Validates <see cref="DailyStatisticsOptions"/>, reporting every problem at once.</summary>
public sealed class DailyStatisticsOptionsValidator : IValidateOptions<DailyStatisticsOptions>
{
    private readonly IDateTimeZoneProvider _zones;

    /// <summary>Creates a validator that resolves zones with <paramref name="zones"/> (TZDB when null).</summary>
    public DailyStatisticsOptionsValidator(IDateTimeZoneProvider? zones = null) => _zones = zones ?? DateTimeZoneProviders.Tzdb;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, DailyStatisticsOptions options) => Collect(options).ToResult();

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public void ThrowIfInvalid(DailyStatisticsOptions options) => Collect(options).ThrowIfAny(typeof(DailyStatisticsOptions));

    private OptionsErrorList Collect(DailyStatisticsOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new OptionsErrorList();
        if (string.IsNullOrWhiteSpace(o.ReportingZoneId) || _zones.GetZoneOrNull(o.ReportingZoneId) is null)
        {
            errors.Add(nameof(o.ReportingZoneId), o.ReportingZoneId, "must be an IANA time zone id such as UTC or America/New_York.");
        }

        if (o.FlushInterval < TimeSpan.FromSeconds(1) || o.FlushInterval > TimeSpan.FromDays(1))
        {
            errors.Add(nameof(o.FlushInterval), o.FlushInterval, "must be between 00:00:01 and one day.");
        }

        if (o.OutcomeDeduplicationWindow < TimeSpan.Zero || o.OutcomeDeduplicationWindow > TimeSpan.FromDays(30))
        {
            errors.Add(nameof(o.OutcomeDeduplicationWindow), o.OutcomeDeduplicationWindow, "must be between 00:00:00 (off) and 30 days.");
        }

        return errors;
    }
}
