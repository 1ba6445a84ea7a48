using NodaTime;

namespace Dialer.Scheduling.Internal;

/// <summary>Integer time arithmetic on Unix ticks (100 ns) and day numbers (days since 1970-01-01).</summary>
internal static class TimeMath
{
    public const long TicksPerDay = NodaConstants.TicksPerDay;

    public static long FloorDiv(long value, long divisor)
    {
        var q = value / divisor;
        return (value % divisor) < 0 ? q - 1 : q;
    }

    /// <summary>Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).</summary>
    public static int WeekdayIndex(long dayNumber)
    {
        var r = (int)((dayNumber + 3) % 7);
        return r < 0 ? r + 7 : r;
    }

    public static long DayNumber(LocalDate date) =>
        FloorDiv(date.AtMidnight().InUtc().ToInstant().ToUnixTimeTicks(), TicksPerDay);

    public static LocalDate DateOf(long dayNumber) =>
        Instant.FromUnixTimeTicks(dayNumber * TicksPerDay).InUtc().Date;

    /// <summary>Monday = 0 … Sunday = 6.</summary>
    public static int WeekdayIndex(IsoDayOfWeek day) => (int)day - 1;
}
