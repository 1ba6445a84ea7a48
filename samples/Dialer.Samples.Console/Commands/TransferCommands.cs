using System.CommandLine;
using Dialer.Persistence;
using Dialer.Samples.Console.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Dialer.Samples.Console.Commands;

/// <summary>
/// <c>dialer export --from DATE --to DATE --out DIR [--zone IANA] [--full]</c> and <c>dialer import FILE [--replace]</c>:
/// <c>dialer-data</c> JSON lines (Dialer.Persistence's <see cref="StoreDataTransfer"/>) through the provider-neutral
/// <see cref="IStoreDataAccess"/>, so the same files move data between SQLite and PostgreSQL.
/// </summary>
internal static class TransferCommands
{
    /// <summary>The full export's file name in <c>--out</c>.</summary>
    public const string FullExportFileName = "dialer-data.jsonl";

    /// <summary>The longest range one export writes (one file per day).</summary>
    public const int MaxDays = 3660;

    public static Command CreateExport()
    {
        var from = new Option<string>("--from") { Description = "First day, yyyy-MM-dd (in --zone).", Required = true };
        var to = new Option<string>("--to") { Description = "Last day, yyyy-MM-dd, inclusive.", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for the files (created if missing).", Required = true };
        var zone = new Option<string>("--zone") { Description = "IANA zone whose local days the files cover (default UTC).", DefaultValueFactory = _ => "UTC" };
        var full = new Option<bool>("--full") { Description = $"Also write {FullExportFileName}: every row of the store (attempts, blocks and do-not-call entries, redial queue, answering-machine statistics, campaigns, daily statistics), the file `dialer import` reads." };
        var export = new Command(
            "export",
            "Write one calls_YYYY-MM-DD.jsonl per day from --from to --to (every attempt recorded that local day, with its outcome; dialer-data JSON lines), and with --full the whole store. Each file is written atomically.");
        export.Options.Add(from);
        export.Options.Add(to);
        export.Options.Add(output);
        export.Options.Add(zone);
        export.Options.Add(full);
        export.SetAction(async (parseResult, cancellationToken) =>
        {
            var first = Inputs.Date("--from", parseResult.GetRequiredValue(from));
            var last = Inputs.Date("--to", parseResult.GetRequiredValue(to));
            if (last < first)
            {
                throw new UsageException($"--to '{Inputs.Date(last)}' is before --from '{Inputs.Date(first)}'.");
            }

            var days = Period.Between(first, last, PeriodUnits.Days).Days + 1;
            if (days > MaxDays)
            {
                throw new UsageException($"--to '{Inputs.Date(last)}' is {days} days after --from; one export covers at most {MaxDays} days.");
            }

            var dayZone = Inputs.Zone(DateTimeZoneProviders.Tzdb, "--zone", parseResult.GetValue(zone) ?? "UTC");
            var outText = parseResult.GetRequiredValue(output);
            if (string.IsNullOrWhiteSpace(outText) || File.Exists(outText))
            {
                throw new UsageException($"--out '{outText}' must be a directory.");
            }

            var directory = Path.GetFullPath(outText);
            await using var session = Session.Open(parseResult);
            var access = DataAccess(session, "export");
            var maintenance = session.Services.GetService<IStoreMaintenance>();
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--out '{outText}' cannot be created: {ex.Message}");
            }

            long attempts = 0;
            for (var date = first; date <= last; date = date.PlusDays(1))
            {
                var path = await StoreDataTransfer.ExportDailyCallsAsync(access, directory, date, dayZone, maintenance, session.TimeProvider, cancellationToken);
                var lines = CountRecords(path);
                attempts += lines;
                System.Console.Out.WriteLine($"{Path.GetFileName(path)}  {Inputs.Number(lines)} attempt(s)");
            }

            if (parseResult.GetValue(full))
            {
                var path = Path.Combine(directory, FullExportFileName);
                var temp = path + ".tmp";
                StoreDataCounts counts;
                try
                {
                    await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                    {
                        counts = await StoreDataTransfer.ExportAsync(access, maintenance, stream, StoreDataFilter.All, session.TimeProvider, cancellationToken);
                        stream.Flush(flushToDisk: true);
                    }

                    File.Move(temp, path, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }

                System.Console.Out.WriteLine($"{FullExportFileName}  {Describe(counts)}");
            }

            System.Console.Out.WriteLine($"Exported {days} day(s) ({Inputs.Date(first)} to {Inputs.Date(last)}, {dayZone.Id}) from {access.Provider}: {Inputs.Number(attempts)} attempt(s) into {directory}.");
            return ExitCodes.Ok;
        });
        return export;
    }

    public static Command CreateImport()
    {
        var file = new Argument<string>("FILE") { Description = $"A dialer-data JSON-lines file ({FullExportFileName} or calls_YYYY-MM-DD.jsonl from `dialer export`)." };
        var replace = new Option<bool>("--replace") { Description = "Delete every stored row first so the store ends with exactly the file's data (default: merge, keeping rows that exist; importing twice changes nothing)." };
        var import = new Command(
            "import",
            "Import a dialer-data JSON-lines file into the store in one transaction. The whole file is validated first: a bad line (exit 2, naming the line and field) writes nothing.");
        import.Arguments.Add(file);
        import.Options.Add(replace);
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new UsageException($"FILE '{path}' does not exist.");
            }

            var mode = parseResult.GetValue(replace) ? StoreImportMode.Replace : StoreImportMode.Merge;
            await using var session = Session.Open(parseResult);
            var access = DataAccess(session, "import");
            StoreDataCounts written;
            try
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                written = await StoreDataTransfer.ImportAsync(access, stream, mode, cancellationToken);
            }
            catch (JsonLinesFormatException ex)
            {
                var more = ex.Errors.Count > 1 ? $" ({ex.Errors.Count} problems; first shown)" : string.Empty;
                throw new UsageException($"FILE '{path}' is not a valid dialer-data file{more}; nothing was imported: {(ex.Errors.Count > 0 ? ex.Errors[0] : ex.Message)}");
            }

            System.Console.Out.WriteLine($"Imported {path} into {access.Provider} ({(mode == StoreImportMode.Replace ? "replace: every earlier row deleted" : "merge: existing rows kept")}): {Describe(written)} written.");
            return ExitCodes.Ok;
        });
        return import;
    }

    internal static IStoreDataAccess DataAccess(Session session, string command)
    {
        if (session.Store == StoreKind.Memory)
        {
            throw new UsageException($"--store 'memory': `dialer {command}` has nothing to work on; the in-memory stores keep nothing.");
        }

        return session.Services.GetService<IStoreDataAccess>()
            ?? throw new UsageException($"--store '{session.Store.ToString().ToLowerInvariant()}': `dialer {command}` is not supported by this store provider yet (it offers no IStoreDataAccess).");
    }

    internal static string Describe(StoreDataCounts c) =>
        $"{Inputs.Number(c.Attempts)} attempts, {Inputs.Number(c.Blocks)} blocks, {Inputs.Number(c.RedialItems)} redial items, "
        + $"{Inputs.Number(c.AnsweringMachineStats)} answering-machine rows, {Inputs.Number(c.Campaigns)} campaigns, {Inputs.Number(c.DailyStatistics)} statistics rows";

    private static long CountRecords(string path)
    {
        long lines = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0)
            {
                lines++;
            }
        }

        return Math.Max(0, lines - 1);
    }
}
