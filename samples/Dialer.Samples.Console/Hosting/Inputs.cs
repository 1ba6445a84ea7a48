using System.Globalization;
using Dialer.Core;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Samples.Console.Hosting;

/// <summary>Parses command-line values once, at the edge; failures name the argument and the value.</summary>
internal static class Inputs
{
    public static PhoneNumber Phone(string option, string value)
    {
        if (!PhoneNumber.TryParse(value.AsSpan(), out var phone, out var error))
        {
            throw new UsageException($"{option} '{value}' is not an E.164 phone number (e.g. +12125550123): {error}");
        }

        return phone;
    }

    /// <summary>The instants calling windows can be computed for (the zone tables cover 1901–2199).</summary>
    private static readonly Interval SupportedInstants = new(
        NodaTime.Instant.FromUtc(1902, 1, 1, 0, 0), NodaTime.Instant.FromUtc(2199, 1, 1, 0, 0));

    public static Instant Instant(string option, string value)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(value);
        if (parsed.Success)
        {
            return InRange(option, value, parsed.Value);
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(value);
        if (offset.Success)
        {
            return InRange(option, value, offset.Value.ToInstant());
        }

        throw new UsageException($"{option} '{value}' is not an ISO-8601 instant (e.g. 2026-03-02T15:00:00Z or 2026-03-02T10:00:00-05:00).");
    }

    private static Instant InRange(string option, string value, Instant instant) =>
        SupportedInstants.Contains(instant)
            ? instant
            : throw new UsageException($"{option} '{value}' is outside the supported range (years 1902 to 2198).");

    public static LocalDate Date(string option, string value)
    {
        var parsed = LocalDatePattern.Iso.Parse(value);
        if (!parsed.Success)
        {
            throw new UsageException($"{option} '{value}' is not a date (yyyy-MM-dd).");
        }

        return parsed.Value;
    }

    public static DateTimeZone Zone(IDateTimeZoneProvider provider, string option, string value) =>
        provider.GetZoneOrNull(value) ?? throw new UsageException($"{option} '{value}' is not an IANA time zone (e.g. America/Chicago).");

    public static string Iso(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    /// <summary>An instant to the second, for tables (ISO-8601, UTC).</summary>
    public static string Seconds(Instant instant) => InstantPattern.General.Format(instant);

    public static string Iso(Instant? instant) => instant is { } i ? Iso(i) : "-";

    public static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
