using System.Buffers;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The pure decision: from an attempt's history (recorded attempts and stored blocks) and the rules, every reason
/// that applies, each with the instant it clears, and the next eligible instant (null when a reason is permanent).
/// The reference every <see cref="IAttemptLedger"/> is checked against; the in-memory ledger runs it under its locks.
/// </summary>
/// <remarks>
/// Deterministic and side-effect free. Allocates nothing when allowed or denied for one reason (several reasons
/// allocate their array). See <see cref="IAttemptLedger"/> for the evaluation rules.
/// </remarks>
public static class ProtectionDecider
{
    private const int StackCountLimit = 16;

    [ThreadStatic]
    private static DayBounds t_lastDay;

    /// <summary>
    /// Decides whether <paramref name="attempt"/> may be recorded given <paramref name="history"/> (any attempts: each
    /// limit counts only those sharing its key and scope) and <paramref name="blocks"/> (any blocks: only those that apply
    /// count), evaluated at <see cref="AttemptContext.At"/>.
    /// </summary>
    /// <returns>
    /// <see cref="LedgerStatus.AlreadyRecorded"/> when <paramref name="history"/> holds the attempt id,
    /// <see cref="LedgerStatus.Allowed"/>, or <see cref="LedgerStatus.Denied"/> with every reason (limits in rule order,
    /// then blocks in the order given).
    /// </returns>
    public static LedgerResult Decide(AttemptContext attempt, ProtectionRules rules, ReadOnlySpan<AttemptEntry> history, ReadOnlySpan<ProtectionBlock> blocks)
    {
        attempt.EnsureValid(nameof(attempt));
        ArgumentNullException.ThrowIfNull(rules);
        foreach (ref readonly var entry in history)
        {
            if (string.Equals(entry.AttemptId, attempt.AttemptId, StringComparison.Ordinal))
            {
                return LedgerResult.AlreadyRecorded(attempt.At, entry.RecordedAt);
            }
        }

        return Evaluate(attempt, rules, history, history, history, blocks, default);
    }

    /// <inheritdoc cref="Decide(AttemptContext, ProtectionRules, ReadOnlySpan{AttemptEntry}, ReadOnlySpan{ProtectionBlock})"/>
    public static LedgerResult Decide(AttemptContext attempt, ProtectionRules rules, IEnumerable<AttemptEntry> history, IEnumerable<ProtectionBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(blocks);
        return Decide(attempt, rules, history.ToArray().AsSpan(), blocks.ToArray().AsSpan());
    }

    /// <summary>
    /// Evaluates (without the idempotency check) from the attempts that share the number, the lead and the subject key
    /// (each span may hold others; they are filtered) and two block spans.
    /// </summary>
    /// <remarks>
    /// Generic over how an attempt is stored (<see cref="AttemptEntry"/>, or the in-memory ledger's compact
    /// <see cref="LoggedAttempt"/>), so a ledger decides over what it holds without copying it into public entries.
    /// </remarks>
    internal static LedgerResult Evaluate<TAttempt>(
        in AttemptContext attempt,
        ProtectionRules rules,
        ReadOnlySpan<TAttempt> numberAttempts,
        ReadOnlySpan<TAttempt> leadAttempts,
        ReadOnlySpan<TAttempt> subjectAttempts,
        ReadOnlySpan<ProtectionBlock> blocks,
        ReadOnlySpan<ProtectionBlock> moreBlocks,
        bool sorted = false)
        where TAttempt : struct, IAttemptRecord
    {
        var request = attempt.Request;
        var now = attempt.At;
        var reasons = new ReasonCollector();
        foreach (var limit in rules.LimitSpan)
        {
            ReadOnlySpan<TAttempt> span;
            switch (limit.Key)
            {
                case AttemptKeyKind.Lead:
                    span = leadAttempts;
                    break;
                case AttemptKeyKind.Subject:
                    if (request.SubjectKey is null)
                    {
                        continue;
                    }

                    span = subjectAttempts;
                    break;
                default:
                    span = numberAttempts;
                    break;
            }

            if (CheckLimit(limit, request, now, attempt.CalleeZone, span, sorted, out var clearsAt))
            {
                reasons.Add(ProtectionReasons.ForLimit(limit, clearsAt));
            }
        }

        AddBlocks(ref reasons, request, now, blocks);
        AddBlocks(ref reasons, request, now, moreBlocks);
        return reasons.Count == 0 ? LedgerResult.Allowed(now) : LedgerResult.Denied(now, reasons.ToList());
    }

    /// <summary>The start of the local day of <paramref name="at"/> in <paramref name="zone"/> and the start of the next one.</summary>
    public static (Instant Start, Instant End) LocalDayBounds(DateTimeZone zone, Instant at)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var cached = t_lastDay;
        if (ReferenceEquals(cached.Zone, zone) && at >= cached.Start && at < cached.End)
        {
            return (cached.Start, cached.End);
        }

