namespace Dialer.Core;

/// <summary>What kind of outcome a disposition is; packages decide what to do by category unless configured per code.</summary>
public enum DispositionCategory
{
    /// <summary>The outcome is not known (provider timeout, lost webhook). Counts as an attempt; never treated as "not called".</summary>
    Unknown = 0,

    /// <summary>The callee was not reached and another attempt may follow (no answer, busy, machine, failed).</summary>
    Retryable = 1,

    /// <summary>A person was reached (conversation, transfer, callback request); cool-downs usually apply.</summary>
    Conversation = 2,

    /// <summary>The outcome ends calling this number or lead (sold, not interested, do-not-call request, wrong number).</summary>
    Final = 3,
}
