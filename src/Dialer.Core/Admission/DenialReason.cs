using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Dialer.Core;

/// <summary>
/// One reason an admission was denied: a stable machine-readable <see cref="Code"/> (lower-case, dotted, e.g.
/// <c>protection.duplicate_window</c>), a human-readable <see cref="Message"/>, and the instant at which this
/// reason clears (<see langword="null"/> when it never clears by itself, e.g. a final disposition).
/// </summary>
/// <remarks>
/// Gates create reasons from static strings so that a denial allocates nothing. Equality compares every field.
/// <c>default(DenialReason)</c> has null code and message and is never produced by a gate.
/// </remarks>
public readonly struct DenialReason : IEquatable<DenialReason>
{
    /// <summary>Creates a reason.</summary>
    /// <param name="category">The layer the reason comes from.</param>
    /// <param name="code">Stable, lower-case, dotted code.</param>
    /// <param name="message">Human-readable explanation.</param>
    /// <param name="clearsAt">When the reason clears, or null if it never clears by itself.</param>
    public DenialReason(DenialCategory category, string code, string message, Instant? clearsAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(message);
        Category = category;
        Code = code;
        Message = message;
        ClearsAt = clearsAt;
    }

    /// <summary>The layer the reason comes from.</summary>
    public DenialCategory Category { get; }

    /// <summary>The stable machine-readable code, e.g. <c>window.closed</c>.</summary>
    public string Code { get; }

    /// <summary>A human-readable explanation.</summary>
    public string Message { get; }

    /// <summary>The instant this reason clears, or <see langword="null"/> if it never clears by itself.</summary>
    public Instant? ClearsAt { get; }

    /// <summary>Whether this reason never clears by itself.</summary>
    public bool IsPermanent => ClearsAt is null;

    /// <inheritdoc/>
    public bool Equals(DenialReason other) =>
        Category == other.Category &&
        string.Equals(Code, other.Code, StringComparison.Ordinal) &&
        string.Equals(Message, other.Message, StringComparison.Ordinal) &&
        ClearsAt == other.ClearsAt;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is DenialReason other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Category, Code, Message, ClearsAt);

    /// <inheritdoc/>
    public override string ToString() => ClearsAt is { } at ? $"{Code}: {Message} (clears at {at})" : $"{Code}: {Message} (permanent)";

#pragma warning disable CS1591
    public static bool operator ==(DenialReason left, DenialReason right) => left.Equals(right);

    public static bool operator !=(DenialReason left, DenialReason right) => !left.Equals(right);
#pragma warning restore CS1591
}
