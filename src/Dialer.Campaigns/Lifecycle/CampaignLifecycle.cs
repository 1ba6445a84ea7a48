namespace Dialer.Campaigns;

/// <summary>
/// The campaign transition table, shared by every <see cref="ICampaignStore"/> so that all of them refuse the same
/// commands for the same reasons:
/// <list type="table">
/// <listheader><term>Command</term><description>Allowed from → to</description></listheader>
/// <item><term>Start</term><description>Draft → Running</description></item>
/// <item><term>Pause</term><description>Running → Paused</description></item>
/// <item><term>Resume</term><description>Paused → Running</description></item>
/// <item><term>Complete</term><description>Running → Completed</description></item>
/// <item><term>Cancel</term><description>Draft, Running, Paused → Cancelled</description></item>
/// <item><term>Fail</term><description>Running, Paused → Failed</description></item>
/// </list>
/// From a state not listed the command is refused with <see cref="CampaignRefusal.AlreadyInState"/> (the state is the
/// target), <see cref="CampaignRefusal.Terminal"/> (the campaign has finished) or
/// <see cref="CampaignRefusal.NotAllowedFromState"/>.
/// </summary>
public static class CampaignLifecycle
{
    /// <summary>The state <paramref name="command"/> leads to.</summary>
    public static CampaignState TargetOf(CampaignCommand command) => command switch
    {
        CampaignCommand.Start => CampaignState.Running,
        CampaignCommand.Pause => CampaignState.Paused,
        CampaignCommand.Resume => CampaignState.Running,
        CampaignCommand.Complete => CampaignState.Completed,
        CampaignCommand.Cancel => CampaignState.Cancelled,
        CampaignCommand.Fail => CampaignState.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not a defined CampaignCommand."),
    };

    /// <summary>Whether <paramref name="state"/> is Completed, Cancelled or Failed.</summary>
    public static bool IsTerminal(CampaignState state) =>
        state is CampaignState.Completed or CampaignState.Cancelled or CampaignState.Failed;

    /// <summary>
    /// Evaluates <paramref name="command"/> from <paramref name="from"/>: <see cref="CampaignRefusal.None"/> and the
    /// target state when allowed, otherwise why not.
    /// </summary>
    public static CampaignRefusal Evaluate(CampaignState from, CampaignCommand command, out CampaignState to)
    {
        to = TargetOf(command);
        var allowed = command switch
        {
            CampaignCommand.Start => from == CampaignState.Draft,
            CampaignCommand.Pause => from == CampaignState.Running,
            CampaignCommand.Resume => from == CampaignState.Paused,
            CampaignCommand.Complete => from == CampaignState.Running,
            CampaignCommand.Cancel => from is CampaignState.Draft or CampaignState.Running or CampaignState.Paused,
            CampaignCommand.Fail => from is CampaignState.Running or CampaignState.Paused,
            _ => false,
        };
        if (allowed)
        {
            return CampaignRefusal.None;
        }

        if (from == to)
        {
            return CampaignRefusal.AlreadyInState;
        }

        return IsTerminal(from) ? CampaignRefusal.Terminal : CampaignRefusal.NotAllowedFromState;
    }

    /// <summary>A fixed, human-readable explanation of a refusal.</summary>
    public static string Describe(CampaignRefusal refusal) => refusal switch
    {
        CampaignRefusal.None => "Not refused.",
        CampaignRefusal.NotFound => "No campaign has this id.",
        CampaignRefusal.AlreadyExists => "A campaign with this id already exists.",
        CampaignRefusal.AlreadyInState => "The campaign already is in the target state.",
        CampaignRefusal.NotAllowedFromState => "The command is not allowed from the campaign's current state.",
        CampaignRefusal.Terminal => "The campaign has finished (completed, cancelled or failed).",
        CampaignRefusal.StateChanged => "The campaign's state changed since it was read (compare-and-set lost).",
        CampaignRefusal.StaleEpoch => "The caller's ownership epoch is stale: another runner owns the campaign now.",
        CampaignRefusal.NotRunning => "The campaign is not running, so it cannot be claimed.",
        CampaignRefusal.OwnerAlive => "Another runner owns the campaign and its heartbeat is fresh.",
        _ => "Unknown refusal.",
    };
}
