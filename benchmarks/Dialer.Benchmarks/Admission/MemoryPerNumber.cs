using System.Globalization;

namespace Dialer.Benchmarks.Admission;

/// <summary>
/// Steady-state memory per tracked number in the in-memory attempt ledger (and the slot store, which holds nothing
/// once calls end): fill the composed suite with N numbers, one attempt each, and divide the retained heap growth by N.
/// The requests are created before the first measurement so only what the suite keeps is counted.
/// </summary>
internal static class MemoryPerNumber
{
    public static int Run(int count)
    {
        using var suite = new SuiteComposition();
        var requests = SuiteComposition.Requests(count, "mem");
        var at = SuiteComposition.Afternoon;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var request in requests)
        {
            var decision = suite.Admission.AdmitAsync(request, at).AsTask().GetAwaiter().GetResult();
            if (!decision.IsAllowed)
            {
                Console.Error.WriteLine("unexpected denial: " + decision);
                return 1;
            }

            suite.SlotGate.RollbackAsync(request).AsTask().GetAwaiter().GetResult();
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(requests);
        var perNumber = (after - before) / (double)count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tracked numbers: {count:N0}; retained by the suite: {(after - before) / 1048576.0:F1} MiB; bytes per tracked number: {perNumber:F0}"));
        return 0;
    }
}
