using System.Globalization;

namespace Dialer.Reliability.Infrastructure;

/// <summary>One admission a host logged as dialed (admitted and handed to the placer).</summary>
internal readonly record struct Dial(string CallId, ulong Phone, long RecordedTicks, long WallStartTicks, long WallEndTicks, int Host)
{
    /// <summary>The real instant the admission call started (the commit happened between start and end).</summary>
    public NodaTime.Instant WallStart => NodaTime.Instant.FromUnixTimeTicks(WallStartTicks - DateTimeOffset.UnixEpoch.UtcTicks);

    /// <summary>The real instant the admission call returned.</summary>
    public NodaTime.Instant WallEnd => NodaTime.Instant.FromUnixTimeTicks(WallEndTicks - DateTimeOffset.UnixEpoch.UtcTicks);
}

/// <summary>A campaign claim a host logged: the new owner and epoch, the checkpoint it resumed from, wall-clock ticks around the call.</summary>
internal sealed record ClaimEntry(string Campaign, string Owner, long Epoch, long Cursor, string? InFlight, long Start, long End, int Host);

/// <summary>A fenced campaign write a host logged with the caller's owner and epoch and the store's answer.</summary>
internal sealed record WriteEntry(string Campaign, string Owner, long Epoch, string Op, string Result, long Start, long End, int Host);

/// <summary>What the hosts' log files say happened.</summary>
internal sealed class RunLog
{
    public List<Dial> Dials { get; } = [];

    /// <summary>Admissions whose outcome is unknown (store call threw): possibly recorded, not dialed.</summary>
    public List<(string CallId, ulong Phone)> Unknown { get; } = [];

    /// <summary>Outcomes the hosts saw recorded: call id → disposition code.</summary>
    public Dictionary<string, string> Outcomes { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Denied { get; } = new(StringComparer.Ordinal);

    public long DeniedCount { get; private set; }

    public List<string> Errors { get; } = [];

    /// <summary>Slot leases: call id → (wall ticks the acquire returned, wall ticks before the release call or null).</summary>
    public Dictionary<string, (long Acquired, long? Released, int Host)> Leases { get; } = new(StringComparer.Ordinal);

    /// <summary>Slot leases: call id → wall ticks just before the acquire call (the store's TTL counts from a later instant).</summary>
    public Dictionary<string, long> LeaseStarts { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls handed to the placer (campaign mode): call id, host, wall ticks.</summary>
    public List<(string CallId, int Host, long Ticks)> Placements { get; } = [];

    public List<ClaimEntry> Claims { get; } = [];

    public List<WriteEntry> Writes { get; } = [];

    /// <summary>Each campaign's final state as a host read it at exit.</summary>
    public Dictionary<string, (string State, long Cursor, long Processed)> Finals { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads log files; a last line without its newline (a kill mid-write) is ignored.</summary>
    public static RunLog Read(IEnumerable<string> files)
    {
        var log = new RunLog();
        var host = 0;
        foreach (var file in files)
        {
            if (File.Exists(file))
            {
                var text = File.ReadAllText(file);
                var complete = text.LastIndexOf('\n');
                foreach (var line in text[..(complete + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    log.Add(line, host);
                }
            }

            host++;
        }

        return log;
    }

    private void Add(string line, int host)
    {
        var f = line.Split(' ');
        switch (f[0])
        {
            case "A":
                Dials.Add(new Dial(f[1], ulong.Parse(f[2], CultureInfo.InvariantCulture), long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture), host));
                break;
            case "U":
                Unknown.Add((f[1], ulong.Parse(f[2], CultureInfo.InvariantCulture)));
                break;
            case "O":
                Outcomes[f[1]] = f[2];
                break;
            case "N":
                Denied.Add(f[1]);
                DeniedCount++;
                break;
            case "D":
                DeniedCount += long.Parse(f[1], CultureInfo.InvariantCulture);
                break;
            case "L":
                Leases[f[1]] = (long.Parse(f[2], CultureInfo.InvariantCulture), null, host);
                if (f.Length > 3)
                {
                    LeaseStarts[f[1]] = long.Parse(f[3], CultureInfo.InvariantCulture);
                }

                break;
            case "R":
                Leases[f[1]] = Leases[f[1]] with { Released = long.Parse(f[2], CultureInfo.InvariantCulture) };
                break;
            case "P":
                Placements.Add((f[1], host, long.Parse(f[3], CultureInfo.InvariantCulture)));
                break;
            case "C":
                Claims.Add(new ClaimEntry(f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture), f[5] == "-" ? null : f[5], long.Parse(f[6], CultureInfo.InvariantCulture), long.Parse(f[7], CultureInfo.InvariantCulture), host));
                break;
            case "W":
                Writes.Add(new WriteEntry(f[1], f[2], long.Parse(f[3], CultureInfo.InvariantCulture), f[4], f[5], long.Parse(f[6], CultureInfo.InvariantCulture), long.Parse(f[7], CultureInfo.InvariantCulture), host));
                break;
            case "F":
                Finals[f[1]] = (f[2], long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture));
                break;
            case "E":
                Errors.Add(line[2..]);
                break;
            default:
                throw new FormatException($"unreadable log line: '{line}'");
        }
    }
}
