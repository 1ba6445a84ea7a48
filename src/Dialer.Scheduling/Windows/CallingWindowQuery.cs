using Dialer.Core;

namespace Dialer.Scheduling;

/// <summary>
/// A calling-window question without a <see cref="DialRequest"/>: an explicit callee location (zone, region, postal
/// code and/or phone number) and the client and campaign whose schedule applies. Used by tools such as
/// <c>dialer window --zone/--region/--phone</c>. Immutable once initialised.
/// </summary>
public sealed class CallingWindowQuery
{
    /// <summary>The callee's number; <c>default</c> when unknown.</summary>
    public PhoneNumber Phone { get; init; }

    /// <summary>The callee's IANA zone id, when known.</summary>
    public string? ZoneId { get; init; }

    /// <summary>The callee's region (US state code), when known.</summary>
    public string? RegionCode { get; init; }

    /// <summary>The callee's postal code, when known.</summary>
    public string? PostalCode { get; init; }

    /// <summary>The client whose schedule applies (<see cref="DialRequest.DefaultClientId"/> by default).</summary>
    public string ClientId { get; init; } = DialRequest.DefaultClientId;

    /// <summary>The campaign whose schedule applies (<see cref="DialRequest.DefaultCampaignId"/> by default).</summary>
    public string CampaignId { get; init; } = DialRequest.DefaultCampaignId;

    /// <summary>Whether the call is a callee-requested callback.</summary>
    public bool IsCallback { get; init; }

    /// <summary>The query a request asks.</summary>
    public static CallingWindowQuery FromRequest(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new CallingWindowQuery
        {
            Phone = request.Phone,
            ZoneId = request.CalleeZoneId,
            RegionCode = request.RegionCode,
            PostalCode = request.PostalCode,
            ClientId = request.ClientId,
            CampaignId = request.CampaignId,
            IsCallback = request.IsCallback,
        };
    }
}
