namespace Dialer.Reliability.Host;

/// <summary>Entry point of the reliability host; the families are added by the reliability suite.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Console.Error.WriteLine("usage: Dialer.Reliability.Host <family> [options]");
        return 2;
    }
}
