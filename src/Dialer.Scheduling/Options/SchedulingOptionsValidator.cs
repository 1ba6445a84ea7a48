using Dialer.Core;
using Dialer.Scheduling.Internal;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// Validates <see cref="SchedulingOptions"/>, reporting every problem at once (<c>path = value: problem</c>): unknown
/// zone ids, ranges whose start is not before their end, unknown weekdays, dates and region codes, rules whose
/// effective-to precedes effective-from, schedule mappings naming no schedule, unknown holiday calendars, and more.
/// </summary>
public sealed class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
    private readonly IDateTimeZoneProvider _zoneProvider;

    /// <summary>Creates a validator checking zone ids against <paramref name="zoneProvider"/> (TZDB when null).</summary>
    public SchedulingOptionsValidator(IDateTimeZoneProvider? zoneProvider = null) => _zoneProvider = zoneProvider ?? DateTimeZoneProviders.Tzdb;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsErrorList();
        CompiledScheduling.Compile(options, _zoneProvider, errors);
        return errors.ToResult();
    }
}
