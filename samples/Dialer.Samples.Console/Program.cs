using System.CommandLine;

namespace Dialer.Samples.Console;

/// <summary>The <c>dialer</c> console host. Commands are added as the packages land.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("dialer — simulate, check and operate outbound-call admission with Dialer.Libraries.");
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "Directory holding dialer.db and dialer.json.",
            DefaultValueFactory = _ => new DirectoryInfo("./data"),
            Recursive = true,
        };
        root.Options.Add(data);
        root.SetAction(parseResult =>
        {
            // No command given: show help, as `dialer --help` would.
            return root.Parse("--help").Invoke();
        });
        return root.Parse(args).Invoke();
    }
}
