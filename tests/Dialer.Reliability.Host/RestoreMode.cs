using Dialer.Persistence.Sqlite;

namespace Dialer.Reliability.Host;

/// <summary>
/// Backup/restore: restores <c>--backup</c> over the SQLite file <c>--target</c> with <see cref="SqliteBackup.Restore"/>
/// once the suite writes a line to standard input (after <c>ready</c>, so the suite can time a <c>kill -9</c> from the
/// start of the restore rather than from the runtime's start-up). Prints <c>restored</c> when done.
/// </summary>
public static class RestoreMode
{
    /// <summary>Restores and returns 0 (normally killed before).</summary>
    public static int Run(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // Warm up the code paths (verify reads the manifest and hashes the file) so the kill window is the restore itself.
        SqliteBackup.Verify(args.Backup);
        Console.WriteLine("ready");
        _ = Console.ReadLine();
        SqliteBackup.Restore(args.Backup, args.Target);
        Console.WriteLine("restored");
        return 0;
    }
}
