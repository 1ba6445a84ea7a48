using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// What <see cref="ProtectionDecider"/> reads of a recorded attempt: when it was recorded and the keys and scopes it
/// counts under. Implemented by <see cref="AttemptEntry"/> and by the in-memory ledger's compact stored form.
/// </summary>
internal interface IAttemptRecord
{
    /// <summary>When the attempt was recorded.</summary>
    Instant RecordedAt { get; }

    /// <summary>The number dialed.</summary>
    PhoneNumber Phone { get; }

    /// <summary>The lead.</summary>
    string LeadId { get; }

    /// <summary>The subject key, if any.</summary>
    string? SubjectKey { get; }

    /// <summary>The client.</summary>
    string ClientId { get; }

    /// <summary>The campaign.</summary>
    string CampaignId { get; }
}
