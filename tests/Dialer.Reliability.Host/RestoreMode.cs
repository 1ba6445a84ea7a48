using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Reliability.Host;

/// <summary>
/// Backup/restore: restores <c>--backup</c> into the store <c>--store</c>/<c>--target</c> once the suite writes a line to
/// standard input (after <c>ready</c>, so the suite can time a <c>kill -9</c> from the start of the restore rather than
/// from the runtime's start-up). A provider-neutral backup (a <c>data.jsonl</c> beside the manifest) is restored with
/// <see cref="StoreBackup.RestoreAsync"/> through the store's <see cref="IStoreDataAccess"/>; a SQLite file backup with
/// <see cref="SqliteBackup.Restore"/> over the file. Prints <c>restored</c> when done.
/// </summary>
public static class RestoreMode
{
    /// <summary>Restores and returns 0 (normally killed before).</summary>
    public static async Task<int> RunAsync(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!File.Exists(Path.Combine(args.Backup, StoreBackup.DataFileName)))
        {
            // Warm up the code paths (verify reads the manifest and hashes the file) so the kill window is the restore itself.
            SqliteBackup.Verify(args.Backup);
            Console.WriteLine("ready");
            _ = await Console.In.ReadLineAsync();
            SqliteBackup.Restore(args.Backup, args.Target);
            Console.WriteLine("restored");
            return 0;
        }

        await using var services = HostServices.Build(args);
        var data = services.GetRequiredService<IStoreDataAccess>();
        await StoreBackup.VerifyAsync(args.Backup);
        await foreach (var _ in data.ReadCampaignsAsync())
        {
            // opens (and migrates) the store before the go line
        }

        Console.WriteLine("ready");
        _ = await Console.In.ReadLineAsync();
        await StoreBackup.RestoreAsync(args.Backup, data);
        Console.WriteLine("restored");
        return 0;
    }
}
