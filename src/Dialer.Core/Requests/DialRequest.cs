namespace Dialer.Core;

/// <summary>
/// One request to dial one number for one lead: what every admission gate reads. Immutable; create one per
/// call attempt (or reuse one for retries of the same attempt, which share a <see cref="CallId"/>).
/// </summary>
/// <remarks>
/// <para>
/// Identifiers are compared ordinally and case-sensitively. The optional callee location fields
/// (<see cref="CalleeZoneId"/>, <see cref="RegionCode"/>, <see cref="PostalCode"/>) feed callee zone resolution;
/// what the request states explicitly takes precedence over what is inferred from the phone number.
/// </para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed class DialRequest
{
    /// <summary>The client used when none is given.</summary>
    public const string DefaultClientId = "default";

    /// <summary>The campaign used when none is given.</summary>
    public const string DefaultCampaignId = "default";

    /// <summary>Creates a request, validating every argument.</summary>
    /// <param name="callId">The idempotency key of this call attempt (webhook retries carry the same one). Also the attempt id.</param>
    /// <param name="leadId">The lead (contact record) this call is for.</param>
    /// <param name="phone">The number to dial.</param>
    /// <param name="clientId">The client (tenant) the call is placed for; <see cref="DefaultClientId"/> when null.</param>
    /// <param name="campaignId">The campaign the call belongs to; <see cref="DefaultCampaignId"/> when null.</param>
    /// <exception cref="ArgumentException">An identifier is empty, whitespace or longer than 256 characters, or <paramref name="phone"/> is <c>default</c>.</exception>
    public DialRequest(string callId, string leadId, PhoneNumber phone, string? clientId = null, string? campaignId = null)
    {
        CallId = CheckId(callId, nameof(callId));
        LeadId = CheckId(leadId, nameof(leadId));
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }

        Phone = phone;
        ClientId = clientId is null ? DefaultClientId : CheckId(clientId, nameof(clientId));
        CampaignId = campaignId is null ? DefaultCampaignId : CheckId(campaignId, nameof(campaignId));
    }

    /// <summary>The idempotency key of this call attempt; also the id under which the attempt is recorded.</summary>
    public string CallId { get; }

    /// <summary>The lead (contact record) this call is for.</summary>
    public string LeadId { get; }

    /// <summary>The number to dial.</summary>
    public PhoneNumber Phone { get; }

    /// <summary>The client (tenant) the call is placed for.</summary>
    public string ClientId { get; }

    /// <summary>The campaign the call belongs to.</summary>
    public string CampaignId { get; }

    /// <summary>The callee's IANA time zone id when the host knows it (e.g. <c>America/Chicago</c>); the strongest zone evidence.</summary>
    public string? CalleeZoneId { get; init; }

    /// <summary>The callee's region (for the US, the two-letter state code such as <c>FL</c>) when the host knows it.</summary>
    public string? RegionCode { get; init; }

    /// <summary>The callee's postal code when the host knows it; mapped to a region or zone by the host's configuration.</summary>
    public string? PostalCode { get; init; }

    /// <summary>
    /// An optional key for "same subject" caps that span several numbers and leads (for example a debt or
    /// account id): caps keyed by subject count every attempt that carries the same key.
    /// </summary>
    public string? SubjectKey { get; init; }

    /// <summary>
    /// Whether the callee asked to be called back (a callee-requested callback). Business hours may then be
    /// waived when the schedule enables callbacks; legal and jurisdiction hours never are.
    /// </summary>
    public bool IsCallback { get; init; }

    /// <summary>
    /// Returns a copy of this request for another attempt (a new <paramref name="callId"/>) with everything else
    /// unchanged.
    /// </summary>
    public DialRequest WithCallId(string callId) => new(callId, LeadId, Phone, ClientId, CampaignId)
    {
        CalleeZoneId = CalleeZoneId,
        RegionCode = RegionCode,
        PostalCode = PostalCode,
        SubjectKey = SubjectKey,
        IsCallback = IsCallback,
    };

    /// <summary>A short description for logs, with the phone number masked.</summary>
    public override string ToString() =>
        $"DialRequest(call={CallId}, lead={LeadId}, phone={Phone.ToMaskedString()}, client={ClientId}, campaign={CampaignId})";

    private static string CheckId(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} must not be empty or whitespace; got '{value}'.", name);
        }

        if (value.Length > 256)
        {
            throw new ArgumentException($"{name} must be at most 256 characters; got {value.Length}.", name);
        }

        return value;
    }
}
