using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// The answer of <see cref="ICallingWindowEvaluator.Evaluate(DialRequest, Instant)"/>: whether calling is open at
/// <see cref="At"/>, every reason it is closed, and the next open instant. <c>default</c> is a closed answer at the
/// Unix epoch with no reasons and never produced by the evaluator.
/// </summary>
public readonly struct CallingWindowEvaluation : IEquatable<CallingWindowEvaluation>
{
    internal CallingWindowEvaluation(Instant at, bool isOpen, DenialReasonList reasons, Instant? nextOpen)
    {
        At = at;
        IsOpen = isOpen;
        Reasons = reasons;
        NextOpen = nextOpen;
    }

    /// <summary>The instant evaluated.</summary>
    public Instant At { get; }

    /// <summary>Whether every layer is open at <see cref="At"/>.</summary>
    public bool IsOpen { get; }

    /// <summary>
    /// Every reason calling is closed (category <see cref="DenialCategory.CallingWindow"/>, codes in
    /// <see cref="CallingWindowReasonCodes"/>); empty when open. Each reason's <see cref="DenialReason.ClearsAt"/> is
    /// <see cref="NextOpen"/> (null for a disabled schedule or when nothing opens within the horizon).
    /// </summary>
    public DenialReasonList Reasons { get; }

    /// <summary>
    /// The earliest instant ≥ <see cref="At"/> at which every layer is open: <see cref="At"/> itself when open,
    /// <see langword="null"/> when nothing opens within the horizon.
    /// </summary>
    public Instant? NextOpen { get; }

    /// <inheritdoc/>
    public bool Equals(CallingWindowEvaluation other)
    {
        if (At != other.At || IsOpen != other.IsOpen || NextOpen != other.NextOpen || Reasons.Count != other.Reasons.Count)
        {
            return false;
        }

        for (var i = 0; i < Reasons.Count; i++)
        {
            if (Reasons[i] != other.Reasons[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is CallingWindowEvaluation other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(At, IsOpen, NextOpen, Reasons.Count);

    /// <inheritdoc/>
    public override string ToString() => IsOpen ? $"open at {At}" : $"closed at {At}, next open {NextOpen?.ToString() ?? "none within horizon"}: {Reasons}";

#pragma warning disable CS1591
    public static bool operator ==(CallingWindowEvaluation left, CallingWindowEvaluation right) => left.Equals(right);

    public static bool operator !=(CallingWindowEvaluation left, CallingWindowEvaluation right) => !left.Equals(right);
#pragma warning restore CS1591
}
