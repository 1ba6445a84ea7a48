namespace Dialer.Core;

/// <summary>
/// Conventional <see cref="AdmissionGate.Order"/> values: gates run cheapest first, and the commit point (the
/// attempt ledger's atomic check-and-record) runs last so a denial before it leaves no trace.
/// </summary>
public static class AdmissionGateOrder
{
    /// <summary>Pure checks: calling windows (no state, no I/O).</summary>
    public const int CallingWindow = 100;

    /// <summary>Reversible holds: concurrency slot leases.</summary>
    public const int Concurrency = 200;

    /// <summary>The commit point: atomic check-and-record of the attempt.</summary>
    public const int Protection = 300;
}
