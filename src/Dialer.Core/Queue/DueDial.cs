using NodaTime;

namespace Dialer.Core;

/// <summary>Why a dial was queued for later.</summary>
public enum DueDialKind
{
    /// <summary>A redial scheduled by policy after an outcome.</summary>
    Redial = 0,

    /// <summary>A request denied only because calling was closed, deferred to the next open instant (the "request queue").</summary>
    Deferred = 1,

    /// <summary>A callback the callee asked for at a time.</summary>
    Callback = 2,
}

/// <summary>
/// A queued dial that has come due and has been claimed exclusively by one caller until <see cref="ClaimExpiresAt"/>.
/// Complete it once the call is placed, or release it to put it back.
/// </summary>
public sealed class DueDial
{
    /// <summary>Creates a claimed item.</summary>
    public DueDial(DialRequest request, DueDialKind kind, Instant dueAt, string claimToken, Instant claimExpiresAt, int attempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(claimToken);
        Request = request;
        Kind = kind;
        DueAt = dueAt;
        ClaimToken = claimToken;
        ClaimExpiresAt = claimExpiresAt;
        Attempt = attempt;
    }

    /// <summary>The request to dial (with the call id to use for this attempt).</summary>
    public DialRequest Request { get; }

    /// <summary>Why it was queued.</summary>
    public DueDialKind Kind { get; }

    /// <summary>When it became due.</summary>
    public Instant DueAt { get; }

    /// <summary>Identifies this claim; a completion or release with a stale token is ignored.</summary>
    public string ClaimToken { get; }

    /// <summary>When the claim lapses and the item becomes claimable again.</summary>
    public Instant ClaimExpiresAt { get; }

    /// <summary>The attempt number for the lead this dial would be (1 = first).</summary>
    public int Attempt { get; }
}

/// <summary>
/// The queue of dials that are due later: redials, requests deferred because calling was closed, and callbacks.
/// Offered by Dialer.Redial; used by the campaign runner (Dialer.Campaigns) without a reference between them.
/// Consumers must work when no implementation is registered.
/// </summary>
public interface IDueDialQueue
{
    /// <summary>
    /// Puts <paramref name="request"/> in the queue, due at <paramref name="dueAt"/>. One pending item per lead:
    /// a new item replaces the lead's pending one. Idempotent.
    /// </summary>
    ValueTask DeferAsync(DialRequest request, Instant dueAt, DueDialKind kind, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="maxItems"/> items due at <paramref name="now"/> (optionally of one campaign), exclusively.</summary>
    ValueTask<IReadOnlyList<DueDial>> ClaimDueAsync(Instant now, int maxItems, string? campaignId = null, CancellationToken cancellationToken = default);

    /// <summary>Marks a claimed item done (the call was placed or the item is no longer wanted). Idempotent.</summary>
    ValueTask CompleteAsync(DueDial item, CancellationToken cancellationToken = default);

    /// <summary>Returns a claimed item to the queue, due at <paramref name="dueAt"/> (its old due time when null). Idempotent.</summary>
    ValueTask ReleaseAsync(DueDial item, Instant? dueAt = null, CancellationToken cancellationToken = default);
}
