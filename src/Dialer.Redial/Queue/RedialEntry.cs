using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// What to put in an <see cref="IRedialQueue"/>: the request to dial (whose <see cref="DialRequest.CallId"/> is the
/// call id of the queued attempt), why it is queued, which attempt for the lead it is, and when it is due.
/// Immutable and thread-safe.
/// </summary>
/// <remarks>
/// A store persists every field: the request's <see cref="DialRequest.CallId"/>, <see cref="DialRequest.LeadId"/>,
/// <see cref="DialRequest.Phone"/> (as <see cref="PhoneNumber.Value"/>), <see cref="DialRequest.ClientId"/>,
/// <see cref="DialRequest.CampaignId"/>, <see cref="DialRequest.CalleeZoneId"/>, <see cref="DialRequest.RegionCode"/>,
/// <see cref="DialRequest.PostalCode"/>, <see cref="DialRequest.SubjectKey"/>, <see cref="DialRequest.IsCallback"/>,
/// plus <see cref="Kind"/>, <see cref="Attempt"/>, <see cref="DueAt"/>, <see cref="Flags"/> and <see cref="Reason"/>,
/// and rebuilds the request from them.
/// </remarks>
public sealed class RedialEntry : IEquatable<RedialEntry>
{
    /// <summary>The longest <see cref="Reason"/> accepted.</summary>
    public const int MaxReasonLength = 64;

    /// <summary>Creates an entry.</summary>
    /// <param name="request">The request to dial; its call id is the attempt id the dial will use.</param>
    /// <param name="kind">Why it is queued.</param>
    /// <param name="attempt">Which attempt for the lead this dial is (1 = first); at least 1.</param>
    /// <param name="dueAt">When it becomes due.</param>
    /// <param name="flags">Hints for the host that places the call.</param>
    /// <param name="reason">
    /// A short machine-readable note of what caused the entry (e.g. the disposition code <c>no_answer</c>, or
    /// <c>window.closed</c>); at most <see cref="MaxReasonLength"/> characters; null when none.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1, <paramref name="kind"/> is undefined or <paramref name="reason"/> is too long.</exception>
    public RedialEntry(DialRequest request, DueDialKind kind, int attempt, Instant dueAt, RedialFlags flags = RedialFlags.None, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"kind = {(int)kind} is not a defined {nameof(DueDialKind)}.");
        }

        if (attempt < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(attempt), attempt, $"attempt must be at least 1; got {attempt}.");
        }

        if (reason is not null && reason.Length > MaxReasonLength)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, $"reason must be at most {MaxReasonLength} characters; got {reason.Length}.");
        }

        Request = request;
        Kind = kind;
        Attempt = attempt;
        DueAt = dueAt;
        Flags = flags;
        Reason = reason;
    }

    /// <summary>The request to dial; <see cref="DialRequest.CallId"/> is the call id of this attempt.</summary>
    public DialRequest Request { get; }

    /// <summary>The lead (the queue's key: one pending item per lead).</summary>
    public string LeadId => Request.LeadId;

    /// <summary>The call id the queued dial will use (its attempt id).</summary>
    public string CallId => Request.CallId;

    /// <summary>Why it is queued.</summary>
    public DueDialKind Kind { get; }

    /// <summary>Which attempt for the lead this dial is (1 = first).</summary>
    public int Attempt { get; }

    /// <summary>When it becomes due.</summary>
    public Instant DueAt { get; }

    /// <summary>Hints for the host that places the call.</summary>
    public RedialFlags Flags { get; }

    /// <summary>A short machine-readable note of what caused the entry, or null.</summary>
    public string? Reason { get; }

    /// <summary>A copy due at <paramref name="dueAt"/>.</summary>
    public RedialEntry WithDueAt(Instant dueAt) => new(Request, Kind, Attempt, dueAt, Flags, Reason);

    /// <summary>
    /// Whether both entries describe the same queued dial: every request field, kind, attempt, due time, flags and
    /// reason are equal (ordinal string comparison).
    /// </summary>
    public bool Equals(RedialEntry? other) =>
        other is not null &&
        Kind == other.Kind && Attempt == other.Attempt && DueAt == other.DueAt && Flags == other.Flags &&
        string.Equals(Reason, other.Reason, StringComparison.Ordinal) &&
        RequestEquals(Request, other.Request);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RedialEntry other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Request.CallId), Kind, Attempt, DueAt);

    /// <inheritdoc/>
    public override string ToString() => $"RedialEntry({Kind} #{Attempt} lead={LeadId} call={CallId} due {DueAt})";

    /// <summary>Whether two requests have equal fields (ordinal). <see cref="DialRequest"/> itself compares by reference.</summary>
    public static bool RequestEquals(DialRequest? left, DialRequest? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        return string.Equals(left.CallId, right.CallId, StringComparison.Ordinal) &&
               string.Equals(left.LeadId, right.LeadId, StringComparison.Ordinal) &&
               left.Phone == right.Phone &&
               string.Equals(left.ClientId, right.ClientId, StringComparison.Ordinal) &&
               string.Equals(left.CampaignId, right.CampaignId, StringComparison.Ordinal) &&
               string.Equals(left.CalleeZoneId, right.CalleeZoneId, StringComparison.Ordinal) &&
               string.Equals(left.RegionCode, right.RegionCode, StringComparison.Ordinal) &&
               string.Equals(left.PostalCode, right.PostalCode, StringComparison.Ordinal) &&
               string.Equals(left.SubjectKey, right.SubjectKey, StringComparison.Ordinal) &&
               left.IsCallback == right.IsCallback;
    }
}
