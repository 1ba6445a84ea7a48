using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// Instants as a <see cref="long"/> count of nanoseconds since the Unix epoch: how <see cref="InMemoryAttemptLedger"/>
/// stores and compares recorded instants (one integer comparison instead of NodaTime's two-part one). Exact to the
/// nanosecond for instants strictly between <see cref="Min"/> and <see cref="Max"/> (1677-09-21 to 2262-04-11).
/// </summary>
internal static class UnixNanoseconds
{
    private static readonly Instant Epoch = NodaConstants.UnixEpoch;

    /// <summary>The earliest instant the ledger stores (one nanosecond after <c>long.MinValue</c> nanoseconds).</summary>
    public static readonly Instant Min = Epoch.PlusNanoseconds(long.MinValue + 1);

    /// <summary>The latest instant the ledger stores (one nanosecond before <c>long.MaxValue</c> nanoseconds).</summary>
    public static readonly Instant Max = Epoch.PlusNanoseconds(long.MaxValue - 1);

    /// <summary>Whether <paramref name="at"/> can be stored.</summary>
    public static bool InRange(Instant at) => at >= Min && at <= Max;

    /// <summary>The nanoseconds of an instant in range (<see cref="InRange"/>).</summary>
    public static long From(Instant at) => (at - Epoch).ToInt64Nanoseconds();

    /// <summary>
    /// The nanoseconds of any instant, saturated to <c>long.MinValue</c>/<c>long.MaxValue</c> outside the range — which
    /// no stored value equals, so comparisons against stored values keep their meaning (for cutoffs and queries).
    /// </summary>
    public static long Clamp(Instant at) => at < Min ? long.MinValue : at > Max ? long.MaxValue : From(at);

    /// <summary>The instant of a stored value.</summary>
    public static Instant ToInstant(long nanoseconds) => Epoch.PlusNanoseconds(nanoseconds);

    /// <summary>The nanoseconds of a non-negative duration, saturated to <c>long.MaxValue</c>.</summary>
    public static long Of(Duration span) =>
        span >= Duration.FromNanoseconds(long.MaxValue) ? long.MaxValue : span.ToInt64Nanoseconds();

    /// <summary><paramref name="at"/> − <paramref name="span"/> (span ≥ 0), saturated to <c>long.MinValue</c>.</summary>
    public static long Minus(long at, long span)
    {
        var result = at - span;
        return result > at ? long.MinValue : result;
    }
}
