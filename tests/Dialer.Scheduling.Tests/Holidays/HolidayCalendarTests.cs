using NodaTime;

namespace Dialer.Scheduling.Tests.Holidays;

public sealed class HolidayCalendarTests
{
    [Fact]
    public void UsFederal_2026_ListsActualAndObservedDates()
    {
        // OPM's 2026 federal holiday list; July 4 is a Saturday, observed Friday July 3.
        LocalDate[] expected =
        [
            new(2026, 1, 1), new(2026, 1, 19), new(2026, 2, 16), new(2026, 5, 25), new(2026, 6, 19),
            new(2026, 7, 3), new(2026, 7, 4), new(2026, 9, 7), new(2026, 10, 12), new(2026, 11, 11),
            new(2026, 11, 26), new(2026, 12, 25),
        ];
        Assert.Equal(expected, HolidayCalendar.UsFederal.GetDates(2026));
    }

    [Theory]
    [InlineData(2022, 12, 26, true)]  // Christmas on Sunday, observed Monday
    [InlineData(2021, 12, 31, true)]  // New Year's Day 2022 on Saturday, observed Friday the year before
    [InlineData(2020, 6, 19, false)]  // Juneteenth only from 2021
    [InlineData(2021, 6, 18, true)]   // Juneteenth 2021 on Saturday, observed Friday
    [InlineData(2026, 7, 5, false)]
    [InlineData(2024, 5, 27, true)]   // last Monday of May
    public void UsFederal_IsHoliday_FollowsObservanceRules(int year, int month, int day, bool expected) =>
        Assert.Equal(expected, HolidayCalendar.UsFederal.IsHoliday(new LocalDate(year, month, day)));

    [Fact]
    public void Custom_SundayToMonday_ShiftsOnlySundays()
    {
        var calendar = new HolidayCalendar("ms", [new HolidayRuleOptions { Name = "Christmas", Month = 12, Day = 25, Shift = HolidayShift.SundayToMonday }]);
        Assert.True(calendar.IsHoliday(new LocalDate(2022, 12, 26)));   // 2022-12-25 is a Sunday
        Assert.False(calendar.IsHoliday(new LocalDate(2021, 12, 24)));  // 2021-12-25 is a Saturday: not shifted
        Assert.True(calendar.IsHoliday(new LocalDate(2250, 12, 25)));   // outside the precomputed years
    }

    [Fact]
    public void Constructor_InvalidRules_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new HolidayCalendar("bad",
        [
            new HolidayRuleOptions { Name = "x", Month = 13, Day = 1 },
            new HolidayRuleOptions { Name = "y", Month = 1, Weekday = IsoDayOfWeek.Monday, Occurrence = 6 },
        ]));
        Assert.Contains("Holidays:0:Month = 13: must be 1-12.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Holidays:1:Occurrence = 6: must be 1-5, or -1 for the last.", ex.Message, StringComparison.Ordinal);
    }
}
