using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Dialer.Samples.Console.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary>
/// <c>dialer backup [--keep N] | backup restore NAME | backup verify [NAME] | backup list</c>: backups of the store
/// and <c>dialer.json</c> together, under <c>&lt;data&gt;/backups/backup_&lt;UTC&gt;/</c>.
/// </summary>
internal static class BackupCommands
{
    public static Command Create()
    {
        var keep = new Option<int>("--keep")
        {
            Description = "How many backups to keep; older ones are deleted after the new one is complete.",
            DefaultValueFactory = _ => SqliteBackup.DefaultKeepLast,
        };
        var backup = new Command(
            "backup",
            "Back up the store together with dialer.json, keeping the newest --keep backups: SQLite into <data>/backups/backup_<UTC>/ (an online file copy: other hosts may keep running), PostgreSQL into <data>/backups-postgres/backup_<UTC>/ (a logical copy, data.jsonl). Subcommands restore, verify and list them.");
        backup.Options.Add(keep);
        backup.SetAction(async (parseResult, cancellationToken) =>
        {
            var keepValue = parseResult.GetValue(keep);
            if (keepValue < 1)
            {
                throw new UsageException($"--keep '{keepValue.ToString(CultureInfo.InvariantCulture)}' must be at least 1.");
            }

            var (data, store, _) = Session.Target(parseResult);
            RequireDurable(store, "backup");
            if (data.EnsureCreated())
            {
                System.Console.Error.WriteLine($"Created a default configuration at {data.ConfigPath}; edit it or use `dialer config`.");
            }

            // The configuration must at least be JSON: a backup of a file that cannot be restored is no backup.
            data.Load();
            string directory;
            if (store == StoreKind.Postgres)
            {
                await using var session = Session.Open(parseResult);
                var access = TransferCommands.DataAccess(session, "backup");
                directory = await HostBackup.CreateLogicalAsync(data, store, access, session.Services.GetService<IStoreMaintenance>(), keepValue, TimeProvider.System, cancellationToken);
            }
            else
            {
                using var sqlite = SqliteDialerStore.Open(data.DatabasePath);
                directory = HostBackup.Create(data, sqlite, keepValue, TimeProvider.System);
            }

            var info = HostBackup.Describe(directory);
            var kept = HostBackup.List(data, store).Count;
            System.Console.Out.WriteLine($"Created backup {info.Name} in {HostBackup.BackupsPath(data, store)}");
            System.Console.Out.WriteLine(store == StoreKind.Postgres
                ? $"  {StoreBackup.DataFileName}: {Inputs.Number(info.Rows)} rows, {Inputs.Number(info.Bytes)} bytes (a logical copy of the PostgreSQL store); {DataDirectory.ConfigFileName} included (SHA-256 in {StoreBackup.ManifestFileName})."
                : $"  {DataDirectory.DatabaseFileName}: schema {info.SchemaVersion}, {Inputs.Number(info.Rows)} rows, {Inputs.Number(info.Bytes)} bytes; {DataDirectory.ConfigFileName} included (SHA-256 in {HostBackup.ConfigChecksumFileName}).");
            System.Console.Out.WriteLine($"  {kept} backup(s) kept (--keep {keepValue.ToString(CultureInfo.InvariantCulture)}).");
            return ExitCodes.Ok;
        });

        backup.Subcommands.Add(RestoreCommand());
        backup.Subcommands.Add(VerifyCommand());
        backup.Subcommands.Add(ListCommand());
        return backup;
    }

    private static Command RestoreCommand()
    {
        var name = new Argument<string>("NAME") { Description = "A backup's name (see `dialer backup list`) or the path of a backup directory, e.g. one copied from another machine." };
        var restore = new Command(
            "restore",
            "Replace the store's data and dialer.json with a backup's, after verifying it (nothing changes when it fails: exit 2). On SQLite the current dialer.db and dialer.json are kept as .bak; on PostgreSQL every row is replaced in one transaction. "
            + "Stop every other dialer process using this data directory first: a restore needs the store closed (on SQLite a dialer.db held open by another process is refused, exit 2).");
        restore.Arguments.Add(name);
        restore.SetAction(async (parseResult, cancellationToken) =>
        {
            var (data, store, _) = Session.Target(parseResult);
            RequireDurable(store, "backup restore");
            var directory = HostBackup.Resolve(data, store, parseResult.GetRequiredValue(name));
            var backupName = Path.GetFileName(directory);
            if (!HostBackup.IsLogical(directory))
            {
                if (store != StoreKind.Sqlite)
                {
                    throw new UsageException($"NAME '{backupName}' is a SQLite file backup; it restores only into --store sqlite (move data to PostgreSQL with `dialer export --full` and `dialer import`).");
                }

                var kept = Previous(data, includeDatabase: true);
                var manifest = HostBackup.Restore(data, directory);
                System.Console.Out.WriteLine($"Restored {backupName} (taken {manifest.CreatedAt}, schema {manifest.SchemaVersion}, {Inputs.Number(manifest.RowCounts.Values.Sum())} rows) into {data.Path}:");
                System.Console.Out.WriteLine($"  {DataDirectory.DatabaseFileName} and {DataDirectory.ConfigFileName} replaced; {kept}.");
                return ExitCodes.Ok;
            }

            // A logical backup (data.jsonl): verified in full, then written into the store in one transaction (replace).
            var (summary, configuration) = await HostBackup.VerifyAnyAsync(directory, cancellationToken);
            JsonObject json;
            try
            {
                json = JsonNode.Parse(configuration) as JsonObject ?? throw new UsageException($"backup {backupName}: its {DataDirectory.ConfigFileName} is not a JSON object; nothing changed.");
            }
            catch (JsonException ex)
            {
                throw new UsageException($"backup {backupName}: its {DataDirectory.ConfigFileName} is not valid JSON ({ex.Message}); nothing changed.");
            }

            var keptFiles = Previous(data, includeDatabase: store == StoreKind.Sqlite);
            var staged = HostBackup.StageConfiguration(data, configuration);
            try
            {
                if (store == StoreKind.Sqlite)
                {
                    HostBackup.EnsureNotInUse(data);
                    HostBackup.KeepPreviousDatabase(data);
                }

                StoreDataCounts written;
                await using (var session = Session.WithConfiguration(parseResult, json))
                {
                    var access = TransferCommands.DataAccess(session, "backup restore");
                    try
                    {
                        written = await StoreBackup.RestoreAsync(directory, access, cancellationToken);
                    }
                    catch (StoreBackupException ex)
                    {
                        throw new UsageException($"backup {backupName} failed verification: {ex.Message}");
                    }
                }

                HostBackup.SwapConfiguration(data, staged);
                System.Console.Out.WriteLine($"Restored {backupName} ({summary}) into the {(store == StoreKind.Postgres ? "PostgreSQL" : "SQLite")} store: {TransferCommands.Describe(written)}.");
                System.Console.Out.WriteLine($"  {DataDirectory.ConfigFileName} replaced; {keptFiles}.");
                return ExitCodes.Ok;
            }
            finally
            {
                File.Delete(staged);
            }
        });
        return restore;
    }

