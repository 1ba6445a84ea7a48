namespace Dialer.Protection;

/// <summary>Which attempts a <see cref="CountLimit"/> counts together: those to the same number, lead or subject.</summary>
public enum AttemptKeyKind
{
    /// <summary>Attempts to the same phone number (whatever the lead).</summary>
    Number = 0,

    /// <summary>Attempts to the same phone number for the same lead (the duplicate window when different lead ids are allowed).</summary>
    NumberAndLead = 1,

    /// <summary>Attempts for the same lead id (whatever the number).</summary>
    Lead = 2,

    /// <summary>
    /// Attempts carrying the same <see cref="Core.DialRequest.SubjectKey"/> (e.g. a debt or account id), whatever the
    /// number or lead. A request without a subject key is not limited by a subject-keyed limit.
    /// </summary>
    Subject = 3,
}

/// <summary>Which attempts with the same key a limit or block applies across.</summary>
public enum LimitScope
{
    /// <summary>Every client and campaign.</summary>
    Global = 0,

    /// <summary>Only attempts (or requests) of the same client (<see cref="Core.DialRequest.ClientId"/>).</summary>
    Client = 1,

    /// <summary>Only attempts (or requests) of the same campaign (<see cref="Core.DialRequest.CampaignId"/>).</summary>
    Campaign = 2,
}

/// <summary>How a <see cref="CountLimit"/> measures time.</summary>
public enum CountWindowKind
{
    /// <summary>
    /// A rolling window: attempts recorded in the half-open interval <c>(now - window, now]</c> count. A violated limit
    /// clears when the M-th most recent counted attempt leaves the window: at its instant + window.
    /// </summary>
    Rolling = 0,

    /// <summary>
    /// A calendar day in a named zone: attempts recorded in <c>[start of today, start of tomorrow)</c> (local days of the
    /// zone) count. A violated limit clears at the start of the next local day (the zone's next midnight, or the first
    /// instant of the day when midnight is skipped by a DST change).
    /// </summary>
    CalendarDay = 1,
}

/// <summary>What kind of block a <see cref="ProtectionBlock"/> is; decides its denial code.</summary>
public enum BlockKind
{
    /// <summary>A final disposition (sold, not interested, wrong number, …): <c>protection.final_disposition</c>.</summary>
    FinalDisposition = 0,

    /// <summary>A cool-down after an event (transfer, conversation, abandoned call): <c>protection.cooldown</c>.</summary>
    Cooldown = 1,

    /// <summary>An internal do-not-call entry: <c>protection.do_not_call</c>.</summary>
    DoNotCall = 2,
}

/// <summary>What a <see cref="ProtectionBlock"/> blocks.</summary>
public enum BlockTarget
{
    /// <summary>Every request to the block's phone number.</summary>
    Number = 0,

    /// <summary>Every request for the block's lead id, whatever the number.</summary>
    Lead = 1,
}

/// <summary>What <see cref="IAttemptLedger.TryRecordAttemptAsync"/> or <see cref="IAttemptLedger.EvaluateAsync"/> answered.</summary>
public enum LedgerStatus
{
    /// <summary>Denied: nothing was recorded. <see cref="LedgerResult.Reasons"/> lists every violated limit and block.</summary>
    Denied = 0,

    /// <summary>Allowed and recorded now (check-and-record only).</summary>
    Recorded = 1,

    /// <summary>An attempt with this id was already recorded; its original result is returned and nothing changed.</summary>
    AlreadyRecorded = 2,

    /// <summary>Allowed; nothing was recorded (evaluation only).</summary>
    Allowed = 3,
}

/// <summary>What <see cref="IAttemptLedger.RecordOutcomeAsync"/> did.</summary>
public enum OutcomeRecordStatus
{
    /// <summary>The attempt had no outcome; the outcome and the blocks were stored.</summary>
    Recorded = 0,

    /// <summary>
    /// The attempt's outcome was unknown (<see cref="Core.DispositionCategory.Unknown"/>) and a known outcome replaced it;
    /// the blocks were stored.
    /// </summary>
    Updated = 1,

    /// <summary>The attempt already had an outcome (the same one, or a known one); nothing changed and no block was stored.</summary>
    Unchanged = 2,

    /// <summary>
    /// No attempt with this id was recorded (never admitted through the ledger, voided, or already purged). The call
    /// happened, so it was stored as an attempt recorded at the outcome's instant, with the outcome and the blocks.
    /// </summary>
    RecordedAsNewAttempt = 3,
}
