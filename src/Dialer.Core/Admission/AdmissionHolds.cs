namespace Dialer.Core;

/// <summary>What an allowed admission holds on the host's behalf until the call's outcome is reported.</summary>
[Flags]
public enum AdmissionHolds
{
    /// <summary>Nothing is held.</summary>
    None = 0,

    /// <summary>An attempt is recorded in the attempt ledger under the request's call id.</summary>
    Attempt = 1,

    /// <summary>A concurrency slot lease is held under the request's call id; release it by reporting the outcome.</summary>
    SlotLease = 2,
}
