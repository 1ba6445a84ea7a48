using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The default <see cref="IAttemptLedger"/>: everything in process memory, lost on restart (use the SQLite or
/// PostgreSQL provider for durable protection). Evaluates with <see cref="ProtectionDecider"/> at
/// <see cref="AttemptContext.At"/>.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. State is split into 64 stripes, each with its own lock (a spin gate: the guarded sections are short);
/// an operation locks the stripes of every key it reads (the number, and the lead and subject when some rule or block
/// needs them) in ascending stripe order, so check-and-record is atomic over all its keys and cannot deadlock.
/// </para>
/// <para>
/// The allow and deny paths allocate nothing once a number's arrays have grown to their steady size. History is
/// trimmed on every record to the longest horizon of the rules seen (and at least <see cref="MinimumRetention"/>),
/// so the memory held per number is bounded by the attempts inside that horizon; <see cref="PurgeAsync"/> also drops
/// numbers that are no longer called and blocks that have cleared. An attempt is stored compactly (56 bytes: a
/// reference to its <see cref="DialRequest"/>, which is immutable and therefore kept rather than copied, the recorded
/// instant, a hash of the call id and the outcome), in an array referenced from the number's slot of the stripe's
/// open-addressing table, next to a one-word filter of the logged call ids; <see cref="AttemptEntry"/> values are built
/// only when asked for (<see cref="GetHistoryAsync"/>, <see cref="GetAttemptAsync"/>).
/// </para>
/// <para>
/// The common case takes a fused fast path: while no lead or subject index is kept and no lead block exists, only the
/// number's stripe is locked; when every limit is keyed by the number with global scope (the default rules) and the
/// number has no block, the limits are checked by counting recorded instants back from the newest attempt, and the
/// reference <see cref="ProtectionDecider"/> runs only when some limit is reached (so a denial still lists every reason
/// with its clear instant). Both paths decide identically; the tests check them against each other. Before taking the
/// lock, the fast path prefetches the number's slot, so the slot arrives while the lock is taken; it hashes the call id
/// under the lock, where the string's loads overlap the history's instead of delaying the lock.
/// </para>
/// <para>
/// Lead- and subject-keyed limits need the attempts of a lead or subject across numbers: the ledger starts keeping
/// those indexes the first time it sees rules that need them (rebuilding them from the numbers' history under every
/// lock), and keeps them from then on.
/// </para>
/// </remarks>
public sealed class InMemoryAttemptLedger : IAttemptLedger
{
    /// <summary>The default of <see cref="MinimumRetention"/>: one day.</summary>
    public static readonly Duration DefaultMinimumRetention = Duration.FromDays(1);

    private const int StripeCount = 64;
    private const int StripeMask = StripeCount - 1;

    private readonly Stripe[] _stripes;
    private readonly ConcurrentDictionary<string, BlockLocation> _blockIndex = new(StringComparer.Ordinal);
    private readonly SharedDayBounds _days = new();
    private RetentionValue _retention;
    private volatile bool _trackLeads;
    private volatile bool _trackSubjects;
    private int _leadBlocks;

    /// <summary>Creates an empty ledger.</summary>
    /// <param name="minimumRetention">
    /// How long attempts are kept at least, even when every rule looks back less far (so late outcomes still find their
    /// attempt and re-recorded ids are still recognised); <see cref="DefaultMinimumRetention"/> when null.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumRetention"/> is negative.</exception>
    public InMemoryAttemptLedger(Duration? minimumRetention = null)
    {
        var retention = minimumRetention ?? DefaultMinimumRetention;
        if (retention < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRetention), retention, $"minimumRetention = {retention} must not be negative.");
        }

        MinimumRetention = retention;
        _retention = new RetentionValue(retention);
        _stripes = new Stripe[StripeCount];
        for (var i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new Stripe(_days);
        }
    }

    /// <summary>How long attempts are kept at least.</summary>
    public Duration MinimumRetention { get; }

    /// <summary>How long attempts are kept: the longest of <see cref="MinimumRetention"/> and every rule horizon seen.</summary>
    public Duration Retention => Volatile.Read(ref _retention).Span;

    /// <summary>The number of distinct phone numbers with stored attempts or blocks.</summary>
    public int TrackedNumbers
    {
        get
        {
            var total = 0;
            foreach (var stripe in _stripes)
            {
                using (stripe.Gate.EnterScope())
                {
                    total += stripe.Numbers.Count;
                }
            }

            return total;
        }
    }

    /// <inheritdoc/>
    public ValueTask<LedgerResult> TryRecordAttemptAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Decide(attempt, rules, record: true));
    }

    /// <inheritdoc/>
    public ValueTask<LedgerResult> EvaluateAsync(AttemptContext attempt, ProtectionRules rules, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Decide(attempt, rules, record: false));
    }

    private LedgerResult Decide(in AttemptContext attempt, ProtectionRules rules, bool record)
    {
        attempt.EnsureValid(nameof(attempt));
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Horizon > Volatile.Read(ref _retention).Span)
        {
            RaiseRetention(rules.Horizon);
        }

        if (rules.NumberGlobalOnly && !_trackLeads && !_trackSubjects && Volatile.Read(ref _leadBlocks) == 0)
        {
            // The fused fast path (see the remarks): one stripe lock; when the number has a block or some limit holds its
            // maximum, it changes nothing and the reference decider runs under the same lock to list every reason.
            var stripe = NumberStripe(attempt.Request.Phone);
            stripe.Numbers.Prefetch(attempt.Request.Phone.Value);
            var decision = FastDecision.Declined;
            var recordedAt = default(Instant);
            var full = default(LedgerResult);
            using (stripe.Gate.EnterScope())
            {
                // Tracking may have started meanwhile: then the general path below locks the lead's and subject's stripes.
                if (!_trackLeads && !_trackSubjects)
                {
                    decision = FastLocked(stripe, attempt, rules, record, out recordedAt, ref full);
                }
            }

            switch (decision)
            {
                case FastDecision.Decided:
                    return full;
                case FastDecision.Recorded or FastDecision.AlreadyRecorded or FastDecision.Allowed:
                    return LedgerResult.Create((LedgerStatus)decision, attempt.At, recordedAt);
            }
        }

        // Rules the fast path does not take (or tracking started meanwhile): the full path, out of line so that none of
        // its temporaries are zeroed on every fast-path call.
        return CheckAndRecord(attempt, rules, record);
    }

    // A block on the number or a reached limit: the reference decider over the number's log (already trimmed, the id
    // not in it), so every reason is listed. Out of line: its temporaries stay out of the fast path's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static LedgerResult DecideNumberLocked(ref KeyLog log, in AttemptContext attempt, ProtectionRules rules, bool record, int idHash)
    {
        var result = ProtectionDecider.Evaluate(attempt, rules, log.Attempts, default, default, log.Blocks, default, sorted: true);
        if (!result.IsAllowed || !record)
        {
            return result;
        }

        log.Add(attempt.Request, idHash, attempt.At);
        return LedgerResult.Recorded(attempt.At);
    }

    /// <summary>
    /// The fast path under the number's stripe lock, for rules whose limits are all keyed by the number with global scope
    /// while no lead or subject is read: decides from the number's log alone — by counting back from the newest attempt
    /// while nothing binds, or, when the number has a block or some limit holds its maximum, with the reference decider
    /// (<see cref="FastDecision.Decided"/>, the result in <paramref name="decided"/>), so a denial lists every reason.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FastDecision FastLocked(Stripe stripe, in AttemptContext attempt, ProtectionRules rules, bool record, out Instant recordedAt, ref LedgerResult decided)
    {
        recordedAt = default;
        var request = attempt.Request;
        var now = attempt.At;
        var idHash = LoggedAttempt.HashId(request.CallId);
        ref var log = ref stripe.Numbers.Find(request.Phone.Value);
        if (!Unsafe.IsNullRef(ref log))
        {
            if (log.Count > 0)
            {
                log.TrimBefore(now - Volatile.Read(ref _retention).Span);
                if (log.IndexOf(request.CallId, idHash) is var position and >= 0)
                {
                    recordedAt = log.Attempts[position].RecordedAt;
                    return FastDecision.AlreadyRecorded;
                }
            }

            if (log.BlockCount != 0 || AnyLimitReached(attempt, rules, log.Attempts, stripe.Days))
            {
                decided = DecideNumberLocked(ref log, attempt, rules, record, idHash);
                return FastDecision.Decided;
            }
        }
        else if (record)
        {
            log = ref stripe.Numbers.GetOrAdd(request.Phone.Value);
        }

        if (!record)
        {
            return FastDecision.Allowed;
        }

        log.Add(request, idHash, now);
        recordedAt = now;
        return FastDecision.Recorded;
    }

    /// <inheritdoc/>
    public ValueTask<bool> VoidAttemptAsync(DialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_trackLeads && !_trackSubjects)
        {
            // No lead or subject indexes: the attempt lives in its number's log only, under that one stripe lock.
            var numberStripe = NumberStripe(request.Phone);
            using (numberStripe.Gate.EnterScope())
            {
                if (!_trackLeads && !_trackSubjects)
                {
                    return new(VoidInNumberLog(numberStripe, request));
                }
            }
        }

        var lead = request.LeadId;
        var subject = request.SubjectKey;
        Span<int> set = stackalloc int[3];
        while (true)
        {
            var trackLeads = _trackLeads;
            var trackSubjects = _trackSubjects;
            var count = BuildLockSet(set, request.Phone, trackLeads ? lead : null, trackSubjects ? subject : null);
            Enter(set[..count]);
            try
            {
                if (trackLeads != _trackLeads || trackSubjects != _trackSubjects)
                {
                    continue;
                }

                var stripe = NumberStripe(request.Phone);
                ref var log = ref stripe.Numbers.Find(request.Phone.Value);
                if (Unsafe.IsNullRef(ref log))
                {
                    return new(false);
                }

                var position = log.IndexOf(request.CallId);
                if (position < 0)
                {
                    return new(false);
                }

                var recorded = log.Attempts[position];
                if (recorded.HasOutcome)
                {
                    return new(false);
                }

                if ((trackLeads && !string.Equals(recorded.Request.LeadId, lead, StringComparison.Ordinal)) ||
                    (trackSubjects && !string.Equals(recorded.Request.SubjectKey, subject, StringComparison.Ordinal)))
                {
                    // Recorded under other keys than this request states: lock those instead and try again.
                    lead = recorded.Request.LeadId;
                    subject = recorded.Request.SubjectKey;
                    continue;
                }

                log.RemoveAt(position);
                if (trackLeads)
                {
                    RemoveFrom(KeyStripe(lead).Leads, lead, request.CallId);
                }

                if (trackSubjects && subject is not null)
                {
                    RemoveFrom(KeyStripe(subject).Subjects, subject, request.CallId);
                }

                return new(true);
            }
            finally
            {
                Exit(set[..count]);
            }
        }
    }

    private static bool VoidInNumberLog(Stripe stripe, DialRequest request)
    {
        ref var log = ref stripe.Numbers.Find(request.Phone.Value);
        if (Unsafe.IsNullRef(ref log) ||
            log.IndexOf(request.CallId) is not (var position and >= 0) ||
            log.Attempts[position].HasOutcome)
        {
            return false;
        }

        log.RemoveAt(position);
        return true;
    }

    /// <inheritdoc/>
    public ValueTask<OutcomeRecordStatus> RecordOutcomeAsync(CallOutcome outcome, IReadOnlyList<ProtectionBlock> blocks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(blocks);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Id is null)
            {
                throw new ArgumentException($"blocks[{i}] is default(ProtectionBlock).", nameof(blocks));
            }
        }

        var request = outcome.Request;
        var set = new int[3 + blocks.Count];
        List<(BlockLocation Location, string Id)>? relocated = null;
        OutcomeRecordStatus status;
        while (true)
        {
            var trackLeads = _trackLeads;
            var trackSubjects = _trackSubjects;
            var count = BuildLockSet(set, request.Phone, trackLeads ? request.LeadId : null, trackSubjects ? request.SubjectKey : null);
            foreach (var block in blocks)
            {
                count = AddToSet(set, count, block.Target == BlockTarget.Number ? NumberStripeIndex(block.Phone) : KeyStripeIndex(block.LeadId!));
            }

            Enter(set.AsSpan(0, count));
            try
            {
                if (trackLeads != _trackLeads || trackSubjects != _trackSubjects)
                {
                    continue;
                }

                status = ApplyOutcome(outcome, trackLeads, trackSubjects);
                if (status != OutcomeRecordStatus.Unchanged)
                {
                    foreach (var block in blocks)
                    {
                        if (StoreBlockLocked(block) is { } old)
                        {
                            (relocated ??= []).Add((old, block.Id));
                        }
                    }
                }

                break;
            }
            finally
            {
                Exit(set.AsSpan(0, count));
            }
        }

        if (relocated is not null)
        {
            foreach (var (location, id) in relocated)
            {
                RemoveRelocated(location, id);
            }
        }

        return new(status);
    }

    /// <inheritdoc/>
    public ValueTask<AttemptEntry?> GetAttemptAsync(string attemptId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        cancellationToken.ThrowIfCancellationRequested();
        var hash = LoggedAttempt.HashId(attemptId);
        foreach (var stripe in _stripes)
        {
            using (stripe.Gate.EnterScope())
            {
                foreach (ref var log in stripe.Numbers)
                {
                    if (log.IndexOf(attemptId, hash) is var position and >= 0)
                    {
                        return new(log.EntryAt(position));
                    }
                }
            }
        }

        return new((AttemptEntry?)null);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<AttemptEntry>> GetHistoryAsync(PhoneNumber phone, Instant since, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        cancellationToken.ThrowIfCancellationRequested();
        var stripe = NumberStripe(phone);
        var result = new List<AttemptEntry>();
        using (stripe.Gate.EnterScope())
        {
            ref var log = ref stripe.Numbers.Find(phone.Value);
            if (!Unsafe.IsNullRef(ref log))
            {
                foreach (ref readonly var recorded in log.Attempts)
                {
                    if (recorded.RecordedAt >= since)
                    {
                        result.Add(recorded.ToEntry());
                    }
                }
            }
        }

        result.Sort(static (a, b) => a.RecordedAt != b.RecordedAt ? a.RecordedAt.CompareTo(b.RecordedAt) : string.CompareOrdinal(a.AttemptId, b.AttemptId));
        return new(result);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ProtectionBlock>> GetBlocksAsync(PhoneNumber phone, string? leadId = null, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<ProtectionBlock>();
        var stripe = NumberStripe(phone);
        using (stripe.Gate.EnterScope())
        {
            ref var log = ref stripe.Numbers.Find(phone.Value);
            if (!Unsafe.IsNullRef(ref log))
            {
                result.AddRange(log.Blocks);
            }
        }

        if (leadId is not null)
        {
            var leadStripe = KeyStripe(leadId);
            using (leadStripe.Gate.EnterScope())
            {
                if (leadStripe.Leads.TryGetValue(leadId, out var log))
                {
                    foreach (var block in log.Blocks)
                    {
                        if (block.Target == BlockTarget.Lead)
                        {
                            result.Add(block);
                        }
                    }
                }
            }
        }

        SortBlocks(result);
        return new(result);
    }

    /// <inheritdoc/>
    public ValueTask UpsertBlockAsync(ProtectionBlock block, CancellationToken cancellationToken = default)
    {
        if (block.Id is null)
        {
            throw new ArgumentException("block is default(ProtectionBlock).", nameof(block));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var stripe = block.Target == BlockTarget.Number ? NumberStripe(block.Phone) : KeyStripe(block.LeadId!);
        BlockLocation? relocated;
        using (stripe.Gate.EnterScope())
        {
            relocated = StoreBlockLocked(block);
        }

        if (relocated is { } old)
        {
            RemoveRelocated(old, block.Id);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> RemoveBlockAsync(string blockId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        cancellationToken.ThrowIfCancellationRequested();
        while (_blockIndex.TryGetValue(blockId, out var location))
        {
            var stripe = location.Stripe(this);
            using (stripe.Gate.EnterScope())
            {
                if (!_blockIndex.TryGetValue(blockId, out var current) || current != location)
                {
                    continue;
                }

                ref var log = ref location.Log(stripe);
                if (!Unsafe.IsNullRef(ref log) && log.RemoveBlock(blockId, out var removed))
                {
                    OnBlockRemoved(removed);
                    RemoveIfEmpty(stripe, location, log.IsEmpty);
                }

                _blockIndex.TryRemove(blockId, out _);
                return new(true);
            }
        }

        return new(false);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ProtectionBlock>> ListBlocksAsync(BlockKind kind, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = new List<ProtectionBlock>();
        foreach (var (id, location) in _blockIndex)
        {
            var stripe = location.Stripe(this);
            using (stripe.Gate.EnterScope())
            {
                ref var log = ref location.Log(stripe);
                if (!Unsafe.IsNullRef(ref log) && log.TryGetBlock(id, out var block) && block.Kind == kind)
                {
                    result.Add(block);
                }
            }
        }

        SortBlocks(result);
        return new(result);
    }

    /// <inheritdoc/>
    public ValueTask<int> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = 0;
        var emptyNumbers = new List<ulong>();
        var emptyKeys = new List<string>();
        foreach (var stripe in _stripes)
        {
            using (stripe.Gate.EnterScope())
            {
                emptyNumbers.Clear();
                var numbers = stripe.Numbers.GetEnumerator();
                while (numbers.MoveNext())
                {
                    // Logs are changed in place (through a ref); the table itself changes only after the walk.
                    ref var log = ref numbers.Current;
                    removed += log.TrimBefore(olderThan);
                    removed += log.PurgeBlocks(olderThan, OnBlockPurged);
                    if (log.IsEmpty)
                    {
                        emptyNumbers.Add(numbers.Key);
                    }
                }

                foreach (var phone in emptyNumbers)
                {
                    stripe.Numbers.Remove(phone);
                }

                removed += PurgeKeyed(stripe.Leads, olderThan, emptyKeys);
                PurgeKeyed(stripe.Subjects, olderThan, emptyKeys);
            }
        }

        return new(removed);
    }

    internal Stripe NumberStripe(PhoneNumber phone) => _stripes[NumberStripeIndex(phone)];

    internal Stripe KeyStripe(string key) => _stripes[KeyStripeIndex(key)];

    private static int NumberStripeIndex(PhoneNumber phone)
    {
        var v = phone.Value * 0x9E3779B97F4A7C15UL;
        return (int)(v >> 58) & StripeMask;
    }

    private static int KeyStripeIndex(string key) => StringComparer.Ordinal.GetHashCode(key) & StripeMask;

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }
    }

    // The general path, after Decide validated the arguments and raised the retention. Not inlined into Decide: its
    // frame (the decider's temporaries) would be zeroed on every fast-path call too.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private LedgerResult CheckAndRecord(AttemptContext attempt, ProtectionRules rules, bool record)
    {
        if ((rules.NeedsLead && !_trackLeads) || (rules.NeedsSubject && !_trackSubjects))
        {
            StartTracking(rules.NeedsLead, rules.NeedsSubject);
        }

        var request = attempt.Request;
        if (!_trackLeads && !_trackSubjects && Volatile.Read(ref _leadBlocks) == 0)
        {
            // The common case: only the number's own state is read, so only its stripe is locked. Tracking only ever
            // starts (under every lock), so seeing it still off under this lock means no lead or subject log is needed.
            var stripe = NumberStripe(request.Phone);
            using (stripe.Gate.EnterScope())
            {
                if (!_trackLeads && !_trackSubjects)
                {
                    return CheckAndRecordLocked(attempt, rules, record, readLeads: false, trackLeads: false, subject: null);
                }
            }
        }

        Span<int> set = stackalloc int[3];
        while (true)
        {
            var trackLeads = _trackLeads;
            var trackSubjects = _trackSubjects;
            var readLeads = trackLeads || Volatile.Read(ref _leadBlocks) > 0;
            var subject = trackSubjects ? request.SubjectKey : null;
            var count = BuildLockSet(set, request.Phone, readLeads ? request.LeadId : null, subject);
            Enter(set[..count]);
            try
            {
                if (trackLeads != _trackLeads || trackSubjects != _trackSubjects)
                {
                    continue;
                }

                return CheckAndRecordLocked(attempt, rules, record, readLeads, trackLeads, subject);
            }
            finally
            {
                Exit(set[..count]);
            }
        }
    }

    private LedgerResult CheckAndRecordLocked(in AttemptContext attempt, ProtectionRules rules, bool record, bool readLeads, bool trackLeads, string? subject)
    {
        var request = attempt.Request;
        var now = attempt.At;
        var cutoff = now - Volatile.Read(ref _retention).Span;
        var stripe = NumberStripe(request.Phone);
        var idHash = LoggedAttempt.HashId(request.CallId);
        ref var numberLog = ref stripe.Numbers.Find(request.Phone.Value);
        var hasNumberLog = !Unsafe.IsNullRef(ref numberLog);
        if (hasNumberLog && numberLog.Count > 0)
        {
            numberLog.TrimBefore(cutoff);
            if (numberLog.IndexOf(request.CallId, idHash) is var position and >= 0)
            {
                return LedgerResult.AlreadyRecorded(now, numberLog.Attempts[position].RecordedAt);
            }
        }

        // Rules keyed by the number alone take Decide's fast path; here the reference decider always decides.
        var result = hasNumberLog
            ? EvaluateLocked(attempt, rules, numberLog.Attempts, numberLog.Blocks, readLeads, subject, cutoff)
            : EvaluateLocked(attempt, rules, default, default, readLeads, subject, cutoff);

        if (!result.IsAllowed || !record)
        {
            return result;
        }

        var entry = new LoggedAttempt(request, idHash, now);
        stripe.Numbers.GetOrAdd(request.Phone.Value).Insert(entry);
        if (trackLeads)
        {
            GetOrAdd(KeyStripe(request.LeadId).Leads, request.LeadId).Insert(entry);
        }

        if (subject is not null)
        {
            GetOrAdd(KeyStripe(subject).Subjects, subject).Insert(entry);
        }

        return LedgerResult.Recorded(now);
    }

    /// <summary>
    /// For rules whose limits are all keyed by the number with global scope (<see cref="ProtectionRules.NumberGlobalOnly"/>):
    /// whether some limit already holds its maximum among <paramref name="entries"/> (the number's attempts, sorted by
    /// recorded instant), i.e. exactly when <see cref="ProtectionDecider"/> would give a limit reason. Every entry of a
    /// number's log shares the number, so counting is comparing instants from the newest entry back.
    /// </summary>
    internal static bool AnyLimitReached(in AttemptContext attempt, ProtectionRules rules, ReadOnlySpan<LoggedAttempt> entries, DayBoundsCache days)
    {
        if (entries.IsEmpty)
        {
            return false;
        }

        var now = attempt.At;
        foreach (var limit in rules.LimitSpan)
        {
            var max = limit.MaxCount;
            if (entries.Length < max)
            {
                continue;
            }

            var count = 0;
            if (limit.WindowKind == CountWindowKind.Rolling)
            {
                // (now - window, ∞): later attempts recorded by another caller count too.
                var from = now - limit.Window;
                for (var i = entries.Length - 1; i >= 0 && entries[i].RecordedAt > from && count < max; i--)
                {
                    count++;
                }
            }
            else
            {
                var (start, end) = days.Get(limit.Zone ?? attempt.CalleeZone, now);
                for (var i = entries.Length - 1; i >= 0 && count < max; i--)
                {
                    var at = entries[i].RecordedAt;
                    if (at < start)
                    {
                        break;
                    }

                    if (at < end)
                    {
                        count++;
                    }
                }
            }

            if (count >= max)
            {
                return true;
            }
        }

        return false;
    }

    private LedgerResult EvaluateLocked(in AttemptContext attempt, ProtectionRules rules, ReadOnlySpan<LoggedAttempt> numberAttempts, ReadOnlySpan<ProtectionBlock> numberBlocks, bool readLeads, string? subject, Instant cutoff)
    {
        ReadOnlySpan<LoggedAttempt> leadAttempts = default;
        ReadOnlySpan<ProtectionBlock> leadBlocks = default;
        ReadOnlySpan<LoggedAttempt> subjectAttempts = default;
        if (readLeads)
        {
            ref var leadLog = ref CollectionsMarshal.GetValueRefOrNullRef(KeyStripe(attempt.Request.LeadId).Leads, attempt.Request.LeadId);
            if (!Unsafe.IsNullRef(ref leadLog))
            {
                leadLog.TrimBefore(cutoff);
                leadAttempts = leadLog.Attempts;
                leadBlocks = leadLog.Blocks;
            }
        }

        if (subject is not null)
        {
            ref var subjectLog = ref CollectionsMarshal.GetValueRefOrNullRef(KeyStripe(subject).Subjects, subject);
            if (!Unsafe.IsNullRef(ref subjectLog))
            {
                subjectLog.TrimBefore(cutoff);
                subjectAttempts = subjectLog.Attempts;
            }
        }

        return ProtectionDecider.Evaluate(attempt, rules, numberAttempts, leadAttempts, subjectAttempts, numberBlocks, leadBlocks, sorted: true);
    }

    private OutcomeRecordStatus ApplyOutcome(CallOutcome outcome, bool trackLeads, bool trackSubjects)
    {
        var request = outcome.Request;
        var stripe = NumberStripe(request.Phone);
        ref var log = ref stripe.Numbers.Find(request.Phone.Value);
        if (!Unsafe.IsNullRef(ref log) && log.IndexOf(request.CallId) is var position and >= 0)
        {
            var entry = log.Attempts[position];
            OutcomeRecordStatus status;
            if (!entry.HasOutcome)
            {
                status = OutcomeRecordStatus.Recorded;
            }
            else if (entry.OutcomeCategory == DispositionCategory.Unknown && !outcome.Disposition.IsUnknown)
            {
                status = OutcomeRecordStatus.Updated;
            }
            else
            {
                return OutcomeRecordStatus.Unchanged;
            }

            log.SetOutcome(position, outcome.Disposition, outcome.OccurredAt);
            return status;
        }

        // The call happened but the ledger does not hold it: record it at the outcome's instant so it counts.
        var added = new LoggedAttempt(request, LoggedAttempt.HashId(request.CallId), outcome.OccurredAt);
        added.SetOutcome(outcome.Disposition, outcome.OccurredAt);
        stripe.Numbers.GetOrAdd(request.Phone.Value).Insert(added);
        if (trackLeads)
        {
            GetOrAdd(KeyStripe(request.LeadId).Leads, request.LeadId).Insert(added);
        }

        if (trackSubjects && request.SubjectKey is { } subject)
        {
            GetOrAdd(KeyStripe(subject).Subjects, subject).Insert(added);
        }

        return OutcomeRecordStatus.RecordedAsNewAttempt;
    }

    /// <summary>
    /// Stores a block in its target's log; the caller holds the target's stripe lock. Returns where a block with the
    /// same id was stored under another target (the caller removes it after releasing its locks), or null.
    /// </summary>
    private BlockLocation? StoreBlockLocked(in ProtectionBlock block)
    {
        var location = BlockLocation.Of(block);
        var stripe = location.Stripe(this);
        var replaced = location.Target == BlockTarget.Number
            ? stripe.Numbers.GetOrAdd(location.Phone).UpsertBlock(block)
            : GetOrAdd(stripe.Leads, location.LeadId!).UpsertBlock(block);
        if (!replaced && block.Target == BlockTarget.Lead)
        {
            Interlocked.Increment(ref _leadBlocks);
        }

        var previous = _blockIndex.GetOrAdd(block.Id, location);
        if (previous == location)
        {
            return null;
        }

        // The same id was stored under another target: the new block is in force first, then the old one goes.
        _blockIndex[block.Id] = location;
        return previous;
    }

    private void RemoveRelocated(BlockLocation old, string id)
    {
        var stripe = old.Stripe(this);
        using (stripe.Gate.EnterScope())
        {
            RemoveOld(stripe, old, id);
        }
    }

    private void RemoveOld(Stripe stripe, BlockLocation old, string id)
    {
        ref var log = ref old.Log(stripe);
        if (!Unsafe.IsNullRef(ref log) && log.RemoveBlock(id, out var removed))
        {
            OnBlockRemoved(removed);
        }
    }

    private void OnBlockRemoved(in ProtectionBlock block)
    {
        if (block.Target == BlockTarget.Lead)
        {
            Interlocked.Decrement(ref _leadBlocks);
        }
    }

    private void OnBlockPurged(ProtectionBlock block)
    {
        OnBlockRemoved(block);
        if (_blockIndex.TryGetValue(block.Id, out var location) && location == BlockLocation.Of(block))
        {
            _blockIndex.TryRemove(new KeyValuePair<string, BlockLocation>(block.Id, location));
        }
    }

    private int PurgeKeyed(Dictionary<string, KeyLog> logs, Instant olderThan, List<string> empty)
    {
        var removed = 0;
        empty.Clear();
        foreach (var key in logs.Keys)
        {
            ref var log = ref CollectionsMarshal.GetValueRefOrNullRef(logs, key);
            log.TrimBefore(olderThan);
            removed += log.PurgeBlocks(olderThan, OnBlockPurged);
            if (log.IsEmpty)
            {
                empty.Add(key);
            }
        }

        foreach (var key in empty)
        {
            logs.Remove(key);
        }

        return removed;
    }

    private static void RemoveIfEmpty(Stripe stripe, BlockLocation location, bool isEmpty)
    {
        if (!isEmpty)
        {
            return;
        }

        if (location.Target == BlockTarget.Number)
        {
            stripe.Numbers.Remove(location.Phone);
        }
        else
        {
            stripe.Leads.Remove(location.LeadId!);
        }
    }

    private static void RemoveFrom(Dictionary<string, KeyLog> logs, string key, string attemptId)
    {
        ref var log = ref CollectionsMarshal.GetValueRefOrNullRef(logs, key);
        if (!Unsafe.IsNullRef(ref log) && log.IndexOf(attemptId) is var position and >= 0)
        {
            log.RemoveAt(position);
        }
    }

    /// <summary>The log stored under <paramref name="key"/> (added empty when missing), by reference.</summary>
    private static ref KeyLog GetOrAdd<TKey>(Dictionary<TKey, KeyLog> logs, TKey key)
        where TKey : notnull =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(logs, key, out _);

    private static void SortBlocks(List<ProtectionBlock> blocks) =>
        blocks.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));

    private void RaiseRetention(Duration horizon)
    {
        var current = Volatile.Read(ref _retention);
        while (horizon > current.Span)
        {
            var seen = Interlocked.CompareExchange(ref _retention, new RetentionValue(horizon), current);
            if (ReferenceEquals(seen, current))
            {
                return;
            }

            current = seen;
        }
    }

    private void StartTracking(bool leads, bool subjects)
    {
        EnterAll();
        try
        {
            var addLeads = leads && !_trackLeads;
            var addSubjects = subjects && !_trackSubjects;
            if (!addLeads && !addSubjects)
            {
                return;
            }

            foreach (var stripe in _stripes)
            {
                foreach (ref var log in stripe.Numbers)
                {
                    foreach (ref readonly var entry in log.Attempts)
                    {
                        if (addLeads)
                        {
                            GetOrAdd(KeyStripe(entry.Request.LeadId).Leads, entry.Request.LeadId).Insert(entry);
                        }

                        if (addSubjects && entry.Request.SubjectKey is { } subject)
                        {
                            GetOrAdd(KeyStripe(subject).Subjects, subject).Insert(entry);
                        }
                    }
                }
            }

            _trackLeads |= addLeads;
            _trackSubjects |= addSubjects;
        }
        finally
        {
            ExitAll();
        }
    }

    private static int BuildLockSet(Span<int> set, PhoneNumber phone, string? lead, string? subject)
    {
        set[0] = NumberStripeIndex(phone);
        var count = 1;
        if (lead is not null)
        {
            count = AddToSet(set, count, KeyStripeIndex(lead));
        }

        if (subject is not null)
        {
            count = AddToSet(set, count, KeyStripeIndex(subject));
        }

        return count;
    }

    /// <summary>Inserts <paramref name="index"/> into the sorted, distinct prefix of <paramref name="set"/>.</summary>
    private static int AddToSet(Span<int> set, int count, int index)
    {
        var i = count;
        while (i > 0 && set[i - 1] > index)
        {
            i--;
        }

        if (i > 0 && set[i - 1] == index)
        {
            return count;
        }

        for (var j = count; j > i; j--)
        {
            set[j] = set[j - 1];
        }

        set[i] = index;
        return count + 1;
    }

    private void Enter(ReadOnlySpan<int> set)
    {
        for (var i = 0; i < set.Length; i++)
        {
            _stripes[set[i]].Gate.Enter();
        }
    }

    private void Exit(ReadOnlySpan<int> set)
    {
        for (var i = set.Length - 1; i >= 0; i--)
        {
            _stripes[set[i]].Gate.Exit();
        }
    }

    private void EnterAll()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Gate.Enter();
        }
    }

    private void ExitAll()
    {
        for (var i = _stripes.Length - 1; i >= 0; i--)
        {
            _stripes[i].Gate.Exit();
        }
    }

    /// <summary>Where a block is stored.</summary>
    private readonly record struct BlockLocation(BlockTarget Target, ulong Phone, string? LeadId)
    {
        public static BlockLocation Of(in ProtectionBlock block) =>
            block.Target == BlockTarget.Number ? new(BlockTarget.Number, block.Phone.Value, null) : new(BlockTarget.Lead, 0, block.LeadId);

        public Stripe Stripe(InMemoryAttemptLedger ledger) =>
            Target == BlockTarget.Number ? ledger._stripes[NumberStripeIndex(PhoneNumber.FromValue(Phone))] : ledger.KeyStripe(LeadId!);

        /// <summary>The log the block is stored in, by reference; a null reference when there is none.</summary>
        public ref KeyLog Log(Stripe stripe)
        {
            if (Target == BlockTarget.Number)
            {
                return ref stripe.Numbers.Find(Phone);
            }

            return ref CollectionsMarshal.GetValueRefOrNullRef(stripe.Leads, LeadId!);
        }
    }

    /// <summary>The retention as one immutable value, so readers get the span without converting nanoseconds.</summary>
    private sealed class RetentionValue(Duration span)
    {
        public Duration Span { get; } = span;
    }

    /// <summary>One lock and the state of the keys that hash to it.</summary>
    internal sealed class Stripe(SharedDayBounds days)
    {
        // Fields, not properties: both are mutable structs used in place, and the lock word sits next to the table's
        // array reference and mask (the fast path reads the stripe's object once for both).
        public StripeGate Gate;

        public NumberTable Numbers = new();

        public Dictionary<string, KeyLog> Leads { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, KeyLog> Subjects { get; } = new(StringComparer.Ordinal);

        /// <summary>Local day bounds seen under this stripe's lock; misses go to the ledger's shared cache.</summary>
        public DayBoundsCache Days { get; } = new(days);
    }

    /// <summary>
    /// What the fast path decided: the <see cref="LedgerStatus"/> of an allowed attempt, a result the reference decider
    /// gave under the same lock, or declined (lead or subject tracking started meanwhile: the general path decides).
    /// </summary>
    private enum FastDecision
    {
        Decided = -2,
        Declined = -1,
        Recorded = LedgerStatus.Recorded,
        AlreadyRecorded = LedgerStatus.AlreadyRecorded,
        Allowed = LedgerStatus.Allowed,
    }

}
