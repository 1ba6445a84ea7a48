using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The store port of the answering-machine tracker: per number, machine results in a row and in total, and every
/// outcome recorded (a non-machine result resets "in a row", and the total is the per-number attempt count).
/// Dialer.Redial ships <see cref="InMemoryAnsweringMachineTracker"/>; the persistence packages implement it durably.
/// </summary>
/// <remarks>
/// <para>
/// Every operation is atomic, safe under concurrency across hosts sharing the store, and takes instants explicitly.
/// Recording is idempotent by (number, attempt id): recording an attempt id again changes nothing and returns the
/// number's current stats. Outcomes count in the order they are recorded.
/// </para>
/// <para>
/// SQL sketch: a table of numbers (<c>phone</c> primary key, <c>consecutive_machines</c>, <c>total_machines</c>,
/// <c>total_outcomes</c>, <c>last_outcome_at</c>) and a table of recorded attempts (<c>(phone, attempt_id)</c> primary
/// key, <c>recorded_at</c>); record = insert the attempt with <c>ON CONFLICT DO NOTHING</c> and, only when it was
/// inserted, upsert the counters — one transaction (<c>BEGIN IMMEDIATE</c> on SQLite).
/// </para>
/// </remarks>
public interface IAnsweringMachineTracker
{
    /// <summary>
    /// Records the outcome of attempt <paramref name="attemptId"/> to <paramref name="phone"/>: a machine result
    /// (<paramref name="isMachine"/>) adds one to both machine counts, any other result sets the consecutive count to 0;
    /// either adds one to <see cref="AnsweringMachineStats.TotalOutcomes"/> and sets
    /// <see cref="AnsweringMachineStats.LastOutcomeAt"/> to <paramref name="at"/> (if later than the one recorded).
    /// An attempt id already recorded for the number changes nothing.
    /// </summary>
    /// <returns>The number's stats after the call.</returns>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is default or <paramref name="attemptId"/> is empty.</exception>
    ValueTask<AnsweringMachineStats> RecordAsync(PhoneNumber phone, string attemptId, bool isMachine, Instant at, CancellationToken cancellationToken = default);

    /// <summary>The number's stats; zero counts (with <paramref name="phone"/>) when nothing is recorded.</summary>
    ValueTask<AnsweringMachineStats> GetAsync(PhoneNumber phone, CancellationToken cancellationToken = default);

    /// <summary>Forgets everything recorded for the number (e.g. it changed hands), including its attempt ids.</summary>
    /// <returns><see langword="true"/> when something was forgotten.</returns>
    ValueTask<bool> ResetAsync(PhoneNumber phone, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets every number whose last outcome is before <paramref name="olderThan"/> (with its attempt ids).
    /// </summary>
    /// <returns>How many numbers were forgotten.</returns>
    ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default);
}
