using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The denial codes of Dialer.Protection and the reasons built from them. Every reason has
/// <see cref="DenialCategory.Protection"/>, except a store failure (<see cref="DenialCategory.Store"/>: the ledger
/// could not answer, so the admission fails closed). Reasons are built from static strings and allocate nothing.
/// </summary>
public static class ProtectionReasons
{
    /// <summary>The number (or the number for this lead) was attempted inside the duplicate window.</summary>
    public const string DuplicateWindowCode = "protection.duplicate_window";

    /// <summary>A calendar-day cap is reached.</summary>
    public const string DailyCapCode = "protection.daily_cap";

    /// <summary>A rolling cap ("3 per 24 h") is reached.</summary>
    public const string RollingCapCode = "protection.rolling_cap";

    /// <summary>A final disposition blocks the number or the lead (permanently or until a set time).</summary>
    public const string FinalDispositionCode = "protection.final_disposition";

    /// <summary>A cool-down after an event (transfer, conversation, abandoned call) is running.</summary>
    public const string CooldownCode = "protection.cooldown";

    /// <summary>The number is on the internal do-not-call list.</summary>
    public const string DoNotCallCode = "protection.do_not_call";

    /// <summary>The attempt ledger failed or returned corrupt state; the admission fails closed (<see cref="DenialCategory.Store"/>).</summary>
    public const string StoreFailureCode = "protection.store_failure";

    private const string FinalDispositionMessage = "A final disposition blocks this number or lead.";
    private const string CooldownMessage = "A cool-down after a previous call is running.";
    private const string DoNotCallMessage = "The number is on the internal do-not-call list.";
    private const string StoreFailureMessage = "The attempt ledger could not answer; the admission fails closed.";

    /// <summary>The reason a block of <paramref name="kind"/> gives, clearing at <paramref name="until"/> (null: permanent).</summary>
    public static DenialReason ForBlock(BlockKind kind, Instant? until) => kind switch
    {
        BlockKind.Cooldown => new DenialReason(DenialCategory.Protection, CooldownCode, CooldownMessage, until),
        BlockKind.DoNotCall => new DenialReason(DenialCategory.Protection, DoNotCallCode, DoNotCallMessage, until),
        _ => new DenialReason(DenialCategory.Protection, FinalDispositionCode, FinalDispositionMessage, until),
    };

    /// <summary>The reason a violated <paramref name="limit"/> gives, clearing at <paramref name="clearsAt"/>.</summary>
    public static DenialReason ForLimit(CountLimit limit, Instant clearsAt)
    {
        ArgumentNullException.ThrowIfNull(limit);
        return new DenialReason(DenialCategory.Protection, limit.Code, limit.Message, clearsAt);
    }

    /// <summary>
    /// The reason given when the ledger fails (unreachable, corrupt, newer schema): <see cref="DenialCategory.Store"/>,
    /// clearing at <paramref name="retryAt"/> (when it is worth trying again) or null when unknown.
    /// </summary>
    public static DenialReason StoreFailure(Instant? retryAt) =>
        new(DenialCategory.Store, StoreFailureCode, StoreFailureMessage, retryAt);
}