        var date = at.InZone(zone).Date;
        var start = StartOfDay(zone, date);
        var end = StartOfDay(zone, date.PlusDays(1));
        t_lastDay = new DayBounds(zone, start, end);
        return (start, end);
    }

    /// <summary>
    /// The first instant of <paramref name="date"/> in <paramref name="zone"/> (NodaTime's <c>AtStartOfDay</c>, also for a
    /// skipped day), without allocating when no offset change lies near that midnight (the common case).
    /// </summary>
    private static Instant StartOfDay(DateTimeZone zone, LocalDate date)
    {
        var asIfUtc = date.AtMidnight().InUtc().ToInstant();
        var offset = zone.GetUtcOffset(asIfUtc);
        var candidate = asIfUtc - Duration.FromSeconds(offset.Seconds);
        var interval = zone.GetZoneInterval(candidate);
        var margin = Duration.FromHours(30);
        if (interval.WallOffset == offset &&
            (!interval.HasStart || candidate - interval.Start > margin) &&
            (!interval.HasEnd || interval.End - candidate > margin))
        {
            return candidate;
        }

        // An offset change near midnight: a repeated midnight starts the day at its earlier occurrence; a skipped one
        // (or a skipped day, as in Pacific/Apia on 2011-12-30) at the first instant after the gap.
        var mapping = zone.MapLocal(date.AtMidnight());
        return mapping.Count > 0 ? mapping.First().ToInstant() : mapping.LateInterval.Start;
    }

    private static void AddBlocks(ref ReasonCollector reasons, DialRequest request, Instant now, ReadOnlySpan<ProtectionBlock> blocks)
    {
        foreach (ref readonly var block in blocks)
        {
            if (block.AppliesTo(request, now))
            {
                reasons.Add(ProtectionReasons.ForBlock(block.Kind, block.Until));
            }
        }
    }

    private static bool CheckLimit<TAttempt>(CountLimit limit, DialRequest request, Instant now, DateTimeZone calleeZone, ReadOnlySpan<TAttempt> attempts, bool sorted, out Instant clearsAt)
        where TAttempt : struct, IAttemptRecord
    {
        Instant from, to;
        bool rolling = limit.WindowKind == CountWindowKind.Rolling;
        if (rolling)
        {
            // Half-open (now - window, now]; later attempts (recorded at a later instant by another caller) count too.
            from = now - limit.Window;
            to = Instant.MaxValue;
        }
        else
        {
            (from, to) = LocalDayBounds(limit.Zone ?? calleeZone, now);
        }

        if (sorted)
        {
            // Sorted by recorded instant: only the tail from the window's start can count.
            var first = attempts.Length;
            while (first > 0 && attempts[first - 1].RecordedAt >= from)
            {
                first--;
            }

            attempts = attempts[first..];
        }

        var count = 0;
        foreach (ref readonly var entry in attempts)
        {
            if (Counts(limit, request, entry, from, to, rolling))
            {
                count++;
            }
        }

        if (count < limit.MaxCount)
        {
            clearsAt = default;
            return false;
        }

        clearsAt = rolling ? MthMostRecent(limit, request, attempts, from, limit.MaxCount) + limit.Window : to;
        return true;
    }

    private static bool Counts<TAttempt>(CountLimit limit, DialRequest request, in TAttempt entry, Instant from, Instant to, bool rolling)
        where TAttempt : struct, IAttemptRecord
    {
        var at = entry.RecordedAt;
        if (rolling ? at <= from : at < from || at >= to)
        {
            return false;
        }

        var keyMatches = limit.Key switch
        {
            AttemptKeyKind.Number => entry.Phone == request.Phone,
            AttemptKeyKind.NumberAndLead => entry.Phone == request.Phone && SameId(entry.LeadId, request.LeadId),
            AttemptKeyKind.Lead => SameId(entry.LeadId, request.LeadId),
            _ => SameId(entry.SubjectKey, request.SubjectKey),
        };
        return keyMatches && limit.Scope switch
        {
            LimitScope.Client => SameId(entry.ClientId, request.ClientId),
            LimitScope.Campaign => SameId(entry.CampaignId, request.CampaignId),
            _ => true,
        };
    }

    private static bool SameId(string? a, string? b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);

    private static Instant MthMostRecent<TAttempt>(CountLimit limit, DialRequest request, ReadOnlySpan<TAttempt> attempts, Instant from, int m)
        where TAttempt : struct, IAttemptRecord
    {
        // Keep the m most recent counted instants, sorted descending; the last one is the answer.
        Instant[]? rented = null;
        var top = m <= StackCountLimit ? stackalloc Instant[StackCountLimit] : (rented = ArrayPool<Instant>.Shared.Rent(m));
        try
        {
            var filled = 0;
            foreach (ref readonly var entry in attempts)
            {
                if (!Counts(limit, request, entry, from, Instant.MaxValue, rolling: true))
                {
                    continue;
                }

                var t = entry.RecordedAt;
                if (filled == m && t <= top[m - 1])
                {
                    continue;
                }

                var i = filled < m ? filled++ : m - 1;
                while (i > 0 && top[i - 1] < t)
                {
                    top[i] = top[i - 1];
                    i--;
                }

                top[i] = t;
            }

            return top[m - 1];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Instant>.Shared.Return(rented);
            }
        }
    }

    private readonly record struct DayBounds(DateTimeZone? Zone, Instant Start, Instant End);

    private ref struct ReasonCollector
    {
        private DenialReason _first;
        private DenialReason[]? _many;

        public int Count { get; private set; }

        public void Add(DenialReason reason)
        {
            if (Count == 0)
            {
                _first = reason;
            }
            else
            {
                if (_many is null)
                {
                    _many = new DenialReason[4];
                    _many[0] = _first;
                }
                else if (Count == _many.Length)
                {
                    Array.Resize(ref _many, Count * 2);
                }

                _many[Count] = reason;
            }

            Count++;
        }

        public readonly DenialReasonList ToList()
        {
            if (_many is null)
            {
                return Count == 0 ? default : new DenialReasonList(_first);
            }

            var exact = _many;
            if (exact.Length != Count)
            {
                Array.Resize(ref exact, Count);
            }

            return new DenialReasonList(exact);
        }
    }
}
