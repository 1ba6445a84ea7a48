using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The rules a ledger evaluates in one check-and-record, as data: every <see cref="CountLimit"/> (duplicate window,
/// calendar-day and rolling caps). Blocks (final dispositions, cool-downs, do-not-call) are stored rows and always
/// apply. Built once from the protection options (or directly) and passed to every ledger call, so a store
/// never decides in C# what it can evaluate itself.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class ProtectionRules
{
    private readonly CountLimit[] _limits;

    /// <summary>Creates a rule set.</summary>
    /// <exception cref="ArgumentException">A limit is null.</exception>
    public ProtectionRules(IEnumerable<CountLimit> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = [.. limits];
        var horizon = Duration.Zero;
        var index = 0;
        var numberGlobalOnly = true;
        foreach (var limit in _limits)
        {
            if (limit is null)
            {
                throw new ArgumentException($"limits[{index}] is null.", nameof(limits));
            }

            if (limit.Horizon > horizon)
            {
                horizon = limit.Horizon;
            }

            NeedsLead |= limit.Key is AttemptKeyKind.Lead;
            NeedsSubject |= limit.Key is AttemptKeyKind.Subject;
            NeedsCalleeZone |= limit.WindowKind == CountWindowKind.CalendarDay && limit.Zone is null;
            if (limit.Key != AttemptKeyKind.Number || limit.Scope != LimitScope.Global)
            {
                numberGlobalOnly = false;
            }

            index++;
        }

        NumberGlobalOnly = numberGlobalOnly;

        Horizon = horizon;
    }

    /// <summary>No limits (blocks still apply).</summary>
    public static ProtectionRules None { get; } = new([]);

    /// <summary>The limits, in the order their reasons are reported.</summary>
    public IReadOnlyList<CountLimit> Limits => _limits;

    /// <summary>
    /// The longest span of history any limit reads. Attempts older than this can be purged without changing any
    /// decision; outcomes and blocks are kept as long as they are in force.
    /// </summary>
    public Duration Horizon { get; }

    /// <summary>Whether any limit is keyed by lead (the ledger must read the lead's attempts across numbers).</summary>
    public bool NeedsLead { get; }

    /// <summary>Whether any limit is keyed by subject (the ledger must read the subject's attempts across numbers and leads).</summary>
    public bool NeedsSubject { get; }

    /// <summary>Whether any calendar-day limit uses the callee's zone (<see cref="AttemptContext.CalleeZone"/>).</summary>
    public bool NeedsCalleeZone { get; }

    internal ReadOnlySpan<CountLimit> LimitSpan => _limits;

    /// <summary>
    /// Whether every limit is keyed by the number alone with global scope (the default rules are), so every attempt
    /// stored under the number counts toward every limit whose window it falls in: no key or scope comparison needed.
    /// </summary>
    internal bool NumberGlobalOnly { get; }
}
