using System.Globalization;

namespace Dialer.Reliability.Host;

/// <summary>The options of one host process, as <c>--name value</c> pairs (and the <c>--broken</c> flag).</summary>
public sealed class HostArgs
{
    /// <summary><c>--store</c>: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string Store { get; private set; } = "sqlite";

    /// <summary><c>--target</c>: the SQLite file or the PostgreSQL connection string.</summary>
    public string Target { get; private set; } = string.Empty;

    /// <summary><c>--schema</c>: the PostgreSQL schema (one per run, so reruns are isolated).</summary>
    public string Schema { get; private set; } = "dialer";

    /// <summary><c>--log</c>: the file this process appends its records to.</summary>
    public string Log { get; private set; } = string.Empty;

    /// <summary><c>--host</c>: this process's number in the run.</summary>
    public int HostId { get; private set; }

    /// <summary><c>--threads</c>: concurrent workers in this process.</summary>
    public int Threads { get; private set; } = 3;

    /// <summary><c>--first-number</c>: the first phone number's digits; numbers are consecutive from there.</summary>
    public ulong FirstNumber { get; private set; } = 14155500000UL;

    /// <summary><c>--numbers</c>: how many phone numbers the run shares.</summary>
    public int Numbers { get; private set; } = 200;

    /// <summary><c>--bursts</c>: how many synchronised bursts (race) or admissions per worker (crash).</summary>
    public int Bursts { get; private set; } = 5;

    /// <summary><c>--burst-ms</c>: the interval between burst start instants.</summary>
    public int BurstMilliseconds { get; private set; } = 1500;

    /// <summary><c>--start-at</c>: the shared wall-clock start instant in Unix milliseconds (the barrier of every process); 0: read it from standard input after printing <c>ready</c>.</summary>
    public long StartAtUnixMilliseconds { get; private set; }

    /// <summary><c>--window-ms</c>: the duplicate window.</summary>
    public int WindowMilliseconds { get; private set; } = 1000;

    /// <summary><c>--cap</c>: attempts per number per UTC calendar day.</summary>
    public int Cap { get; private set; } = 3;

    /// <summary><c>--clock-offset-minutes</c>: this process's clock (its <see cref="TimeProvider"/>) shifted by this much.</summary>
    public int ClockOffsetMinutes { get; private set; }

    /// <summary>
    /// <c>--process-clock-skew-minutes</c>: the whole process clock is known to be shifted by this much (libfaketime in
    /// <c>LD_PRELOAD</c>). The stores see the shifted clock; the harness (start barrier, the wall-clock bounds it logs)
    /// takes it back off so the real-time checker still reads true instants.
    /// </summary>
    public int ProcessClockSkewMinutes { get; private set; }

    /// <summary>The clock the harness measures real time with: the process clock, with a known libfaketime skew undone.</summary>
    public TimeProvider HarnessClock => ProcessClockSkewMinutes == 0
        ? TimeProvider.System
        : new OffsetTimeProvider(TimeSpan.FromMinutes(-ProcessClockSkewMinutes));

    /// <summary><c>--seed</c>: seeds the order in which workers walk the numbers and the outcome mix.</summary>
    public int Seed { get; private set; } = 1;

    /// <summary><c>--broken</c>: use a deliberately broken read-then-write admission (the checker must catch it).</summary>
    public bool Broken { get; private set; }

    /// <summary><c>--database-clock</c> (<c>true</c>/<c>false</c>): PostgreSQL stamps attempts with the database clock.</summary>
    public bool DatabaseClock { get; private set; } = true;

    /// <summary><c>--lease-ttl-ms</c> (campaign mode): the slot lease TTL.</summary>
    public int LeaseTtlMilliseconds { get; private set; } = 1500;

    /// <summary><c>--backup</c> (restore mode): the backup directory to restore from.</summary>
    public string Backup { get; private set; } = string.Empty;

    /// <summary>Parses <c>--name value</c> pairs.</summary>
    /// <exception cref="ArgumentException">An unknown option or a value that does not parse.</exception>
    public static HostArgs Parse(ReadOnlySpan<string> args)
    {
        var result = new HostArgs();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--broken")
            {
                result.Broken = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option '{name}' needs a value.", nameof(args));
            }

            var value = args[++i];
            switch (name)
            {
                case "--store": result.Store = value is "sqlite" or "postgres" ? value : throw new ArgumentException($"--store = {value}: must be sqlite or postgres.", nameof(args)); break;
                case "--target": result.Target = value; break;
                case "--schema": result.Schema = value; break;
                case "--log": result.Log = value; break;
                case "--host": result.HostId = Int(name, value); break;
                case "--threads": result.Threads = Int(name, value); break;
                case "--first-number": result.FirstNumber = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                case "--numbers": result.Numbers = Int(name, value); break;
                case "--bursts": result.Bursts = Int(name, value); break;
                case "--burst-ms": result.BurstMilliseconds = Int(name, value); break;
                case "--start-at": result.StartAtUnixMilliseconds = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--window-ms": result.WindowMilliseconds = Int(name, value); break;
                case "--cap": result.Cap = Int(name, value); break;
                case "--clock-offset-minutes": result.ClockOffsetMinutes = Int(name, value); break;
                case "--process-clock-skew-minutes": result.ProcessClockSkewMinutes = Int(name, value); break;
                case "--seed": result.Seed = Int(name, value); break;
                case "--database-clock": result.DatabaseClock = bool.Parse(value); break;
                case "--lease-ttl-ms": result.LeaseTtlMilliseconds = Int(name, value); break;
                case "--backup": result.Backup = value; break;
                default: throw new ArgumentException($"unknown option '{name}'.", nameof(args));
            }
        }

        if (result.Target.Length == 0 || result.Log.Length == 0)
        {
            throw new ArgumentException("--target and --log are required.", nameof(args));
        }

        return result;
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{name} = {value}: not an integer.", nameof(value));
}
