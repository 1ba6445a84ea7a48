using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace Dialer.Scheduling.Tests.Properties;

/// <summary>
/// An independent statement of the window semantics using NodaTime's own local-to-instant resolvers: on each local
/// date a range [s, e) covers [resolve(s), resolve(e)), skipped times resolving to the start of the interval after
/// the gap and ambiguous ones to the earlier occurrence; blackout dates cover nothing.
/// </summary>
internal sealed class WindowOracle(DateTimeZone zone, IReadOnlyList<(int Start, int End)>[] week, IReadOnlySet<LocalDate> blackouts)
{
    private static readonly ZoneLocalMappingResolver s_resolver = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    public bool IsOpen(Instant t)
    {
        var date = t.InZone(zone).Date;
        for (var d = date.PlusDays(-1); d <= date.PlusDays(1); d = d.PlusDays(1))
        {
            if (blackouts.Contains(d))
            {
                continue;
            }

            foreach (var (start, end) in week[(int)d.DayOfWeek - 1])
            {
                if (Resolve(d, start) <= t && t < Resolve(d, end))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private Instant Resolve(LocalDate date, int minute) =>
        zone.ResolveLocal(date.AtMidnight().PlusMinutes(minute), s_resolver).ToInstant();

    public static string Format(int minute) =>
        minute == 1440 ? "24:00" : string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");
}
