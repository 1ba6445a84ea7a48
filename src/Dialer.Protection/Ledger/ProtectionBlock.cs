using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// A stored block: "do not call this number (or lead) until <see cref="Until"/>, or ever". Final dispositions,
/// cool-downs and internal do-not-call entries are all blocks; the <see cref="Kind"/> decides the denial code.
/// Identified by <see cref="Id"/>: storing a block with an id that exists replaces it.
/// </summary>
/// <remarks>
/// <para>
/// A block applies to a request when its target matches (<see cref="BlockTarget.Number"/>: the same
/// <see cref="Phone"/>; <see cref="BlockTarget.Lead"/>: the same <see cref="LeadId"/>), its scope matches
/// (<see cref="LimitScope.Global"/>, or <see cref="ScopeId"/> equal to the request's client or campaign id) and it is
/// active: <see cref="Until"/> is null (permanent) or later than the instant evaluated (the half-open interval ends at
/// <see cref="Until"/>, when it clears).
/// </para>
/// <para>Immutable. <c>default(ProtectionBlock)</c> has a null id and is rejected by every ledger.</para>
/// </remarks>
public readonly struct ProtectionBlock : IEquatable<ProtectionBlock>
{
    /// <summary>Creates a block.</summary>
    /// <param name="id">The block's identity (see <see cref="ForOutcomeId"/> and <see cref="DoNotCallId"/>).</param>
    /// <param name="kind">What kind of block it is.</param>
    /// <param name="target">Whether it blocks the number or the lead.</param>
    /// <param name="phone">The number (required for a number block; informative for a lead block).</param>
    /// <param name="leadId">The lead (required for a lead block).</param>
    /// <param name="scope">Which requests it applies to.</param>
    /// <param name="scopeId">The client id (client scope) or campaign id (campaign scope); null for global scope.</param>
    /// <param name="createdAt">When it was created.</param>
    /// <param name="until">When it clears; null for permanent.</param>
    /// <param name="reason">A short description: the disposition code, or the do-not-call reason.</param>
    /// <param name="sourceAttemptId">The attempt whose outcome created it, if any.</param>
    /// <exception cref="ArgumentException">An argument contradicts the target or scope; the message names it.</exception>
    public ProtectionBlock(
        string id,
        BlockKind kind,
        BlockTarget target,
        PhoneNumber phone,
        string? leadId,
        LimitScope scope,
        string? scopeId,
        Instant createdAt,
        Instant? until,
        string? reason,
        string? sourceAttemptId)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException($"kind = {(int)kind} is not a defined {nameof(BlockKind)}.", nameof(kind));
        }

        if (!Enum.IsDefined(target))
        {
            throw new ArgumentException($"target = {(int)target} is not a defined {nameof(BlockTarget)}.", nameof(target));
        }

        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentException($"scope = {(int)scope} is not a defined {nameof(LimitScope)}.", nameof(scope));
        }

        if (target == BlockTarget.Number && phone.IsDefault)
        {
            throw new ArgumentException("A number block needs a phone number; phone is default(PhoneNumber).", nameof(phone));
        }

        if (target == BlockTarget.Lead && string.IsNullOrEmpty(leadId))
        {
            throw new ArgumentException("A lead block needs a lead id; leadId is null or empty.", nameof(leadId));
        }

        if ((scope == LimitScope.Global) != (scopeId is null))
        {
            throw new ArgumentException($"scopeId ('{scopeId}') must be null for global scope and set for {scope} scope.", nameof(scopeId));
        }

        Id = id;
        Kind = kind;
        Target = target;
        Phone = phone;
        LeadId = leadId;
        Scope = scope;
        ScopeId = scopeId;
        CreatedAt = createdAt;
        Until = until;
        Reason = reason;
        SourceAttemptId = sourceAttemptId;
    }

    /// <summary>The identity: storing a block with an existing id replaces that block.</summary>
    public string Id { get; }

    /// <summary>What kind of block it is (decides the denial code).</summary>
    public BlockKind Kind { get; }

    /// <summary>Whether it blocks the number or the lead.</summary>
    public BlockTarget Target { get; }

    /// <summary>The number (the key of a number block).</summary>
    public PhoneNumber Phone { get; }

    /// <summary>The lead (the key of a lead block).</summary>
    public string? LeadId { get; }

    /// <summary>Which requests it applies to.</summary>
    public LimitScope Scope { get; }

    /// <summary>The client or campaign id for client or campaign scope; null for global scope.</summary>
    public string? ScopeId { get; }

    /// <summary>When it was created.</summary>
    public Instant CreatedAt { get; }

    /// <summary>When it clears; null when permanent.</summary>
    public Instant? Until { get; }

    /// <summary>A short description: the disposition code, or the do-not-call reason.</summary>
    public string? Reason { get; }

    /// <summary>The attempt whose outcome created it, if any.</summary>
    public string? SourceAttemptId { get; }

    /// <summary>Whether it never clears by itself.</summary>
    public bool IsPermanent => Until is null;

    /// <summary>Whether it is in force at <paramref name="at"/>: permanent, or <paramref name="at"/> is before <see cref="Until"/>.</summary>
    public bool IsActiveAt(Instant at) => Until is not { } until || at < until;

    /// <summary>Whether it applies to <paramref name="request"/> at <paramref name="at"/> (target, scope and activity).</summary>
    public bool AppliesTo(DialRequest request, Instant at)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsActiveAt(at))
        {
            return false;
        }

        var keyMatches = Target == BlockTarget.Number
            ? Phone == request.Phone
            : string.Equals(LeadId, request.LeadId, StringComparison.Ordinal);
        return keyMatches && Scope switch
        {
            LimitScope.Client => string.Equals(ScopeId, request.ClientId, StringComparison.Ordinal),
            LimitScope.Campaign => string.Equals(ScopeId, request.CampaignId, StringComparison.Ordinal),
            _ => true,
        };
    }

    /// <summary>The id of the block an outcome of <paramref name="attemptId"/> creates for a kind and target: <c>outcome:{kind}:{target}:{attemptId}</c>.</summary>
    public static string ForOutcomeId(string attemptId, BlockKind kind, BlockTarget target)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        return string.Create(CultureInfo.InvariantCulture, $"outcome:{(int)kind}:{(int)target}:{attemptId}");
    }

    /// <summary>
    /// The id of the do-not-call entry for <paramref name="phone"/> in a scope: <c>dnc:{scope}:{scopeId}:{E.164}</c>,
    /// so adding the same number again replaces its entry and removing it needs only the number and scope.
    /// </summary>
    public static string DoNotCallId(PhoneNumber phone, LimitScope scope = LimitScope.Global, string? scopeId = null)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }

        return string.Create(CultureInfo.InvariantCulture, $"dnc:{(int)scope}:{scopeId}:{phone}");
    }

    /// <summary>Creates an internal do-not-call entry for <paramref name="phone"/> (a number block of kind <see cref="BlockKind.DoNotCall"/>).</summary>
    /// <param name="phone">The number.</param>
    /// <param name="reason">Why it must not be called (shown in lists and logs).</param>
    /// <param name="addedAt">When it was added.</param>
    /// <param name="expiresAt">When it expires; null for never.</param>
    /// <param name="scope">Global, or one client or campaign.</param>
    /// <param name="scopeId">The client or campaign id; null for global scope.</param>
    /// <param name="sourceAttemptId">The attempt whose outcome asked for it, if any.</param>
    public static ProtectionBlock DoNotCall(
        PhoneNumber phone,
        string reason,
        Instant addedAt,
        Instant? expiresAt = null,
        LimitScope scope = LimitScope.Global,
        string? scopeId = null,
        string? sourceAttemptId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new ProtectionBlock(DoNotCallId(phone, scope, scopeId), BlockKind.DoNotCall, BlockTarget.Number, phone, null, scope, scopeId, addedAt, expiresAt, reason, sourceAttemptId);
    }

    /// <inheritdoc/>
    public bool Equals(ProtectionBlock other) =>
        string.Equals(Id, other.Id, StringComparison.Ordinal) &&
        Kind == other.Kind &&
        Target == other.Target &&
        Phone == other.Phone &&
        string.Equals(LeadId, other.LeadId, StringComparison.Ordinal) &&
        Scope == other.Scope &&
        string.Equals(ScopeId, other.ScopeId, StringComparison.Ordinal) &&
        CreatedAt == other.CreatedAt &&
        Until == other.Until &&
        string.Equals(Reason, other.Reason, StringComparison.Ordinal) &&
        string.Equals(SourceAttemptId, other.SourceAttemptId, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ProtectionBlock other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Kind, Until);

    /// <summary>A description for logs, with the number masked.</summary>
    public override string ToString() =>
        $"Block({Kind}, {(Target == BlockTarget.Number ? Phone.ToMaskedString() : "lead " + LeadId)}, {Scope}{(ScopeId is null ? string.Empty : ":" + ScopeId)}, until {(Until is { } u ? u.ToString() : "forever")})";

#pragma warning disable CS1591
    public static bool operator ==(ProtectionBlock left, ProtectionBlock right) => left.Equals(right);

    public static bool operator !=(ProtectionBlock left, ProtectionBlock right) => !left.Equals(right);
#pragma warning restore CS1591
}
