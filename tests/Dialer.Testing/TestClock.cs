using Microsoft.Extensions.Time.Testing;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Testing;

/// <summary>Fake clocks for tests: never the wall clock, never sleeping.</summary>
public static class TestClock
{
    /// <summary>A <see cref="FakeTimeProvider"/> set to <paramref name="instant"/> (auto-advance off).</summary>
    public static FakeTimeProvider At(Instant instant) => new(instant.ToDateTimeOffset());

    /// <summary>A <see cref="FakeTimeProvider"/> set to an ISO-8601 instant such as <c>2026-03-08T12:00:00Z</c>.</summary>
    public static FakeTimeProvider At(string isoInstant) => At(Instant(isoInstant));

    /// <summary>Parses an ISO-8601 instant such as <c>2026-03-08T12:00:00Z</c>.</summary>
    public static Instant Instant(string isoInstant) => InstantPattern.ExtendedIso.Parse(isoInstant).GetValueOrThrow();

    /// <summary>The instant of a local date-time in a TZDB zone (ambiguous: earlier; skipped: shifted forward).</summary>
    public static Instant Local(string zoneId, int year, int month, int day, int hour, int minute = 0) =>
        DateTimeZoneProviders.Tzdb[zoneId].AtLeniently(new LocalDateTime(year, month, day, hour, minute)).ToInstant();
}
