namespace Dialer.Scheduling;

/// <summary>How a holiday that falls on a weekend is observed on a weekday.</summary>
public enum HolidayShift
{
    /// <summary>Not shifted: only the actual date counts.</summary>
    None = 0,

    /// <summary>A Saturday holiday is observed on the Friday before, a Sunday holiday on the Monday after (US federal rule, 5 U.S.C. § 6103(b)).</summary>
    NearestWeekday = 1,

    /// <summary>Only a Sunday holiday is shifted, to the Monday after (e.g. Miss. Code Ann. § 3-3-7).</summary>
    SundayToMonday = 2,
}
