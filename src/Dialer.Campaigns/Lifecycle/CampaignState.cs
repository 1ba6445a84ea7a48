namespace Dialer.Campaigns;

/// <summary>Where a campaign is in its life: Draft → Running ⇄ Paused → Completed | Cancelled | Failed.</summary>
public enum CampaignState
{
    /// <summary>Created, not started.</summary>
    Draft = 0,

    /// <summary>Leads are being dialed by the owning runner.</summary>
    Running = 1,

    /// <summary>Dialing is suspended between leads; resume continues at the checkpoint.</summary>
    Paused = 2,

    /// <summary>Every lead was processed (terminal).</summary>
    Completed = 3,

    /// <summary>Stopped by an operator (terminal).</summary>
    Cancelled = 4,

    /// <summary>Stopped by an error, e.g. the placement error budget was exhausted (terminal; see <see cref="CampaignSnapshot.Error"/>).</summary>
    Failed = 5,
}

/// <summary>A lifecycle command; see <see cref="CampaignLifecycle"/> for the transition table.</summary>
public enum CampaignCommand
{
    /// <summary>Draft → Running.</summary>
    Start = 0,

    /// <summary>Running → Paused.</summary>
    Pause = 1,

    /// <summary>Paused → Running.</summary>
    Resume = 2,

    /// <summary>Running → Completed.</summary>
    Complete = 3,

    /// <summary>Draft, Running or Paused → Cancelled.</summary>
    Cancel = 4,

    /// <summary>Running or Paused → Failed (with an error).</summary>
    Fail = 5,
}

/// <summary>Why a store refused a campaign operation. Every refusal is a result, never an exception.</summary>
public enum CampaignRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>No campaign has the id.</summary>
    NotFound = 1,

    /// <summary>A campaign with the id already exists (create).</summary>
    AlreadyExists = 2,

    /// <summary>The campaign already is in the command's target state (e.g. pausing a paused campaign).</summary>
    AlreadyInState = 3,

    /// <summary>The command is not allowed from the campaign's state (e.g. pause from Draft, resume from Running is <see cref="AlreadyInState"/>).</summary>
    NotAllowedFromState = 4,

    /// <summary>The campaign has finished (Completed, Cancelled or Failed); nothing changes it any more.</summary>
    Terminal = 5,

    /// <summary>Compare-and-set lost: the campaign's state is not the expected one (someone else changed it).</summary>
    StateChanged = 6,

    /// <summary>Fencing: the caller's epoch is not the current one (another runner took the campaign over).</summary>
    StaleEpoch = 7,

    /// <summary>Claim refused: the campaign is not Running.</summary>
    NotRunning = 8,

    /// <summary>Claim refused: another owner holds the campaign and its heartbeat is fresh.</summary>
    OwnerAlive = 9,
}
