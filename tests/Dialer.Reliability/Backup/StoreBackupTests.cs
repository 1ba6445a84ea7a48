using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dialer.Persistence;
using Dialer.Reliability.Host;
using Dialer.Reliability.Infrastructure;
using Dialer.Reliability.Racing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dialer.Reliability.Backup;

/// <summary>
/// Family 6, backup/restore through the provider-neutral <see cref="StoreBackup"/> (JSON-lines data file, manifest with
/// checksums, restore = verify, then replace every row in one transaction), on SQLite and on PostgreSQL: round trips
/// restore the original's logical content over a store holding other data; damaged backups are rejected with
/// <see cref="StoreBackupException"/> and the target's content unchanged; a <c>kill -9</c> of the process restoring
/// leaves the target's content equal to the old or the new state, never a mix. The checker compares the stores' full
/// exports (every row of every data type, order-independent).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StoreBackupTests(ITestOutputHelper output)
{
    [Fact]
    public Task Sqlite_StoreBackup_RoundTripsDamageAndKills() => RunAsync("sqlite");

    [Fact]
    public Task Postgres_StoreBackup_RoundTripsDamageAndKills() => RunAsync("postgres");

    [Fact]
    public async Task Checker_PartlyReplacedContent_IsCaught()
    {
        // Broken on purpose: a "restore" that imported only the attempts of the backup (merged into the old rows).
        var dir = Suite.NewDirectory("storebackup-mix");
        var oldArgs = await WriteStoreAsync(Args("sqlite", dir, "old"), 150, 1);
        var newArgs = await WriteStoreAsync(Args("sqlite", dir, "new"), 300, 2);
        var oldContent = await ContentAsync(oldArgs);
        var newContent = await ContentAsync(newArgs);
        await using (var services = HostServices.Build(oldArgs))
        {
            var target = services.GetRequiredService<IStoreDataAccess>();
            await using var source = HostServices.Build(newArgs);
            var set = new StoreDataSet { Attempts = await ListAsync(source.GetRequiredService<IStoreDataAccess>().ReadAttemptsAsync(default)) };
            await target.ImportAsync(set, StoreImportMode.Merge);
        }

        var state = Classify(await ContentAsync(oldArgs), oldContent, newContent);
        output.WriteLine("broken variant (attempts-only restore): classified " + state);
        Assert.Equal("mixed", state);
    }

    private async Task RunAsync(string provider)
    {
        var seed = Suite.Seed();
        var random = new Random(seed);
        var dir = Suite.NewDirectory("storebackup-" + provider);
        var oldArgs = await WriteStoreAsync(Args(provider, dir, "old"), 150, 1);
        var newArgs = await WriteStoreAsync(Args(provider, dir, "new"), 600, 2);
        var oldContent = await ContentAsync(oldArgs);
        var newContent = await ContentAsync(newArgs);
        Assert.NotEqual(oldContent, newContent);
        string backup;
        await using (var services = HostServices.Build(newArgs))
        {
            backup = await StoreBackup.CreateAsync(services.GetRequiredService<IStoreDataAccess>(), services.GetService<IStoreMaintenance>(), Path.Combine(dir, "backups"));
        }

        var violations = new List<string>();

        // Round trips: into a fresh store, and over the old one.
        var roundTrips = 0;
        foreach (var target in new[] { await WriteStoreAsync(Args(provider, dir, "fresh"), 0, 3), await CopyOfAsync(provider, dir, "over", oldArgs) })
        {
            await RestoreInProcessAsync(backup, target);
            roundTrips++;
            if (await ContentAsync(target) != newContent)
            {
                violations.Add($"round trip into {target.Schema}/{Path.GetFileName(target.Target)} differs from the original");
            }
        }

        // Damaged backups: rejected, target unchanged.
        var damaged = 0;
        var damageTarget = await CopyOfAsync(provider, dir, "damage", oldArgs);
        for (var trial = 0; trial < 40 * Suite.Scale; trial++)
        {
            var copy = Path.Combine(dir, "damaged" + trial.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(backup))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            var kind = Damage(copy, random);
            damaged++;
            try
            {
                await RestoreInProcessAsync(copy, damageTarget);
                violations.Add($"damaged backup {trial} ({kind}) was restored");
            }
            catch (StoreBackupException)
            {
                // rejected, as required
            }
#pragma warning disable CA1031 // anything else escaping is a finding
            catch (Exception ex)
#pragma warning restore CA1031
            {
                violations.Add($"damaged backup {trial} ({kind}) rejected with {ex.GetType().Name}, not StoreBackupException: {ex.Message}");
            }

            Directory.Delete(copy, recursive: true);
        }

        if (await ContentAsync(damageTarget) != oldContent)
        {
            violations.Add("a rejected damaged backup changed the target");
        }

        // kill -9 of the restoring process at a random instant inside the restore.
        var killTarget = await CopyOfAsync(provider, dir, "kill", oldArgs);
        var restoreMs = await TimeOneRestoreAsync(killTarget, backup);
        if (await ContentAsync(killTarget) != newContent)
        {
            violations.Add("the timed (unkilled) restore did not produce the new state");
        }

        int old = 0, @new = 0;
        var kills = 20 * Suite.Scale;
        var clock = Stopwatch.StartNew();
        for (var trial = 0; trial < kills; trial++)
        {
            await ResetAsync(killTarget, oldArgs);
            using var host = StartRestore(killTarget, backup);
            await host.Ready.WaitAsync(TimeSpan.FromSeconds(60));
            var delay = random.NextDouble() * restoreMs * 1.3;
            var go = Stopwatch.StartNew();
            host.Send("go");
            while (go.Elapsed.TotalMilliseconds < delay)
            {
                Thread.SpinWait(200);
            }

            host.KillHard();
            var state = Classify(await ContentAsync(killTarget), oldContent, newContent);
            old += state == "old" ? 1 : 0;
            @new += state == "new" ? 1 : 0;
            if (state == "mixed")
            {
                violations.Add($"kill {trial} at {delay:0.0} ms left a mix of the old and the new state");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"storebackup/{provider}: seed {seed}; trials: {roundTrips} round trips, {damaged} damaged backups, {kills} SIGKILLs within a {restoreMs:0} ms restore ({clock.Elapsed.TotalSeconds:0.0} s); " +
            $"after the kill: old {old}, new {@new}; violations: {violations.Count}"));
        violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(violations);
    }

    private static string Classify(string content, string oldContent, string newContent) =>
        content == oldContent ? "old" : content == newContent ? "new" : "mixed";

    private static HostArgs Args(string provider, string dir, string name) => HostArgs.Parse(provider == "sqlite"
        ? ["--store", "sqlite", "--target", Path.Combine(dir, name + ".db"), "--log", Path.Combine(dir, name + ".log"), "--window-ms", "600000"]
        : ["--store", "postgres", "--target", Suite.PostgresConnectionString, "--schema", Suite.NewSchema(), "--log", Path.Combine(dir, name + ".log"), "--window-ms", "600000"]);

    /// <summary>Writes admissions and outcomes through the library (the crash host's workload, unkilled).</summary>
    private static async Task<HostArgs> WriteStoreAsync(HostArgs args, int perWorker, int seed)
    {
        var workload = HostArgs.Parse(
        [
            "--store", args.Store, "--target", args.Target, "--schema", args.Schema, "--log", args.Log, "--threads", "2",
            "--bursts", perWorker.ToString(CultureInfo.InvariantCulture), "--window-ms", "600000", "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--first-number", (14158800000UL + ((ulong)seed * 1_000_000UL)).ToString(CultureInfo.InvariantCulture),
        ]);
        var console = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            Assert.Equal(0, await CrashMode.RunAsync(workload));
        }
        finally
        {
            Console.SetOut(console);
        }

        return args;
    }

    /// <summary>A new store (file or schema) holding exactly <paramref name="source"/>'s content.</summary>
    private static async Task<HostArgs> CopyOfAsync(string provider, string dir, string name, HostArgs source)
    {
        var copy = await WriteStoreAsync(Args(provider, dir, name), 0, 4);
        await ResetAsync(copy, source);
        return copy;
    }

    /// <summary>Replaces <paramref name="target"/>'s content with <paramref name="source"/>'s (one Replace import).</summary>
    private static async Task ResetAsync(HostArgs target, HostArgs source)
    {
        await using var from = HostServices.Build(source);
        await using var to = HostServices.Build(target);
        var data = from.GetRequiredService<IStoreDataAccess>();
        var set = new StoreDataSet
        {
            Attempts = await ListAsync(data.ReadAttemptsAsync(default)),
            Blocks = await ListAsync(data.ReadBlocksAsync(default)),
            RedialItems = await ListAsync(data.ReadRedialItemsAsync(default)),
            AnsweringMachineStats = await ListAsync(data.ReadAnsweringMachineStatsAsync(default)),
            Campaigns = await ListAsync(data.ReadCampaignsAsync()),
            DailyStatistics = await ListAsync(data.ReadDailyStatisticsAsync(null, null)),
        };
        await to.GetRequiredService<IStoreDataAccess>().ImportAsync(set, StoreImportMode.Replace);
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task RestoreInProcessAsync(string backup, HostArgs target)
    {
        await using var services = HostServices.Build(target);
        await StoreBackup.RestoreAsync(backup, services.GetRequiredService<IStoreDataAccess>());
    }

    /// <summary>Every row of every data type the store exports, sorted (the header, which carries the export instant, left out).</summary>
    private static async Task<string> ContentAsync(HostArgs args)
    {
        await using var services = HostServices.Build(args);
        using var stream = new MemoryStream();
        await StoreDataTransfer.ExportAsync(services.GetRequiredService<IStoreDataAccess>(), stream, StoreDataFilter.All);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static HostProcess StartRestore(HostArgs target, string backup) => HostProcess.Start(
        "restore", "--store", target.Store, "--target", target.Target, "--schema", target.Schema, "--log", target.Log, "--backup", backup, "--window-ms", "600000");

    private static async Task<double> TimeOneRestoreAsync(HostArgs target, string backup)
    {
        using var host = StartRestore(target, backup);
        await host.Ready.WaitAsync(TimeSpan.FromSeconds(60));
        var go = Stopwatch.StartNew();
        host.Send("go");
        Assert.Equal(0, await host.WaitAsync(TimeSpan.FromMinutes(1)));
        return go.Elapsed.TotalMilliseconds;
    }

    /// <summary>Truncates or alters the data file or the manifest at random, or removes one of them.</summary>
    private static string Damage(string backup, Random random)
    {
        var data = Path.Combine(backup, StoreBackup.DataFileName);
        var manifest = Path.Combine(backup, StoreBackup.ManifestFileName);
        switch (random.Next(5))
        {
            case 0:
            {
                var bytes = File.ReadAllBytes(data);
                File.WriteAllBytes(data, bytes[..random.Next(bytes.Length)]);
                return "data truncated";
            }

            case 1 or 2:
            {
                var bytes = File.ReadAllBytes(data);
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                File.WriteAllBytes(data, bytes);
                return "data byte altered";
            }

            case 3:
            {
                var text = File.ReadAllText(manifest);
                File.WriteAllText(manifest, text[..random.Next(text.Length)]);
                return "manifest truncated";
            }

            default:
                File.Delete(random.Next(2) == 0 ? manifest : data);
                return "data or manifest missing";
        }
    }
}
