using Dialer.Core;
using NodaTime;

namespace Dialer.Redial.Tests;

/// <summary>Builders shared by the Redial tests.</summary>
internal static class RedialTestData
{
    /// <summary>Monday 2 March 2026, 15:00 UTC (10:00 in New York).</summary>
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    public static DialRequest Request(string callId = "call-1", string leadId = "lead-1", string phone = "+14155550123", string? zone = null, bool callback = false, string? campaignId = null) =>
        new(callId, leadId, PhoneNumber.Parse(phone), "client-1", campaignId)
        {
            CalleeZoneId = zone,
            RegionCode = "CA",
            PostalCode = "94105",
            SubjectKey = "subject-1",
            IsCallback = callback,
        };

    public static CallOutcome Outcome(Disposition disposition, Instant? at = null, string callId = "call-1", string? zone = null, Instant? callbackAt = null, bool callback = false) =>
        new(Request(callId, zone: zone, callback: callback), disposition, at ?? T0) { CallbackAt = callbackAt };

    public static AnsweringMachineStats Stats(int outcomes = 1, int consecutiveMachines = 0, int totalMachines = -1) =>
        new(PhoneNumber.Parse("+14155550123"), consecutiveMachines, totalMachines < 0 ? consecutiveMachines : totalMachines, Math.Max(outcomes, Math.Max(consecutiveMachines, totalMachines)), T0);

    public static RedialPolicy MakePolicy(Action<RedialOptions>? configure = null, ICallingWindow? window = null, ICalleeZoneResolver? resolver = null, Random? random = null)
    {
        var options = new RedialOptions();
        configure?.Invoke(options);
        return new RedialPolicy(options, window, resolver, null, random);
    }
}

/// <summary>
/// A calling window open every day in [<see cref="OpenHour"/>, <see cref="CloseHour"/>) local time of one zone,
/// except on <see cref="ClosedDays"/>. Records the requests it was asked about.
/// </summary>
internal sealed class FakeCallingWindow(int openHour, int closeHour, string zoneId = "UTC", params IsoDayOfWeek[] closedDays) : ICallingWindow
{
    private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb[zoneId];

    public int OpenHour { get; } = openHour;

    public int CloseHour { get; } = closeHour;

    public IReadOnlyList<IsoDayOfWeek> ClosedDays { get; } = closedDays;

    /// <summary>When set, <see cref="NextOpen"/> answers null (no open instant within the horizon).</summary>
    public bool NeverOpens { get; set; }

    public List<DialRequest> Asked { get; } = [];

    public bool IsOpen(DialRequest request, Instant at)
    {
        if (NeverOpens)
        {
            return false;
        }

        var local = at.InZone(_zone).LocalDateTime;
        return !ClosedDays.Contains(local.DayOfWeek) && local.Hour >= OpenHour && local.Hour < CloseHour;
    }

    public Instant? NextOpen(DialRequest request, Instant from)
    {
        lock (Asked)
        {
            Asked.Add(request);
        }

        if (NeverOpens)
        {
            return null;
        }

        var date = from.InZone(_zone).Date;
        for (var day = 0; day < 15; day++, date = date.PlusDays(1))
        {
            if (ClosedDays.Contains(date.DayOfWeek))
            {
                continue;
            }

            var start = _zone.AtLeniently(date.At(new LocalTime(OpenHour, 0))).ToInstant();
            var end = _zone.AtLeniently(date.At(new LocalTime(CloseHour, 0))).ToInstant();
            var candidate = start < from ? from : start;
            if (candidate < end)
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A zone resolver that always answers one zone.</summary>
internal sealed class FixedZoneResolver(string zoneId) : ICalleeZoneResolver
{
    public IReadOnlyList<CalleeZone> Resolve(DialRequest request) => [new CalleeZone(DateTimeZoneProviders.Tzdb[zoneId], CalleeZoneSource.PhonePrefix)];
}
