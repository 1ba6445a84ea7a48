using System.Globalization;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Reliability.Host;
using Dialer.Reliability.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Xunit.Abstractions;

namespace Dialer.Reliability.Racing;

/// <summary>The settings of one multi-process race.</summary>
internal sealed record RaceSettings(string Store, string Target, string Schema, int Seed)
{
    public int Hosts { get; init; } = 4;
    public int Threads { get; init; } = 3;
    public int Numbers { get; init; } = 200;
    public int Bursts { get; init; } = 4;
    public int BurstMilliseconds { get; init; } = 1200;
    public int WindowMilliseconds { get; init; } = 1000;
    public int Cap { get; init; } = 3;
    public bool Broken { get; init; }
    public int[] ClockOffsetMinutes { get; init; } = [];

    /// <summary>Per host, a whole-process clock shift applied with libfaketime (<c>LD_PRELOAD</c>), not in code.</summary>
    public int[] ProcessClockSkewMinutes { get; init; } = [];
    public string Mode { get; init; } = "race";

    /// <summary>Every tenth number (those ending in 3) is on the do-not-call list before the race.</summary>
    public IEnumerable<ulong> Blocked => Enumerable.Range(0, Numbers).Where(n => n % 10 == 3).Select(n => FirstNumber + (ulong)n);

    public ulong FirstNumber { get; init; } = 14155500000UL;

    public long Trials => (long)Hosts * Threads * Bursts * Numbers;
}

/// <summary>What a race left behind: the hosts' logs and the store's rows.</summary>
internal sealed record RaceResult(RaceSettings Settings, RunLog Log, List<CheckedAttempt> Stored, HashSet<ulong> Blocked, List<string> HostOutputs)
{
    public Duration Window => Duration.FromMilliseconds(Settings.WindowMilliseconds);

    /// <summary>The checker over what the hosts logged as dialed, at the instants the store recorded.</summary>
    public List<string> LoggedViolations() =>
        DialChecker.Check(Log.Dials.Select(d => new CheckedAttempt(d.CallId, d.Phone, Instant.FromUnixTimeTicks(d.RecordedTicks))), Window, Settings.Cap, Blocked);

    /// <summary>The checker over every attempt the store holds (including admissions whose outcome the host never learned).</summary>
    public List<string> StoredViolations() => DialChecker.Check(Stored, Window, Settings.Cap, Blocked);

    /// <summary>The real-time checker over the dials' wall-clock admission calls (sound: only certain duplicates count).</summary>
    public List<string> RealTimeViolations() => DialChecker.CheckRealTime(Log.Dials, Window);

    /// <summary>Logged dials missing from the store (or stored at another instant).</summary>
    public List<string> MissingFromStore()
    {
        var stored = Stored.ToDictionary(a => a.Id, a => a.At, StringComparer.Ordinal);
        return [.. Log.Dials.Where(d => !stored.TryGetValue(d.CallId, out var at) || at.ToUnixTimeTicks() != d.RecordedTicks).Select(d => d.CallId)];
    }

    public void Report(ITestOutputHelper output, string name, IReadOnlyList<string> violations, string faults)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: seed {Settings.Seed}; {Settings.Hosts} processes x {Settings.Threads} threads x {Settings.Bursts} bursts x {Settings.Numbers} numbers = {Settings.Trials} admission trials; " +
            $"dialed {Log.Dials.Count}, denied {Log.DeniedCount}, unknown {Log.Unknown.Count}, stored {Stored.Count}; faults: {faults}; violations: {violations.Count}"));
        foreach (var v in violations.Take(20))
        {
            output.WriteLine("  violation: " + v);
        }

        foreach (var e in Log.Errors.Take(5))
        {
            output.WriteLine("  host error: " + e);
        }
    }
}

