using Dialer.Core;
using NodaTime;

namespace Dialer.Scheduling;

/// <summary>
/// The full calling-window API of Dialer.Scheduling: evaluation with every reason, next open instant and open
/// intervals, for requests or explicit locations. Extends Core's <see cref="ICallingWindow"/>.
/// </summary>
/// <remarks>
/// Layers: the business schedule (campaign's, else client's, else the default; waived for callbacks when enabled),
/// the callee-local legal hours and the jurisdiction rules of the callee's regions, each in every candidate zone
/// (intersection). DST: a range edge in a skipped hour moves forward to the first instant after the gap; an edge in a
/// repeated hour takes the earlier occurrence. Ranges are half-open. Thread-safe.
/// </remarks>
public interface ICallingWindowEvaluator : ICallingWindow
{
    /// <summary>How far ahead a next-open search looks.</summary>
    Duration Horizon { get; }

    /// <summary>Evaluates the window for <paramref name="request"/> at <paramref name="at"/>.</summary>
    CallingWindowEvaluation Evaluate(DialRequest request, Instant at);

    /// <summary>Evaluates the window for an explicit location at <paramref name="at"/>.</summary>
    CallingWindowEvaluation Evaluate(CallingWindowQuery query, Instant at);

    /// <summary>The earliest open instant ≥ <paramref name="from"/> within the horizon, or null.</summary>
    Instant? NextOpen(CallingWindowQuery query, Instant from);

    /// <summary>The open intervals (half-open, merged, in order) inside <c>[from, to)</c>.</summary>
    IReadOnlyList<Interval> OpenIntervals(DialRequest request, Instant from, Instant to);

    /// <summary>The open intervals (half-open, merged, in order) inside <c>[from, to)</c> for an explicit location.</summary>
    IReadOnlyList<Interval> OpenIntervals(CallingWindowQuery query, Instant from, Instant to);
}