    private static Command VerifyCommand()
    {
        var name = new Argument<string?>("NAME") { Description = "A backup's name or directory (default: every backup).", Arity = ArgumentArity.ZeroOrOne };
        var verify = new Command("verify", "Check backups against their manifests: every file's SHA-256 (database or data.jsonl, and dialer.json), schema version and row counts. Exit 2 when one fails.");
        verify.Arguments.Add(name);
        verify.SetAction(async (parseResult, cancellationToken) =>
        {
            var (data, store, _) = Session.Target(parseResult);
            RequireDurable(store, "backup verify");
            var named = parseResult.GetValue(name);
            IReadOnlyList<string> directories = named is null ? HostBackup.List(data, store) : [HostBackup.Resolve(data, store, named)];
            if (directories.Count == 0)
            {
                throw new UsageException($"there is no backup in {HostBackup.BackupsPath(data, store)} to verify; create one with `dialer backup`.");
            }

            var failures = new List<string>();
            foreach (var directory in directories)
            {
                try
                {
                    var (summary, _) = await HostBackup.VerifyAnyAsync(directory, cancellationToken);
                    System.Console.Out.WriteLine($"{Path.GetFileName(directory)}  ok  ({summary}; every file matches its SHA-256)");
                }
                catch (UsageException ex)
                {
                    System.Console.Out.WriteLine($"{Path.GetFileName(directory)}  FAILED");
                    failures.Add(ex.Message);
                }
            }

            if (failures.Count > 0)
            {
                throw new UsageException(failures.Count == 1 ? failures[0] : $"{failures.Count} of {directories.Count} backups failed verification; first: {failures[0]}");
            }

            return ExitCodes.Ok;
        });
        return verify;
    }

    private static Command ListCommand()
    {
        var list = new Command("list", "The store's backups (<data>/backups, or <data>/backups-postgres with --store postgres), oldest first, from their manifests (`backup verify` checks them).");
        list.SetAction((parseResult, cancellationToken) =>
        {
            var (data, store, _) = Session.Target(parseResult);
            RequireDurable(store, "backup list");
            var table = new Table().AddColumns("Name (UTC time taken)", "Schema", "Rows", "Bytes", "dialer.json");
            var backups = HostBackup.List(data, store);
            foreach (var directory in backups)
            {
                var info = HostBackup.Describe(directory);
                table.AddRow(
                    Markup.Escape(info.Name),
                    info.SchemaVersion.ToString(CultureInfo.InvariantCulture),
                    Inputs.Number(info.Rows),
                    Inputs.Number(info.Bytes),
                    info.HasConfiguration ? "yes" : "missing");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"{backups.Count} backup(s) in {HostBackup.BackupsPath(data, store)}."));
            return Task.FromResult(ExitCodes.Ok);
        });
        return list;
    }

    /// <summary>Says which current files a restore keeps as <c>.bak</c> (none on a fresh data directory).</summary>
    private static string Previous(DataDirectory data, bool includeDatabase)
    {
        var kept = new List<string>();
        if (includeDatabase && File.Exists(data.DatabasePath))
        {
            kept.Add($"{DataDirectory.DatabaseFileName} as {DataDirectory.DatabaseFileName}{HostBackup.PreviousDatabaseSuffix}");
        }

        if (File.Exists(data.ConfigPath))
        {
            kept.Add($"{DataDirectory.ConfigFileName} as {Path.GetFileName(data.PreviousConfigPath)}");
        }

        return kept.Count == 0 ? "there were no previous files" : "kept the previous " + string.Join(" and ", kept);
    }

    internal static void RequireDurable(StoreKind store, string command)
    {
        if (store == StoreKind.Memory)
        {
            throw new UsageException($"--store 'memory': `dialer {command}` has nothing to work on; the in-memory stores keep nothing.");
        }
    }
}
