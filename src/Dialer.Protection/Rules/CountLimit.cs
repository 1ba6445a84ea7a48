using System.Globalization;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// A count limit as data a store can evaluate itself: "at most <see cref="MaxCount"/> attempts with the same
/// <see cref="Key"/>, within <see cref="Scope"/>, per <see cref="WindowKind"/> window". The duplicate window is the
/// rolling limit of one attempt per number (or per number and lead) per window.
/// </summary>
/// <remarks>
/// <para>
/// A request violates the limit at instant <c>now</c> when the attempts already recorded that share its key and scope
/// and fall in the window number <see cref="MaxCount"/> or more (so recording one more would exceed it). Rolling windows
/// are the half-open interval <c>(now - Window, now]</c> and clear at the M-th most recent counted attempt +
/// <see cref="Window"/> (M = <see cref="MaxCount"/>). Calendar days are <c>[start of the local day, start of the next
/// local day)</c> in <see cref="Zone"/> (or the attempt's callee zone when null) and clear at the start of the next
/// local day.
/// </para>
/// <para>Immutable and thread-safe. <see cref="Code"/> and <see cref="Message"/> are fixed at creation so a denial allocates nothing.</para>
/// </remarks>
public sealed class CountLimit
{
    private CountLimit(string code, string message, AttemptKeyKind key, LimitScope scope, CountWindowKind windowKind, Duration window, DateTimeZone? zone, int maxCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentException.ThrowIfNullOrEmpty(message);
        if (!Enum.IsDefined(key))
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, $"key = {(int)key} is not a defined {nameof(AttemptKeyKind)}.");
        }

        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, $"scope = {(int)scope} is not a defined {nameof(LimitScope)}.");
        }

        if (maxCount < 1 || maxCount > MaxMaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, $"maxCount = {maxCount} must be in [1, {MaxMaxCount}].");
        }

        Code = code;
        Message = message;
        Key = key;
        Scope = scope;
        WindowKind = windowKind;
        Window = window;
        Zone = zone;
        MaxCount = maxCount;
    }

    /// <summary>The largest <see cref="MaxCount"/> a limit may have.</summary>
    public const int MaxMaxCount = 10_000;

    /// <summary>The denial code given when the limit is violated (e.g. <c>protection.rolling_cap</c>).</summary>
    public string Code { get; }

    /// <summary>The denial message given when the limit is violated.</summary>
    public string Message { get; }

    /// <summary>Which attempts count together.</summary>
    public AttemptKeyKind Key { get; }

    /// <summary>Across which clients or campaigns they count.</summary>
    public LimitScope Scope { get; }

    /// <summary>Rolling window or calendar day.</summary>
    public CountWindowKind WindowKind { get; }

    /// <summary>The rolling window's length (positive); <see cref="Duration.Zero"/> for a calendar-day limit.</summary>
    public Duration Window { get; }

    /// <summary>
    /// The calendar-day limit's zone, or null to use the attempt's callee zone (<see cref="AttemptContext.CalleeZone"/>);
    /// always null for a rolling limit.
    /// </summary>
    public DateTimeZone? Zone { get; }

    /// <summary>The most attempts the window may hold; a request is denied when this many are already recorded.</summary>
    public int MaxCount { get; }

    /// <summary>How far back this limit reads history: the window for a rolling limit; two days for a calendar-day limit.</summary>
    public Duration Horizon => WindowKind == CountWindowKind.Rolling ? Window : Duration.FromDays(2);

    /// <summary>The duplicate window: one attempt per number (or per number and lead) per <paramref name="window"/>.</summary>
    /// <param name="window">The window (positive).</param>
    /// <param name="perLead">Whether the window applies per number and lead (different lead ids may share the number).</param>
    public static CountLimit DuplicateWindow(Duration window, bool perLead = false)
    {
        CheckWindow(window);
        var message = string.Create(CultureInfo.InvariantCulture, $"The number was called{(perLead ? " for this lead" : string.Empty)} within the last {Describe(window)}.");
        return new CountLimit(ProtectionReasons.DuplicateWindowCode, message, perLead ? AttemptKeyKind.NumberAndLead : AttemptKeyKind.Number, LimitScope.Global, CountWindowKind.Rolling, window, null, 1);
    }

    /// <summary>A rolling cap: at most <paramref name="maxCount"/> attempts per <paramref name="window"/>.</summary>
    public static CountLimit Rolling(AttemptKeyKind key, LimitScope scope, Duration window, int maxCount, string? code = null)
    {
        CheckWindow(window);
        var message = string.Create(CultureInfo.InvariantCulture, $"At most {maxCount} attempt(s) per {Describe(key)} per {Describe(window)}{Describe(scope)} reached.");
        return new CountLimit(code ?? ProtectionReasons.RollingCapCode, message, key, scope, CountWindowKind.Rolling, window, null, maxCount);
    }

    /// <summary>A calendar-day cap: at most <paramref name="maxCount"/> attempts per local day of <paramref name="zone"/> (the callee's zone when null).</summary>
    public static CountLimit CalendarDay(AttemptKeyKind key, LimitScope scope, int maxCount, DateTimeZone? zone = null, string? code = null)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"At most {maxCount} attempt(s) per {Describe(key)} per calendar day ({(zone is null ? "callee's zone" : zone.Id)}){Describe(scope)} reached.");
        return new CountLimit(code ?? ProtectionReasons.DailyCapCode, message, key, scope, CountWindowKind.CalendarDay, Duration.Zero, zone, maxCount);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";

    private static void CheckWindow(Duration window)
    {
        if (window <= Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, $"window = {window} must be positive.");
        }
    }

    private static string Describe(AttemptKeyKind key) => key switch
    {
        AttemptKeyKind.NumberAndLead => "number and lead",
        AttemptKeyKind.Lead => "lead",
        AttemptKeyKind.Subject => "subject",
        _ => "number",
    };

    private static string Describe(LimitScope scope) => scope switch
    {
        LimitScope.Client => " in this client",
        LimitScope.Campaign => " in this campaign",
        _ => string.Empty,
    };

    private static string Describe(Duration window)
    {
        var ts = window.ToTimeSpan();
        if (ts.Ticks % TimeSpan.TicksPerDay == 0 && ts.TotalDays > 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ts.TotalDays:0} days");
        }

        if (ts.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ts.TotalHours:0} h");
        }

        return ts.Ticks % TimeSpan.TicksPerMinute == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{ts.TotalMinutes:0} min")
            : string.Create(CultureInfo.InvariantCulture, $"{ts.TotalSeconds:0.###} s");
    }
}
