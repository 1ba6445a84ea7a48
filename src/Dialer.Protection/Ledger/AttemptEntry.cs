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
public readonly struct AttemptEntry : IEquatable<AttemptEntry>
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
        IdHash = HashId(attemptId);
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

    // Trusted copy constructor for the ledger's hot path: the request was validated when it was created.
    private AttemptEntry(DialRequest request, int idHash, Instant recordedAt)
    {
        AttemptId = request.CallId;
        IdHash = idHash;
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
        return new AttemptEntry(request, HashId(request.CallId), recordedAt);
    }

    internal static AttemptEntry FromRequest(DialRequest request, int idHash, Instant recordedAt) => new(request, idHash, recordedAt);

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

    /// <summary>A cheap hash of <see cref="AttemptId"/> that lets the in-memory ledger find an id without reading other ids.</summary>
    internal int IdHash { get; }

    /// <summary>Whether an outcome has been reported.</summary>
    public bool HasOutcome => OutcomeCode is not null;

    /// <summary>A copy with the given outcome.</summary>
    public AttemptEntry WithOutcome(Disposition disposition, Instant occurredAt) => new(this, disposition, occurredAt);

    /// <summary>The hash stored in <see cref="IdHash"/> (FNV-1a over the UTF-16 code units; stable within a process).</summary>
    internal static int HashId(string attemptId)
    {
        var hash = 2166136261u;
        foreach (var c in attemptId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }

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
