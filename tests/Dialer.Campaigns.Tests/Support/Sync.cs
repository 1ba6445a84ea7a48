namespace Dialer.Campaigns.Tests.Support;

/// <summary>Reads results of in-memory operations, which complete synchronously (asserted).</summary>
internal static class Sync
{
    public static T Run<T>(ValueTask<T> pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("Expected a synchronously completed operation.");
        }

        return pending.Result;
    }

    public static void Run(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("Expected a synchronously completed operation.");
        }

        pending.GetAwaiter().GetResult();
    }
}