/// <summary>Runs 4 host processes against one store with a shared start barrier, optional faults alongside.</summary>
internal static class RaceRunner
{
    public static async Task<RaceResult> RunAsync(RaceSettings s, string directory, Func<IReadOnlyList<HostProcess>, CancellationToken, Task>? faults = null)
    {
        await SeedBlockedAsync(s);
        var logs = Enumerable.Range(0, s.Hosts).Select(h => Path.Combine(directory, $"host{h}.log")).ToArray();
        var hosts = new List<HostProcess>();
        try
        {
            for (var h = 0; h < s.Hosts; h++)
            {
                var args = new List<string>
                {
                    s.Mode, "--store", s.Store, "--target", s.Target, "--schema", s.Schema, "--log", logs[h],
                    "--host", h.ToString(CultureInfo.InvariantCulture), "--threads", s.Threads.ToString(CultureInfo.InvariantCulture),
                    "--numbers", s.Numbers.ToString(CultureInfo.InvariantCulture), "--first-number", s.FirstNumber.ToString(CultureInfo.InvariantCulture),
                    "--bursts", s.Bursts.ToString(CultureInfo.InvariantCulture), "--burst-ms", s.BurstMilliseconds.ToString(CultureInfo.InvariantCulture),
                    "--window-ms", s.WindowMilliseconds.ToString(CultureInfo.InvariantCulture), "--cap", s.Cap.ToString(CultureInfo.InvariantCulture),
                    "--seed", s.Seed.ToString(CultureInfo.InvariantCulture), "--start-at", "0",
                    "--clock-offset-minutes", (h < s.ClockOffsetMinutes.Length ? s.ClockOffsetMinutes[h] : 0).ToString(CultureInfo.InvariantCulture),
                };
                if (s.Broken)
                {
                    args.Add("--broken");
                }

                var skew = h < s.ProcessClockSkewMinutes.Length ? s.ProcessClockSkewMinutes[h] : 0;
                Dictionary<string, string>? environment = null;
                if (skew != 0)
                {
                    args.Add("--process-clock-skew-minutes");
                    args.Add(skew.ToString(CultureInfo.InvariantCulture));
                    environment = new Dictionary<string, string>
                    {
                        ["LD_PRELOAD"] = Suite.FaketimeLibrary,
                        ["FAKETIME"] = (skew > 0 ? "+" : "-") + (Math.Abs(skew) * 60).ToString(CultureInfo.InvariantCulture),
                        ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1", // timers and Task.Delay run on the real monotonic clock
                    };
                }

                hosts.Add(HostProcess.Start(environment, [.. args]));
            }

            var ready = Task.WhenAll(hosts.Select(h => h.Ready));
            if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(90))) != ready)
            {
                throw new TimeoutException("hosts not ready: " + string.Join(" | ", hosts.Select(h => h.Errors)));
            }

            // libfaketime must really have shifted the skewed hosts' clocks (else the family would prove nothing).
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var h = 0; h < hosts.Count; h++)
            {
                var skew = h < s.ProcessClockSkewMinutes.Length ? s.ProcessClockSkewMinutes[h] : 0;
                if (skew != 0)
                {
                    var clock = hosts[h].Output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("clock ", StringComparison.Ordinal));
                    var seen = long.Parse(clock["clock ".Length..], CultureInfo.InvariantCulture) - now;
                    Assert.True(Math.Abs(seen - (skew * 60_000L)) < 60_000, $"host {h}: libfaketime shift of {skew} min not in effect (process clock off by {seen} ms)");
                }
            }

            // The barrier: every host starts its first burst at the same wall-clock instant.
            var startAt = DateTimeOffset.UtcNow.AddMilliseconds(300).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            foreach (var h in hosts)
            {
                h.Send(startAt);
            }

            using var stopFaults = new CancellationTokenSource();
            var faultTask = faults is null ? Task.CompletedTask : faults(hosts, stopFaults.Token);
            var exits = new List<int>();
            foreach (var h in hosts)
            {
                exits.Add(await h.WaitAsync(TimeSpan.FromMinutes(3)));
            }

            await stopFaults.CancelAsync();
            await faultTask;
            for (var i = 0; i < hosts.Count; i++)
            {
                Assert.True(exits[i] == 0, $"host {i} exited with {exits[i]}: {hosts[i].Errors}");
            }

            var stored = s.Store == "sqlite" ? ReadSqlite(s.Target) : await ReadPostgresAsync(s.Schema);
            return new RaceResult(s, RunLog.Read(logs), stored, [.. s.Blocked], [.. hosts.Select(h => h.Output)]);
        }
        finally
        {
            foreach (var h in hosts)
            {
                h.Dispose();
            }
        }
    }

    /// <summary>Puts the blocked numbers on the do-not-call list through the library (this also creates the schema).</summary>
    private static async Task SeedBlockedAsync(RaceSettings s)
    {
        await using var services = HostServices.Build(new HostArgsBuilder(s).Build());
        var dnc = services.GetRequiredService<DoNotCallList>();
        foreach (var phone in s.Blocked)
        {
            await dnc.AddAsync(PhoneNumber.FromValue(phone), "reliability suite");
        }
    }

    private static List<CheckedAttempt> ReadSqlite(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempt_id, phone, recorded_at FROM attempts";
        using var reader = command.ExecuteReader();
        var list = new List<CheckedAttempt>();
        while (reader.Read())
        {
            list.Add(new CheckedAttempt(reader.GetString(0), (ulong)reader.GetInt64(1), Instant.FromUnixTimeTicks(reader.GetInt64(2))));
        }

        return list;
    }

    private static async Task<List<CheckedAttempt>> ReadPostgresAsync(string schema)
    {
        await using var ds = NpgsqlDataSource.Create(Suite.PostgresConnectionString);
        await using var command = ds.CreateCommand($"SELECT attempt_id, phone, recorded_at FROM {schema}.attempts");
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<CheckedAttempt>();
        while (await reader.ReadAsync())
        {
            list.Add(new CheckedAttempt(reader.GetString(0), (ulong)reader.GetInt64(1), Instant.FromUnixTimeTicks(reader.GetInt64(2))));
        }

        return list;
    }

    /// <summary>The same composition the hosts use, for in-process seeding.</summary>
    private sealed class HostArgsBuilder(RaceSettings s)
    {
        public HostArgs Build() => HostArgs.Parse(new[]
        {
            "--store", s.Store, "--target", s.Target, "--schema", s.Schema, "--log", "unused",
            "--window-ms", s.WindowMilliseconds.ToString(CultureInfo.InvariantCulture), "--cap", s.Cap.ToString(CultureInfo.InvariantCulture),
        });
    }
}
