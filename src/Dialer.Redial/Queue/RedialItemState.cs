namespace Dialer.Redial;

/// <summary>The state of a lead's item in an <see cref="IRedialQueue"/>.</summary>
/// <remarks>Stores persist the numeric value; the values never change meaning.</remarks>
public enum RedialItemState
{
    /// <summary>Waiting to come due (or due and not yet claimed).</summary>
    Pending = 0,

    /// <summary>Claimed by one caller until <see cref="RedialItem.ClaimExpiresAt"/>; after that it is claimable again.</summary>
    Claimed = 1,

    /// <summary>Done: the call was placed or the item is no longer wanted. Kept (until purged) so a retried enqueue of the same call id stays a no-op.</summary>
    Completed = 2,

    /// <summary>Cancelled (by lead) before it was completed. Kept (until purged) so a retried enqueue of the same call id stays a no-op.</summary>
    Cancelled = 3,
}
