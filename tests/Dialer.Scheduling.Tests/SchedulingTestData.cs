using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Scheduling.Tests;

/// <summary>Builders shared by the Scheduling tests.</summary>
internal static class SchedulingTestData
{
    /// <summary>Options with only the layers a test asks for: no legal hours, no built-in rules unless asked.</summary>
    public static SchedulingOptions Options(bool legal = false, bool rules = false, Action<SchedulingOptions>? configure = null)
    {
        var o = new SchedulingOptions();
        o.LegalHours.Enabled = legal;
        o.Jurisdictions.UseBuiltInUsRules = rules;
        configure?.Invoke(o);
        return o;
    }

    public static BusinessScheduleOptions Schedule(string zone, string[] days, string start, string end)
    {
        var s = new BusinessScheduleOptions { TimeZone = zone };
        s.Schedule.Days.AddRange(days);
        s.Schedule.StartTime = start;
        s.Schedule.EndTime = end;
        return s;
    }

    public static BusinessScheduleOptions Ranges(string zone, params (string Day, string Range)[] ranges)
    {
        var s = new BusinessScheduleOptions { TimeZone = zone };
        foreach (var (day, range) in ranges)
        {
            if (!s.Schedule.Ranges.TryGetValue(day, out var list))
            {
                s.Schedule.Ranges[day] = list = [];
            }

            list.Add(range);
        }

        return s;
    }

    public static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    public static readonly string[] AllDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static CallingWindowService Service(SchedulingOptions options) => new(options, DateTimeZoneProviders.Tzdb, TestClock.At("2026-01-01T00:00:00Z"));

    public static DialRequest Request(string? zone = null, string? region = null, string phone = "+14155550123", bool callback = false, string? campaign = null, string? client = null) =>
        TestRequests.Create(phone: phone, zone: zone, region: region, callback: callback, campaignId: campaign, clientId: client);

    public static Instant At(string iso) => TestClock.Instant(iso);
}
