using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// Validated options turned into what the gate and the outcome handler use: the <see cref="ProtectionRules"/> (limits
/// as data), the resolved zones, and the disposition policy. Built once; immutable.
/// </summary>
internal sealed class ProtectionSettings
{
    private readonly Dictionary<string, ResolvedRule> _byCode;
    private readonly ResolvedRule _final;
    private readonly ResolvedRule _conversation;

    public ProtectionSettings(ProtectionOptions options, IDateTimeZoneProvider zones)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zones);
        ProtectionOptionsValidator.ThrowIfInvalid(options, zones);
        Enabled = options.Enabled;
        FallbackZone = zones[options.FallbackZoneId];
        StoreRetryDelay = Duration.FromTimeSpan(options.StoreRetryDelay);
        Rules = BuildRules(options, zones);

        var scope = options.BlockScope;
        var forGood = new ResolvedRule(DispositionAction.Block, BlockTarget.Number, null, scope);
        var none = new ResolvedRule(DispositionAction.None, BlockTarget.Number, null, scope);
        ResolvedRule Cooldown(TimeSpan d) => d > TimeSpan.Zero ? new(DispositionAction.Cooldown, BlockTarget.Number, Duration.FromTimeSpan(d), scope) : none;

        _final = forGood;
        _conversation = Cooldown(options.ConversationCooldown);
        _byCode = new Dictionary<string, ResolvedRule>(StringComparer.OrdinalIgnoreCase)
        {
            [Disposition.Sold.Code] = options.BlockOnSold ? forGood : none,
            [Disposition.NotInterested.Code] = options.BlockOnNotInterested ? forGood : none,
            [Disposition.Transferred.Code] = options.BlockOnTransferred ? forGood : Cooldown(options.TransferCooldown),
            [Disposition.DoNotCallRequest.Code] = new(DispositionAction.DoNotCall, BlockTarget.Number, null, scope),
            [Disposition.WrongNumber.Code] = forGood,
            [Disposition.Conversation.Code] = _conversation,
            [Disposition.CallbackRequested.Code] = none,
            [Disposition.Abandoned.Code] = Cooldown(options.AbandonedCooldown),
            [Disposition.AnsweringMachine.Code] = options.AllowVoicemailRetry ? none : forGood,
            [Disposition.NoAnswer.Code] = options.AllowNoAnswerRetry ? none : forGood,
            [Disposition.Busy.Code] = none,
            [Disposition.Failed.Code] = none,
            [Disposition.UnknownOutcome.Code] = none,
        };

        foreach (var (code, rule) in options.Dispositions)
        {
            _byCode[code] = new ResolvedRule(rule.Action, rule.Target, rule.Duration is { } d ? Duration.FromTimeSpan(d) : null, rule.Scope ?? scope);
        }
    }

    public bool Enabled { get; }

    public ProtectionRules Rules { get; }

    public DateTimeZone FallbackZone { get; }

    public Duration StoreRetryDelay { get; }

    /// <summary>What an outcome with <paramref name="disposition"/> does.</summary>
    public ResolvedRule RuleFor(Disposition disposition)
    {
        if (_byCode.TryGetValue(disposition.Code, out var rule))
        {
            return rule;
        }

        return disposition.Category switch
        {
            DispositionCategory.Final => _final,
            DispositionCategory.Conversation => _conversation,
            _ => new ResolvedRule(DispositionAction.None, BlockTarget.Number, null, LimitScope.Global),
        };
    }

    /// <summary>The blocks an outcome creates (none, or one).</summary>
    public IReadOnlyList<ProtectionBlock> BlocksFor(CallOutcome outcome)
    {
        var rule = RuleFor(outcome.Disposition);
        if (rule.Action == DispositionAction.None)
        {
            return [];
        }

        var request = outcome.Request;
        var until = rule.Duration is { } d ? outcome.OccurredAt + d : (Instant?)null;
        var scopeId = rule.Scope switch
        {
            LimitScope.Client => request.ClientId,
            LimitScope.Campaign => request.CampaignId,
            _ => null,
        };
        if (rule.Action == DispositionAction.DoNotCall)
        {
            return [ProtectionBlock.DoNotCall(request.Phone, "callee asked not to be called (" + outcome.Disposition.Code + ")", outcome.OccurredAt, until, rule.Scope, scopeId, request.CallId)];
        }

        var kind = rule.Action == DispositionAction.Cooldown ? BlockKind.Cooldown : BlockKind.FinalDisposition;
        return
        [
            new ProtectionBlock(
                ProtectionBlock.ForOutcomeId(request.CallId, kind, rule.Target),
                kind,
                rule.Target,
                request.Phone,
                rule.Target == BlockTarget.Lead ? request.LeadId : null,
                rule.Scope,
                scopeId,
                outcome.OccurredAt,
                until,
                outcome.Disposition.Code,
                request.CallId),
        ];
    }

    private static ProtectionRules BuildRules(ProtectionOptions o, IDateTimeZoneProvider zones)
    {
        var limits = new List<CountLimit>();
        if (o.DuplicateWindow > TimeSpan.Zero)
        {
            limits.Add(CountLimit.DuplicateWindow(Duration.FromTimeSpan(o.DuplicateWindow), o.AllowDifferentLeadIds));
        }

        if (o.MaxDailyAttemptsPerNumber > 0)
        {
            limits.Add(CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, o.MaxDailyAttemptsPerNumber, o.DailyCapZoneId is { } z ? zones[z] : null));
        }

        foreach (var cap in o.DailyCaps)
        {
            limits.Add(CountLimit.CalendarDay(cap.Key, cap.Scope, cap.MaxAttempts, cap.ZoneId is { } z ? zones[z] : null));
        }

        foreach (var cap in o.RollingCaps)
        {
            limits.Add(CountLimit.Rolling(cap.Key, cap.Scope, Duration.FromTimeSpan(cap.Window), cap.MaxAttempts));
        }

        return new ProtectionRules(limits);
    }

    internal readonly record struct ResolvedRule(DispositionAction Action, BlockTarget Target, Duration? Duration, LimitScope Scope);
}
