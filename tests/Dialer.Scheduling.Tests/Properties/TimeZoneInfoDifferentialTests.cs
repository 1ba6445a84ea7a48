using NodaTime;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Properties;

/// <summary>
/// Differential test against an independent computation with the BCL's <see cref="TimeZoneInfo"/> over the system's
/// tz database (not NodaTime's embedded copy): business hours in New York with blackout dates, legal hours in the
/// callee's zone, and Mississippi's fixed UTC-6 rule with its Sunday ban. Edges avoid transition hours, where the two
/// conventions agree by construction, so every answer must match.
/// </summary>
public sealed class TimeZoneInfoDifferentialTests
{
    private const int Instants = 120_000;

    private static readonly string[] s_callees =
    [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu", "America/Indiana/Indianapolis", "Australia/Lord_Howe", "Europe/London",
    ];

    [Fact]
    public void IsOpen_OnRandomInstants2000To2040_AgreesWithTimeZoneInfo()
    {
        var random = new Random(20261126);
        var start = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var days = (int)(new DateTime(2040, 12, 31, 0, 0, 0, DateTimeKind.Utc) - start).TotalDays;
        var blackouts = Enumerable.Range(0, 600).Select(_ => DateOnly.FromDateTime(start.AddDays(random.Next(days)))).ToHashSet();

        var options = Options(legal: true, rules: true, configure: o =>
        {
            var s = Schedule("America/New_York", Weekdays, "09:00", "17:00");
            s.Schedule.Ranges["saturday"] = ["10:00-14:00"];
            s.BlackoutDates.AddRange(blackouts.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
            o.Schedules["default"] = s;
        });
        var service = Service(options);
        var business = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var gmt6 = TimeZoneInfo.FindSystemTimeZoneById("Etc/GMT+6");
        var callees = s_callees.Select(id => (Id: id, Tz: TimeZoneInfo.FindSystemTimeZoneById(id), Request: Request(zone: id))).ToArray();
        var mississippi = Request(zone: "America/Chicago", region: "MS");
        var chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
        var blackoutList = blackouts.ToArray();

        int open = 0, mismatches = 0;
        string? first = null;
        for (var i = 0; i < Instants; i++)
        {
            var utc = random.Next(4) == 0
                ? blackoutList[random.Next(blackoutList.Length)].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddMinutes(random.Next(-600, 2000))
                : start.AddDays(random.Next(days)).AddMinutes(random.Next(1440));
            var ms = i % 5 == 0;
            var callee = callees[i % callees.Length];
            var request = ms ? mississippi : callee.Request;
            var calleeTz = ms ? chicago : callee.Tz;

            var local = TimeZoneInfo.ConvertTimeFromUtc(utc, business);
            var minute = (local.Hour * 60) + local.Minute;
            var businessOpen = !blackouts.Contains(DateOnly.FromDateTime(local)) && local.DayOfWeek switch
            {
                DayOfWeek.Saturday => minute is >= 600 and < 840,
                DayOfWeek.Sunday => false,
                _ => minute is >= 540 and < 1020,
            };
            var calleeLocal = TimeZoneInfo.ConvertTimeFromUtc(utc, calleeTz);
            var legalOpen = calleeLocal.Hour is >= 8 and < 21;
            var msLocal = TimeZoneInfo.ConvertTimeFromUtc(utc, gmt6);
            var msOpen = !ms || (msLocal.DayOfWeek != DayOfWeek.Sunday && msLocal.Hour is >= 8 and < 20);
            var expected = businessOpen && legalOpen && msOpen;

            var actual = service.IsOpen(request, Instant.FromDateTimeUtc(utc));
            open += actual ? 1 : 0;
            if (actual != expected)
            {
                mismatches++;
                first ??= $"{utc:O} callee {(ms ? "MS" : callee.Id)}: service {actual}, TimeZoneInfo {expected}";
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} mismatches; first: {first}");
        Assert.InRange(open, Instants / 20, Instants / 2); // both answers occur in quantity
    }
}
