using Dialer.Core;

namespace Dialer.Testing;

/// <summary>Builds <see cref="DialRequest"/>s for tests with unique call ids.</summary>
public static class TestRequests
{
    private static long s_next;

    /// <summary>A fresh, unique call id.</summary>
    public static string NextCallId() => "call-" + Interlocked.Increment(ref s_next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A request with a unique call id.</summary>
    public static DialRequest Create(
        string phone = "+14155550123",
        string leadId = "lead-1",
        string? clientId = null,
        string? campaignId = null,
        string? zone = null,
        string? region = null,
        string? subject = null,
        bool callback = false,
        string? callId = null) =>
        new(callId ?? NextCallId(), leadId, PhoneNumber.Parse(phone), clientId, campaignId)
        {
            CalleeZoneId = zone,
            RegionCode = region,
            SubjectKey = subject,
            IsCallback = callback,
        };
}
