using System.Diagnostics.CodeAnalysis;

namespace Dialer.Redial;

/// <summary>
/// How many items an <see cref="IRedialQueue"/> holds in each state at an instant. <c>default</c> is an empty queue.
/// </summary>
/// <remarks>
/// <see cref="Scheduled"/> + <see cref="Due"/> + <see cref="Claimed"/> are the live items; a claimed item whose claim has
/// lapsed counts as <see cref="Due"/>.
/// </remarks>
public readonly struct RedialQueueCounts : IEquatable<RedialQueueCounts>
{
    /// <summary>Creates counts.</summary>
    public RedialQueueCounts(long scheduled, long due, long claimed, long completed, long cancelled)
    {
        Scheduled = scheduled;
        Due = due;
        Claimed = claimed;
        Completed = completed;
        Cancelled = cancelled;
    }

    /// <summary>Pending items not yet due.</summary>
    public long Scheduled { get; }

    /// <summary>Items a caller could claim now: pending and due, or claimed with a lapsed claim.</summary>
    public long Due { get; }

    /// <summary>Items held by a claim that has not lapsed.</summary>
    public long Claimed { get; }

    /// <summary>Completed items kept until purged.</summary>
    public long Completed { get; }

    /// <summary>Cancelled items kept until purged.</summary>
    public long Cancelled { get; }

    /// <summary>Live items: <see cref="Scheduled"/> + <see cref="Due"/> + <see cref="Claimed"/>.</summary>
    public long Live => Scheduled + Due + Claimed;

    /// <inheritdoc/>
    public bool Equals(RedialQueueCounts other) =>
        Scheduled == other.Scheduled && Due == other.Due && Claimed == other.Claimed && Completed == other.Completed && Cancelled == other.Cancelled;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is RedialQueueCounts other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scheduled, Due, Claimed, Completed, Cancelled);

    /// <inheritdoc/>
    public override string ToString() => $"scheduled={Scheduled}, due={Due}, claimed={Claimed}, completed={Completed}, cancelled={Cancelled}";

#pragma warning disable CS1591
    public static bool operator ==(RedialQueueCounts left, RedialQueueCounts right) => left.Equals(right);

    public static bool operator !=(RedialQueueCounts left, RedialQueueCounts right) => !left.Equals(right);
#pragma warning restore CS1591
}
