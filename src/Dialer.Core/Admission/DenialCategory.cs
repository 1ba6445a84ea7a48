namespace Dialer.Core;

/// <summary>Which layer a denial reason comes from. Lets a consumer act on a kind of denial without knowing every code.</summary>
public enum DenialCategory
{
    /// <summary>A reason that fits no other category.</summary>
    Other = 0,

    /// <summary>Calling is closed at this instant (business hours, legal hours, jurisdiction, blackout).</summary>
    CallingWindow = 1,

    /// <summary>No concurrency slot is free.</summary>
    Concurrency = 2,

    /// <summary>Attempt history forbids the call (duplicate window, caps, dispositions, cool-downs, do-not-call).</summary>
    Protection = 3,

    /// <summary>The store cannot answer safely (unreachable, corrupt or newer schema): the admission fails closed.</summary>
    Store = 4,
}
