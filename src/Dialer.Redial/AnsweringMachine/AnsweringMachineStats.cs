using System.Diagnostics.CodeAnalysis;
using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// What an <see cref="IAnsweringMachineTracker"/> knows about one number: machine results in a row and in total, and
/// every outcome recorded. <c>default</c> (or a value with zero outcomes) means nothing is recorded.
/// </summary>
public readonly struct AnsweringMachineStats : IEquatable<AnsweringMachineStats>
{
    /// <summary>Creates stats.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the counts contradict each other (consecutive &gt; total machines &gt; outcomes).</exception>
    public AnsweringMachineStats(PhoneNumber phone, int consecutiveMachines, int totalMachines, int totalOutcomes, Instant? lastOutcomeAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(consecutiveMachines);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(consecutiveMachines, totalMachines);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(totalMachines, totalOutcomes);
        Phone = phone;
        ConsecutiveMachines = consecutiveMachines;
        TotalMachines = totalMachines;
        TotalOutcomes = totalOutcomes;
        LastOutcomeAt = lastOutcomeAt;
    }

    /// <summary>The number.</summary>
    public PhoneNumber Phone { get; }

    /// <summary>Answering-machine results since the last other result (in the order recorded).</summary>
    public int ConsecutiveMachines { get; }

    /// <summary>Answering-machine results in total.</summary>
    public int TotalMachines { get; }

    /// <summary>Outcomes of any kind recorded for the number (each attempt id once): the per-number attempt count.</summary>
    public int TotalOutcomes { get; }

    /// <summary>The <c>at</c> of the most recently recorded outcome, or null when none is recorded.</summary>
    public Instant? LastOutcomeAt { get; }

    /// <inheritdoc/>
    public bool Equals(AnsweringMachineStats other) =>
        Phone == other.Phone && ConsecutiveMachines == other.ConsecutiveMachines && TotalMachines == other.TotalMachines &&
        TotalOutcomes == other.TotalOutcomes && LastOutcomeAt == other.LastOutcomeAt;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is AnsweringMachineStats other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Phone, ConsecutiveMachines, TotalMachines, TotalOutcomes, LastOutcomeAt);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Phone.ToMaskedString()}: {ConsecutiveMachines} machine(s) in a row, {TotalMachines} machine(s) of {TotalOutcomes} outcome(s)";

#pragma warning disable CS1591
    public static bool operator ==(AnsweringMachineStats left, AnsweringMachineStats right) => left.Equals(right);

    public static bool operator !=(AnsweringMachineStats left, AnsweringMachineStats right) => !left.Equals(right);
#pragma warning restore CS1591
}
