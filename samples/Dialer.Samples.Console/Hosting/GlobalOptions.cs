using System.CommandLine;

namespace Dialer.Samples.Console.Hosting;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Data = new("--data")
    {
        Description = "Directory holding dialer.db (SQLite) and dialer.json (configuration); created on first run.",
        DefaultValueFactory = _ => "./data",
        Recursive = true,
    };

    public static readonly Option<string> Store = new("--store")
    {
        Description = "Where state lives: sqlite (dialer.db in --data, the default), postgres (with --connection) or memory (in-process, nothing kept).",
        DefaultValueFactory = _ => "sqlite",
        Recursive = true,
    };

    public static readonly Option<string?> Connection = new("--connection")
    {
        Description = "PostgreSQL connection string, with --store postgres.",
        Recursive = true,
    };

    static GlobalOptions()
    {
        Store.AcceptOnlyFromAmong("sqlite", "postgres", "memory");
    }
}
