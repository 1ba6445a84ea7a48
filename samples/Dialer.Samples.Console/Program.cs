using System.CommandLine;
using Dialer.Samples.Console.Commands;
using Dialer.Samples.Console.Hosting;

namespace Dialer.Samples.Console;

/// <summary>The <c>dialer</c> console host: simulate a campaign end to end, explain any decision, operate the suite.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("dialer — simulate, check and operate outbound-call admission with Dialer.Libraries.");
        root.Options.Add(GlobalOptions.Data);
        root.Options.Add(GlobalOptions.Store);
        root.Options.Add(GlobalOptions.Connection);
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(WindowCommand.Create());
        root.Subcommands.Add(ConfigCommands.Create());
        root.Subcommands.Add(CampaignCommands.Create());
        root.Subcommands.Add(CampaignCommands.CreateCalls());
        root.Subcommands.Add(DncCommands.Create());
        root.Subcommands.Add(BackupCommands.Create());
        root.Subcommands.Add(TransferCommands.CreateExport());
        root.Subcommands.Add(TransferCommands.CreateImport());
        root.Subcommands.Add(StatsCommand.Create());
        root.SetAction(parseResult => root.Parse("--help").Invoke());

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // One clear message naming the argument and value, exit code 2; nothing is opened or changed.
            System.Console.Error.WriteLine($"dialer: {parseResult.Errors[0].Message}");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
        }
        catch (UsageException ex)
        {
            System.Console.Error.WriteLine($"dialer: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            System.Console.Error.WriteLine("dialer: cancelled.");
            return ExitCodes.Error;
        }
#pragma warning disable CA1031 // The host's last resort: one line, exit code 1 (DIALER_DEBUG=1 shows the stack).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            System.Console.Error.WriteLine($"dialer: {ex.GetType().Name}: {ex.Message}");
            if (Environment.GetEnvironmentVariable("DIALER_DEBUG") == "1")
            {
                System.Console.Error.WriteLine(ex);
            }

            return ExitCodes.Error;
        }
    }
}
