using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The attempt ledger: the store port behind protection and the admission's commit point. The in-memory
/// <see cref="InMemoryAttemptLedger"/> is registered by default; the SQLite and PostgreSQL providers replace it.
/// </summary>
/// <remarks>
/// <para><b>Atomic check-and-record.</b> <see cref="TryRecordAttemptAsync"/> is one indivisible operation: under any
/// interleaving of threads, processes and hosts sharing the store, no two recorded attempts violate a limit of the
/// rules they were recorded under. The store evaluates <see cref="ProtectionRules"/> itself (never "read, decide in C#,
/// then write"): one SQLite transaction (<c>BEGIN IMMEDIATE</c>), one PostgreSQL round trip (one statement or a PL/pgSQL
/// function, serialised per key with advisory locks taken in a fixed order), or locks taken in a fixed order in
/// memory. The check is atomic over <b>every key it reads</b> — the number, the lead and the subject key — since a
/// cap keyed by lead or subject spans several numbers.</para>
/// <para><b>Evaluation</b> (what every implementation computes; <see cref="ProtectionDecider"/> is the reference):
/// with <c>now</c> the instant evaluated at, every <see cref="CountLimit"/> whose key applies (a subject-keyed limit
/// does not apply to a request without a subject key) counts the recorded, non-voided attempts that share the key
/// (number; number and lead; lead; or subject) and the scope (any; same client; same campaign) and fall in the window.
/// If the count is at least <see cref="CountLimit.MaxCount"/> the limit is violated and clears at: rolling — the
/// <c>MaxCount</c>-th most recent counted attempt's instant + window; calendar day — the start of the next local day of
/// the limit's zone (<see cref="CountLimit.Zone"/>, else <see cref="AttemptContext.CalleeZone"/>). Every block that
/// applies (<see cref="ProtectionBlock.AppliesTo"/>) is violated and clears at its <see cref="ProtectionBlock.Until"/>
/// (null: permanent). Reasons are reported limits first (in rule order), then blocks; use
/// <see cref="ProtectionReasons.ForLimit"/> and <see cref="ProtectionReasons.ForBlock"/> to build them.</para>
/// <para><b>Clock.</b> The in-memory ledger evaluates at <see cref="AttemptContext.At"/>. A store may use its own clock
/// as "now" (PostgreSQL uses the database clock so a skewed host cannot double dial); it reports the instant it used in
/// <see cref="LedgerResult.EvaluatedAt"/> and <see cref="LedgerResult.RecordedAt"/>.</para>
/// <para><b>Idempotency.</b> The attempt id is <see cref="DialRequest.CallId"/>. Recording an id that is recorded (and
/// not voided) returns <see cref="LedgerStatus.AlreadyRecorded"/> with the original instant and evaluates nothing.
/// Outcomes are recorded once per id. An attempt without an outcome, or with an unknown one, counts like any other.</para>
/// <para><b>Failure.</b> A store that cannot answer throws; the gate turns that into a denial with
/// <see cref="DenialCategory.Store"/> (fail closed). "Not allowed" is never an exception.</para>
/// <para>Implementations are thread-safe.</para>
/// </remarks>
public interface IAttemptLedger
{
    /// <summary>
    /// Atomically evaluates <paramref name="rules"/> and every applicable block for <paramref name="attempt"/> and, if
    /// nothing is violated, records the attempt. Returns <see cref="LedgerStatus.Recorded"/> with the recorded instant,
    /// <see cref="LedgerStatus.AlreadyRecorded"/> with the original instant, or <see cref="LedgerStatus.Denied"/> with
    /// every reason (and nothing recorded).
    /// </summary>
    ValueTask<LedgerResult> TryRecordAttemptAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default);

    /// <summary>
    /// Evaluates like <see cref="TryRecordAttemptAsync"/> without recording: <see cref="LedgerStatus.Allowed"/>,
    /// <see cref="LedgerStatus.AlreadyRecorded"/> or <see cref="LedgerStatus.Denied"/>.
    /// </summary>
    ValueTask<LedgerResult> EvaluateAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default);

    /// <summary>
    /// Voids (removes) the attempt recorded under <paramref name="request"/>'s call id, as if it had never been
    /// recorded, so a later record of the same id is evaluated afresh. Used to roll back an admission a later gate
    /// denied. An attempt that already has an outcome (the call happened) is not voided. Idempotent.
    /// </summary>
    /// <returns>Whether an attempt was voided.</returns>
    ValueTask<bool> VoidAttemptAsync(DialRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="outcome"/> for the attempt <see cref="CallOutcome.AttemptId"/> and stores
    /// <paramref name="blocks"/> (replacing blocks with the same id), atomically and idempotently: a first outcome is
    /// stored (<see cref="OutcomeRecordStatus.Recorded"/>); a known outcome replaces an unknown one
    /// (<see cref="OutcomeRecordStatus.Updated"/>); otherwise nothing changes (<see cref="OutcomeRecordStatus.Unchanged"/>,
    /// and the blocks are not stored). An outcome for an id the ledger does not hold is stored as an attempt of
    /// <see cref="CallOutcome.Request"/> recorded at <see cref="CallOutcome.OccurredAt"/>
    /// (<see cref="OutcomeRecordStatus.RecordedAsNewAttempt"/>): the call happened, so it counts.
    /// </summary>
    ValueTask<OutcomeRecordStatus> RecordOutcomeAsync(CallOutcome outcome, IReadOnlyList<ProtectionBlock> blocks, CancellationToken cancellationToken = default);

    /// <summary>The attempt recorded under <paramref name="attemptId"/>, or null if none is (never recorded, voided or purged).</summary>
    ValueTask<AttemptEntry?> GetAttemptAsync(string attemptId, CancellationToken cancellationToken = default);

    /// <summary>The attempts to <paramref name="phone"/> recorded at or after <paramref name="since"/>, oldest first (ties by attempt id).</summary>
    ValueTask<IReadOnlyList<AttemptEntry>> GetHistoryAsync(PhoneNumber phone, Instant since, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored blocks (active or expired but not yet purged) that target <paramref name="phone"/> or, when
    /// <paramref name="leadId"/> is given, that lead; ordered by creation instant, then id.
    /// </summary>
    ValueTask<IReadOnlyList<ProtectionBlock>> GetBlocksAsync(PhoneNumber phone, string? leadId = null, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="block"/>, replacing the block with the same id if there is one (e.g. adds a do-not-call entry).</summary>
    ValueTask UpsertBlockAsync(ProtectionBlock block, CancellationToken cancellationToken = default);

    /// <summary>Removes the block with <paramref name="blockId"/> (e.g. a do-not-call entry). Idempotent.</summary>
    /// <returns>Whether a block was removed.</returns>
    ValueTask<bool> RemoveBlockAsync(string blockId, CancellationToken cancellationToken = default);

    /// <summary>Every stored block of <paramref name="kind"/> (e.g. the do-not-call list), ordered by creation instant, then id.</summary>
    ValueTask<IReadOnlyList<ProtectionBlock>> ListBlocksAsync(BlockKind kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes attempts recorded before <paramref name="olderThan"/> and blocks that cleared before it (permanent blocks
    /// are never purged). Callers pass <c>now - rules.Horizon</c> or earlier so no decision changes.
    /// </summary>
    /// <returns>How many attempts and blocks were deleted.</returns>
    ValueTask<int> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default);
}
