namespace Dialer.Redial;

/// <summary>
/// Overrides of the redial policy for one disposition code (<see cref="RedialOptions.Dispositions"/>). Every
/// property left unset (null or empty) falls back to <see cref="RedialOptions"/> and the disposition's category.
/// </summary>
public sealed class RedialRuleOptions
{
    /// <summary>What to do after this disposition. An unknown outcome is never redialed, whatever this says.</summary>
    /// <value>Null: by category — Retryable: <see cref="RedialAction.Redial"/>; Conversation and Unknown: <see cref="RedialAction.Stop"/>; Final: <see cref="RedialAction.Terminal"/>.</value>
    public RedialAction? Action { get; set; }

    /// <summary>The delay sequence: after attempt n the next is due <c>Delays[n-1]</c> later (the last entry repeats).</summary>
    /// <value>Empty: <see cref="RedialOptions.Delays"/> applies.</value>
    public List<TimeSpan> Delays { get; set; } = [];

    /// <summary>The most attempts for a lead after this disposition (the attempt just made included).</summary>
    /// <value>Null: <see cref="RedialOptions.MaxAttemptsPerLead"/>.</value>
    public int? MaxAttemptsPerLead { get; set; }

    /// <summary>The most recorded outcomes for a number after this disposition.</summary>
    /// <value>Null: <see cref="RedialOptions.MaxAttemptsPerNumber"/>.</value>
    public int? MaxAttemptsPerNumber { get; set; }

    /// <summary>The largest random delay added to this disposition's delays.</summary>
    /// <value>Null: <see cref="RedialOptions.MaxJitter"/>.</value>
    public TimeSpan? MaxJitter { get; set; }

    /// <summary>Whether attempts after this disposition move to the next daypart.</summary>
    /// <value>Null: <see cref="RedialOptions.RotateDayparts"/>.</value>
    public bool? RotateDayparts { get; set; }
}
