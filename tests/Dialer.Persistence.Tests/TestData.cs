using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using FsCheck;
using FsCheck.Fluent;
using NodaTime;

namespace Dialer.Persistence.Tests;

/// <summary>Generators and samples of every record type, and a field-by-field comparison of data sets.</summary>
public static class TestData
{
    public static readonly Instant T0 = Instant.FromUtc(2025, 3, 9, 12, 0);

    // Identifiers with characters a JSON writer must escape or keep: quotes, backslashes, control characters, '+', non-ASCII.
    private static readonly string[] Fancy = ["a", "lead", "ü-测试", "q\"uote", "back\\slash", "tab\tnew\nline", "+plus", "<tag>&", "emoji-😀", "x y"];

    // 2002 to 2072 in 100 ns ticks: every store keeps these exactly (the SQLite store refuses attempts before 2000 as
    // implausible and stores ticks; the format itself keeps nanoseconds, see Read_NullOptionalFields_AreAcceptedAsMissing).
    public static Gen<Instant> Instants { get; } =
        from seconds in Gen.Choose(-700_000_000, 1_500_000_000)
        from ticks in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 9_999_999)))
        select T0 + Duration.FromSeconds(seconds) + Duration.FromTicks(ticks);

    public static Gen<Instant?> OptionalInstants { get; } = Gen.Frequency((1, Gen.Constant((Instant?)null)), (2, Instants.Select(i => (Instant?)i)));

    public static Gen<PhoneNumber> Phones { get; } =
        from cc in Gen.Elements(1UL, 44UL, 49UL, 353UL)
        from rest in Gen.Choose(1_000_000, 999_999_999)
        select PhoneNumber.FromValue(ulong.Parse(cc.ToString() + rest.ToString("D9")));

    public static Gen<string> Ids { get; } = Gen.Elements(Fancy);

    public static Gen<string?> OptionalIds { get; } = Gen.Frequency((1, Gen.Constant((string?)null)), (2, Ids.Select(s => (string?)s)));

    public static Gen<IReadOnlyDictionary<string, long>> CountMaps { get; } =
        Gen.ListOf(from key in Ids from n in Gen.Choose(0, int.MaxValue) select (key, (long)n * 3))
            .Select(IReadOnlyDictionary<string, long> (pairs) =>
            {
                var d = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (k, v) in pairs)
                {
                    d[k] = v;
                }

                return d;
            });

    public static Gen<AttemptEntry> Attempt(int i) =>
        from phone in Phones
        from lead in Ids
        from client in Ids
        from campaign in Ids
        from subject in OptionalIds
        from recorded in Instants
        from hasOutcome in Gen.Elements(true, false)
        from code in Gen.Elements("no_answer", "sold", "custom_code_7", "unknown_outcome")
        from category in Gen.Elements(DispositionCategory.Unknown, DispositionCategory.Retryable, DispositionCategory.Conversation, DispositionCategory.Final)
        from outcomeAt in Instants
        select new AttemptEntry("att-" + i + "-" + lead, phone, lead, client, campaign, subject, recorded,
            hasOutcome ? code : null, hasOutcome ? category : null, hasOutcome ? outcomeAt : null);

    public static Gen<ProtectionBlock> Block(int i) =>
        from kind in Gen.Elements(BlockKind.FinalDisposition, BlockKind.Cooldown, BlockKind.DoNotCall)
        from target in Gen.Elements(BlockTarget.Number, BlockTarget.Lead)
        from phone in Phones
        from phoneOnLead in Gen.Elements(true, false)
        from lead in Ids
        from scope in Gen.Elements(LimitScope.Global, LimitScope.Client, LimitScope.Campaign)
        from scopeId in Ids
        from created in Instants
        from untilSeconds in Gen.Frequency((1, Gen.Constant(-1)), (3, Gen.Choose(0, int.MaxValue)))
        from reason in OptionalIds
        from source in OptionalIds
        let until = untilSeconds < 0 ? (Instant?)null : created + Duration.FromSeconds(untilSeconds)
        select new ProtectionBlock("block-" + i + "-" + lead, kind, target,
            target == BlockTarget.Number || phoneOnLead ? phone : default,
            target == BlockTarget.Lead ? lead : null,
            scope, scope == LimitScope.Global ? null : scopeId, created, until, reason, source);

    public static Gen<RedialItem> Redial(int i) =>
        from phone in Phones
        from call in Ids
        from client in Ids
        from campaign in Ids
        from zone in Gen.Elements((string?)null, "America/Chicago")
        from region in Gen.Elements((string?)null, "FL")
        from postal in Gen.Elements((string?)null, "33101")
        from subject in OptionalIds
        from callback in Gen.Elements(true, false)
        from kind in Gen.Elements(DueDialKind.Redial, DueDialKind.Deferred, DueDialKind.Callback)
        from attempt in Gen.Choose(1, 50)
        from due in Instants
        from flags in Gen.Elements(RedialFlags.None, RedialFlags.LeaveVoicemail)
        from reason in Gen.Elements((string?)null, "no_answer", "window.closed")
        from state in Gen.Elements(RedialItemState.Pending, RedialItemState.Completed, RedialItemState.Cancelled)
        from enqueued in Instants
        from updated in Instants
        from claims in Gen.Choose(0, 9)
        select new RedialItem(
            new RedialEntry(
                new DialRequest("call-" + call, "lead-" + i + "-" + call, phone, client, campaign)
                {
                    CalleeZoneId = zone, RegionCode = region, PostalCode = postal, SubjectKey = subject, IsCallback = callback,
                },
                kind, attempt, due, flags, reason),
            state, enqueued, updated, claimCount: claims);

    public static Gen<AnsweringMachineStats> AnsweringMachine(PhoneNumber phone) =>
        from outcomes in Gen.Choose(0, 1000)
        from machines in Gen.Choose(0, outcomes)
        from consecutive in Gen.Choose(0, machines)
        from last in OptionalInstants
        select new AnsweringMachineStats(phone, consecutive, machines, outcomes, last);

    public static Gen<CampaignSnapshot> Campaign(int i) =>
        from name in Ids
        from client in Ids
        from state in Gen.Elements(Enum.GetValues<CampaignState>())
        from error in OptionalIds
        from epoch in Gen.Choose(0, int.MaxValue)
        from owner in OptionalIds
        from heartbeat in OptionalInstants
        from cursor in Gen.Choose(0, int.MaxValue)
        from inFlight in OptionalIds
        from processed in Gen.Choose(0, int.MaxValue)
        from total in Gen.Elements((long?)null, 0L, 5_000_000_000L)
        from counts in CountMaps
        from errors in Gen.Choose(0, 100)
        from consecutive in Gen.Choose(0, 10)
        from created in Instants
        from updated in Instants
        from started in OptionalInstants
        from ended in OptionalInstants
        select new CampaignSnapshot
        {
            Id = "camp-" + i + "-" + name, ClientId = client, Name = name, State = state, Error = error, Epoch = epoch * 7L,
            OwnerId = owner, HeartbeatAt = heartbeat, Cursor = cursor, InFlightCallId = inFlight, Processed = processed,
            TotalLeads = total, OutcomeCounts = counts, PlacementErrors = errors, ConsecutivePlacementErrors = consecutive,
            CreatedAt = created, UpdatedAt = updated, StartedAt = started, EndedAt = ended,
        };

    public static Gen<DailyStatistics> Statistics(int i) =>
        from days in Gen.Choose(-3000, 3000)
        from client in Ids
        from requests in Gen.Choose(0, int.MaxValue)
        from admitted in Gen.Choose(0, int.MaxValue)
        from denied in Gen.Choose(0, int.MaxValue)
        from reasons in CountMaps
        from outcomes in CountMaps
        select new DailyStatistics
        {
            Date = new LocalDate(2025, 3, 9).PlusDays(days), ClientId = client, CampaignId = "camp-" + i,
            Requests = requests * 5L, Admitted = admitted, Denied = denied, DeniedByReason = reasons, Outcomes = outcomes,
        };

    public static Gen<StoreDataSet> DataSets { get; } =
        from sizes in Gen.ArrayOf(Gen.Choose(0, 4), 6)
        from attempts in Many(sizes[0], Attempt)
        from blocks in Many(sizes[1], Block)
        from redials in Many(sizes[2], Redial)
        from phones in Gen.ListOf(Phones).Select(p => p.Distinct().Take(sizes[3]).ToArray())
        from am in Sequence(phones.Select(AnsweringMachine))
        from campaigns in Many(sizes[4], Campaign)
        from stats in Many(sizes[5], Statistics)
        select new StoreDataSet
        {
            Attempts = attempts, Blocks = blocks, RedialItems = redials, AnsweringMachineStats = am,
            Campaigns = campaigns, DailyStatistics = stats,
        };

    private static Gen<T[]> Many<T>(int count, Func<int, Gen<T>> make) => Sequence(Enumerable.Range(0, count).Select(make));

    private static Gen<T[]> Sequence<T>(IEnumerable<Gen<T>> gens)
    {
        var result = Gen.Constant(Array.Empty<T>());
        foreach (var g in gens)
        {
            var gen = g;
            result = from list in result from item in gen select list.Append(item).ToArray();
        }

        return result;
    }

    /// <summary>A small data set with one of everything, for example-based tests.</summary>
    public static StoreDataSet Sample(Instant at, PhoneNumber? phone = null)
    {
        var p = phone ?? PhoneNumber.Parse("+14155550123");
        var request = new DialRequest("call-9", "lead-9", p, "acme", "spring");
        return new StoreDataSet
        {
            Attempts =
            [
                new AttemptEntry("att-1", p, "lead-1", "acme", "spring", null, at - Duration.FromHours(3), "no_answer", DispositionCategory.Retryable, at - Duration.FromHours(3) + Duration.FromSeconds(30)),
                new AttemptEntry("att-2", PhoneNumber.Parse("+14155550199"), "lead-2", "acme", "spring", "debt-7", at - Duration.FromHours(1)),
            ],
            Blocks =
            [
                ProtectionBlock.DoNotCall(p, "callee asked", at - Duration.FromDays(2)),
                new ProtectionBlock("outcome:1:0:att-1", BlockKind.Cooldown, BlockTarget.Number, p, null, LimitScope.Client, "acme", at - Duration.FromHours(3), at + Duration.FromDays(1), "conversation", "att-1"),
            ],
            RedialItems = [new RedialItem(new RedialEntry(request, DueDialKind.Redial, 2, at + Duration.FromHours(1), RedialFlags.LeaveVoicemail, "no_answer"), RedialItemState.Pending, at - Duration.FromHours(3), at - Duration.FromHours(3))],
            AnsweringMachineStats = [new AnsweringMachineStats(p, 1, 2, 3, at - Duration.FromHours(3))],
            Campaigns =
            [
                new CampaignSnapshot
                {
                    Id = "spring", ClientId = "acme", Name = "Spring", State = CampaignState.Running, Epoch = 2, OwnerId = "host-a",
                    HeartbeatAt = at, Cursor = 10, Processed = 10, TotalLeads = 100,
                    OutcomeCounts = new Dictionary<string, long> { ["no_answer"] = 7, ["sold"] = 3 },
                    CreatedAt = at - Duration.FromDays(1), UpdatedAt = at, StartedAt = at - Duration.FromDays(1),
                },
            ],
            DailyStatistics =
            [
                new DailyStatistics
                {
                    Date = at.InUtc().Date, ClientId = "acme", CampaignId = "spring", Requests = 12, Admitted = 10, Denied = 2,
                    DeniedByReason = new Dictionary<string, long> { ["protection.duplicate_window"] = 2 },
                    Outcomes = new Dictionary<string, long> { ["no_answer"] = 7, ["sold"] = 3 },
                },
            ],
        };
    }

    /// <summary>Asserts two data sets hold the same rows (in any order), field by field.</summary>
    public static void AssertSame(StoreDataSet expected, StoreDataSet actual)
    {
        Assert.Equal(expected.Counts, actual.Counts);
        Assert.Equal(Sorted(expected.Attempts, a => a.AttemptId), Sorted(actual.Attempts, a => a.AttemptId));
        Assert.Equal(Sorted(expected.Blocks, b => b.Id).Select(Describe), Sorted(actual.Blocks, b => b.Id).Select(Describe));
        Assert.Equal(Sorted(expected.AnsweringMachineStats, s => s.Phone.ToString()), Sorted(actual.AnsweringMachineStats, s => s.Phone.ToString()));
        Assert.Equal(Sorted(expected.DailyStatistics, s => s.Date + "|" + s.ClientId + "|" + s.CampaignId), Sorted(actual.DailyStatistics, s => s.Date + "|" + s.ClientId + "|" + s.CampaignId));
        var redialsE = Sorted(expected.RedialItems, r => r.LeadId);
        var redialsA = Sorted(actual.RedialItems, r => r.LeadId);
        for (var i = 0; i < redialsE.Count; i++)
        {
            var e = redialsE[i];
            var a = redialsA[i];
            Assert.True(e.Entry.Equals(a.Entry), $"redial entry {e} differs from {a}");
            Assert.Equal(e.State == RedialItemState.Claimed ? RedialItemState.Pending : e.State, a.State);
            Assert.Equal((e.EnqueuedAt, e.UpdatedAt, e.ClaimCount), (a.EnqueuedAt, a.UpdatedAt, a.ClaimCount));
            Assert.Null(a.ClaimToken);
        }

        var campaignsE = Sorted(expected.Campaigns, c => c.Id);
        var campaignsA = Sorted(actual.Campaigns, c => c.Id);
        for (var i = 0; i < campaignsE.Count; i++)
        {
            Assert.Equal(campaignsE[i] with { OutcomeCounts = CampaignSnapshot.NoOutcomes }, campaignsA[i] with { OutcomeCounts = CampaignSnapshot.NoOutcomes });
            Assert.Equal(campaignsE[i].OutcomeCounts.OrderBy(p => p.Key, StringComparer.Ordinal), campaignsA[i].OutcomeCounts.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    private static string Describe(ProtectionBlock b) =>
        $"{b.Id}|{b.Kind}|{b.Target}|{b.Phone}|{b.LeadId}|{b.Scope}|{b.ScopeId}|{b.CreatedAt}|{b.Until}|{b.Reason}|{b.SourceAttemptId}";

    private static List<T> Sorted<T>(IEnumerable<T> items, Func<T, string> key) => items.OrderBy(key, StringComparer.Ordinal).ToList();
}
