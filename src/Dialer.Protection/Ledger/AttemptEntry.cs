using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// One recorded attempt as the ledger stores it: the keys and scopes it counts under, when it was recorded, and its
/// outcome once reported. Every recorded attempt counts toward every limit, whatever its outcome (an unknown outcome or
/// no outcome at all counts too: it is never treated as "not called").
/// </summary>
/// <remarks>Immutable. <c>default(AttemptEntry)</c> has null ids and is never returned by a ledger.</remarks>
public readonly struct AttemptEntry : IEquatable<AttemptEntry>, IAttemptRecord
{
    /// <summary>Creates an entry.</summary>
    /// <exception cref="ArgumentException">An id is null or empty, or <paramref name="phone"/> is default.</exception>
    public AttemptEntry(
        string attemptId,
        PhoneNumber phone,
        string leadId,
        string clientId,
        string campaignId,
        string? subjectKey,
        Instant recordedAt,
        string? outcomeCode = null,
        DispositionCategory? outcomeCategory = null,
        Instant? outcomeAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        ArgumentException.ThrowIfNullOrEmpty(leadId);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }

        if ((outcomeCode is null) != (outcomeCategory is null))
        {
            throw new ArgumentException($"outcomeCode ('{outcomeCode}') and outcomeCategory ({outcomeCategory}) must be given together.", nameof(outcomeCode));
        }

        AttemptId = attemptId;
        Phone = phone;
        LeadId = leadId;
        ClientId = clientId;
        CampaignId = campaignId;
        SubjectKey = subjectKey;
        RecordedAt = recordedAt;
        OutcomeCode = outcomeCode;
        OutcomeCategory = outcomeCategory;
        OutcomeAt = outcomeAt;
    }

    // Trusted: the request was validated when it was created.
    private AttemptEntry(DialRequest request, Instant recordedAt)
    {
        AttemptId = request.CallId;
        Phone = request.Phone;
        LeadId = request.LeadId;
        ClientId = request.ClientId;
        CampaignId = request.CampaignId;
        SubjectKey = request.SubjectKey;
        RecordedAt = recordedAt;
        OutcomeCode = null;
        OutcomeCategory = null;
        OutcomeAt = null;
    }

    // The in-memory ledger's stored form, with its outcome when one was reported.
    private AttemptEntry(in LoggedAttempt logged)
        : this(logged.Request, logged.RecordedAt)
    {
        if (logged.OutcomeCode is { } code)
        {
            OutcomeCode = code;
            OutcomeCategory = logged.OutcomeCategory;
            OutcomeAt = logged.OutcomeAt;
        }
    }

    private AttemptEntry(in AttemptEntry entry, Disposition disposition, Instant occurredAt)
    {
        this = entry;
        OutcomeCode = disposition.Code;
        OutcomeCategory = disposition.Category;
        OutcomeAt = occurredAt;
    }

    /// <summary>Creates the entry of a request recorded at <paramref name="recordedAt"/> (no outcome yet).</summary>
    public static AttemptEntry FromRequest(DialRequest request, Instant recordedAt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AttemptEntry(request, recordedAt);
    }

    internal static AttemptEntry FromLogged(in LoggedAttempt logged) => new(logged);

    /// <summary>The attempt id (the request's call id).</summary>
    public string AttemptId { get; }

    /// <summary>The number dialed.</summary>
    public PhoneNumber Phone { get; }

    /// <summary>The lead.</summary>
    public string LeadId { get; }

    /// <summary>The client.</summary>
    public string ClientId { get; }

    /// <summary>The campaign.</summary>
    public string CampaignId { get; }

    /// <summary>The subject key, if the request had one.</summary>
    public string? SubjectKey { get; }

    /// <summary>When the attempt was recorded (the store's instant where its clock is authoritative).</summary>
    public Instant RecordedAt { get; }

    /// <summary>The outcome's disposition code, once reported.</summary>
    public string? OutcomeCode { get; }

    /// <summary>The outcome's category, once reported.</summary>
    public DispositionCategory? OutcomeCategory { get; }

    /// <summary>When the outcome happened, once reported.</summary>
    public Instant? OutcomeAt { get; }

    /// <summary>Whether an outcome has been reported.</summary>
    public bool HasOutcome => OutcomeCode is not null;

    /// <summary>A copy with the given outcome.</summary>
    public AttemptEntry WithOutcome(Disposition disposition, Instant occurredAt) => new(this, disposition, occurredAt);

    /// <inheritdoc/>
    public bool Equals(AttemptEntry other) =>
        string.Equals(AttemptId, other.AttemptId, StringComparison.Ordinal) &&
        Phone == other.Phone &&
        string.Equals(LeadId, other.LeadId, StringComparison.Ordinal) &&
        string.Equals(ClientId, other.ClientId, StringComparison.Ordinal) &&
        string.Equals(CampaignId, other.CampaignId, StringComparison.Ordinal) &&
        string.Equals(SubjectKey, other.SubjectKey, StringComparison.Ordinal) &&
        RecordedAt == other.RecordedAt &&
        string.Equals(OutcomeCode, other.OutcomeCode, StringComparison.Ordinal) &&
        OutcomeCategory == other.OutcomeCategory &&
        OutcomeAt == other.OutcomeAt;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is AttemptEntry other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(AttemptId, Phone, RecordedAt, OutcomeCode);

    /// <summary>A description for logs, with the number masked.</summary>
    public override string ToString() =>
        $"Attempt({AttemptId}, {Phone.ToMaskedString()}, lead={LeadId}, at {RecordedAt}, outcome={OutcomeCode ?? "none"})";

#pragma warning disable CS1591
    public static bool operator ==(AttemptEntry left, AttemptEntry right) => left.Equals(right);

    public static bool operator !=(AttemptEntry left, AttemptEntry right) => !left.Equals(right);
#pragma warning restore CS1591
}
