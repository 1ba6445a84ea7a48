using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// One attempt to check and record: the request (its call id is the attempt id; its number, lead, subject, client and
/// campaign are the keys and scopes), the instant it is made at, and the callee's zone for calendar-day limits that use
/// it. A small value that allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="At"/> is the instant the caller asks for. A store whose clock is authoritative (PostgreSQL uses the
/// database clock, so a skewed host cannot double dial) evaluates and records at its own "now" instead and reports it
/// in <see cref="LedgerResult.EvaluatedAt"/>/<see cref="LedgerResult.RecordedAt"/>; the in-memory ledger uses
/// <see cref="At"/>.
/// </para>
/// <para><c>default(AttemptContext)</c> has a null request and is rejected by every ledger.</para>
/// </remarks>
public readonly struct AttemptContext : IEquatable<AttemptContext>
{
    /// <summary>Creates the context of one attempt.</summary>
    /// <param name="request">The request; <see cref="DialRequest.CallId"/> is the attempt id.</param>
    /// <param name="at">The instant the attempt is made at.</param>
    /// <param name="calleeZone">
    /// The callee's zone: the zone of every <see cref="CountWindowKind.CalendarDay"/> limit whose
    /// <see cref="CountLimit.Zone"/> is null. A store passes its <see cref="DateTimeZone.Id"/> (an IANA id) to the database.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="calleeZone"/> is null.</exception>
    public AttemptContext(DialRequest request, Instant at, DateTimeZone calleeZone)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(calleeZone);
        Request = request;
        At = at;
        CalleeZone = calleeZone;
    }

    /// <summary>The request; its <see cref="DialRequest.CallId"/> is the attempt id.</summary>
    public DialRequest Request { get; }

    /// <summary>The instant the attempt is made at (see the remarks on authoritative store clocks).</summary>
    public Instant At { get; }

    /// <summary>The callee's zone for calendar-day limits without a zone of their own.</summary>
    public DateTimeZone CalleeZone { get; }

    /// <summary>The attempt id: the request's <see cref="DialRequest.CallId"/>.</summary>
    public string AttemptId => Request.CallId;

    /// <summary>Throws when this is <c>default</c>.</summary>
    /// <exception cref="ArgumentException">The context has no request (it is <c>default(AttemptContext)</c>).</exception>
    public void EnsureValid(string paramName)
    {
        if (Request is null || CalleeZone is null)
        {
            throw new ArgumentException($"{paramName} is default(AttemptContext); create it with a request and a callee zone.", paramName);
        }
    }

    /// <inheritdoc/>
    public bool Equals(AttemptContext other) =>
        ReferenceEquals(Request, other.Request) && At == other.At && Equals(CalleeZone, other.CalleeZone);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is AttemptContext other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Request?.CallId, At, CalleeZone?.Id);

    /// <inheritdoc/>
    public override string ToString() => $"AttemptContext({Request}, at {At}, zone {CalleeZone?.Id})";

#pragma warning disable CS1591
    public static bool operator ==(AttemptContext left, AttemptContext right) => left.Equals(right);

    public static bool operator !=(AttemptContext left, AttemptContext right) => !left.Equals(right);
#pragma warning restore CS1591
}
