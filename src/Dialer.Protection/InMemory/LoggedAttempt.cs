using System.Runtime.InteropServices;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// One attempt as <see cref="KeyLog"/> stores it: the request it was recorded from (its call id, number, lead, subject,
/// client and campaign are the entry's), when it was recorded, a hash of its id, and its outcome once reported.
/// </summary>
/// <remarks>
/// 56 bytes with two references (the request and the outcome code), against the 112 bytes and six references of a
/// public <see cref="AttemptEntry"/>: recording writes one reference and a few scalars in place, and trimming and the
/// id scan read half the cache lines. The request object is kept for as long as the attempt is (it is immutable; the
/// strings it holds would be kept anyway). <see cref="ToEntry"/> builds the public entry when one is asked for.
/// </remarks>
internal struct LoggedAttempt : IAttemptRecord
{
    /// <summary>The request the attempt was recorded from.</summary>
    public DialRequest Request;

    /// <summary>The outcome's disposition code, or null while none is reported.</summary>
    public string? OutcomeCode;

    /// <summary>When the attempt was recorded.</summary>
    public Instant RecordedAt;

    /// <summary>When the outcome happened (meaningful once <see cref="OutcomeCode"/> is set).</summary>
    public Instant OutcomeAt;

    /// <summary><see cref="HashId"/> of the request's call id.</summary>
    public int IdHash;

    /// <summary>The outcome's category (meaningful once <see cref="OutcomeCode"/> is set).</summary>
    public DispositionCategory OutcomeCategory;

    /// <summary>An attempt recorded at <paramref name="recordedAt"/>, without an outcome.</summary>
    public LoggedAttempt(DialRequest request, int idHash, Instant recordedAt)
    {
        Request = request;
        OutcomeCode = null;
        RecordedAt = recordedAt;
        OutcomeAt = default;
        IdHash = idHash;
        OutcomeCategory = default;
    }

    /// <inheritdoc/>
    readonly Instant IAttemptRecord.RecordedAt => RecordedAt;

    /// <inheritdoc/>
    public readonly PhoneNumber Phone => Request.Phone;

    /// <inheritdoc/>
    public readonly string LeadId => Request.LeadId;

    /// <inheritdoc/>
    public readonly string? SubjectKey => Request.SubjectKey;

    /// <inheritdoc/>
    public readonly string ClientId => Request.ClientId;

    /// <inheritdoc/>
    public readonly string CampaignId => Request.CampaignId;

    /// <summary>Whether an outcome has been reported.</summary>
    public readonly bool HasOutcome => OutcomeCode is not null;

    /// <summary>The attempt id (the request's call id).</summary>
    public readonly string AttemptId => Request.CallId;

    /// <summary>Sets the outcome.</summary>
    public void SetOutcome(Disposition disposition, Instant occurredAt)
    {
        OutcomeCode = disposition.Code;
        OutcomeCategory = disposition.Category;
        OutcomeAt = occurredAt;
    }

    /// <summary>
    /// The hash stored in <see cref="IdHash"/>: the length and the first four and last eight UTF-16 code units, mixed —
    /// constant time for any id length (call ids are often 36-character UUIDs). Ids that differ only in between collide
    /// and are told apart by the ordinal comparison that follows every hash match. Stable within a process only.
    /// </summary>
    internal static int HashId(string attemptId)
    {
        var chars = attemptId.AsSpan();
        ulong head, tail, middle;
        if (chars.Length >= 8)
        {
            head = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(chars[..4]));
            middle = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(chars.Slice(chars.Length - 8, 4)));
            tail = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(chars[^4..]));
        }
        else
        {
            head = 0;
            foreach (var c in chars)
            {
                head = (head << 8) ^ c;
            }

            middle = 0;
            tail = 0;
        }

        var mixed = ((head * 0x9E3779B97F4A7C15UL) ^ (middle * 0xC2B2AE3D27D4EB4FUL) ^ tail ^ (ulong)chars.Length) * 0xFF51AFD7ED558CCDUL;
        return (int)(mixed >> 32);
    }

    /// <summary>The public entry for this attempt.</summary>
    public readonly AttemptEntry ToEntry() => AttemptEntry.FromLogged(this);
}
