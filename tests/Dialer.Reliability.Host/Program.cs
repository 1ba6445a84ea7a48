namespace Dialer.Reliability.Host;

/// <summary>
/// Entry point of the reliability host: one process of a multi-process reliability run. The suite launches several
/// at once (race, skew) or kills one again and again (crash); each appends what it actually did to its own log file,
/// written only after the store call returned, and a checker in the suite reads the logs.
/// </summary>
public static class Program
{
    /// <summary>Runs one mode: <c>race</c> or <c>crash</c> (see <see cref="HostArgs"/> for the options).</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: Dialer.Reliability.Host race|crash|slots|campaign|restore --store sqlite|postgres --target PATH|CONNSTR --log FILE [options]");
            return 2;
        }

        HostArgs options;
        try
        {
            options = HostArgs.Parse(args.AsSpan(1));
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("reliability host: " + ex.Message);
            return 2;
        }

        return args[0] switch
        {
            "race" => await RaceMode.RunAsync(options),
            "crash" => await CrashMode.RunAsync(options),
            "slots" => await SlotsMode.RunAsync(options),
            "campaign" => await CampaignMode.RunAsync(options),
            "restore" => await RestoreMode.RunAsync(options),
            _ => Unknown(args[0]),
        };
    }

    private static int Unknown(string mode)
    {
        Console.Error.WriteLine($"reliability host: unknown mode '{mode}' (race, crash, slots, campaign, restore).");
        return 2;
    }
}
