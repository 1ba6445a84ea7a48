using System.Collections.Concurrent;
using Dialer.Core;
using Dialer.Protection;
using NodaTime;

namespace Dialer.Persistence.Sqlite.Tests.Storage;

/// <summary>
/// Two store instances on one file (two writer connections, like two processes) racing 8 threads on the same numbers,
/// lead and subject. A checker over what the file holds finds no duplicate-window or cap violation; the same checker
/// catches a deliberately broken read-then-write variant.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);
    private static readonly Duration Window = Duration.FromMinutes(10);
    private static readonly Duration Hour = Duration.FromHours(1);
    private const int NumberCap = 3;
    private const int SubjectCap = 5;
    private const int LeadCap = 4;

    private static readonly ProtectionRules Rules = new(
    [
        CountLimit.DuplicateWindow(Window),
        CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, Hour, NumberCap),
        CountLimit.Rolling(AttemptKeyKind.Lead, LimitScope.Global, Hour, LeadCap),
        CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, Hour, SubjectCap),
    ]);

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task TryRecord_TwoStoresEightThreadsOnTheSameNumbers_NeverViolateAWindowOrCap()
    {
        var stores = new[] { _db.Open(), _db.Open() };
        var phones = new[] { PhoneNumber.Parse("+14155550101"), PhoneNumber.Parse("+14155550102"), PhoneNumber.Parse("+14155550103") };
        var admitted = new ConcurrentBag<string>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            var ledger = stores[worker % 2].AttemptLedger;
            for (var step = 0; step < 30; step++)
            {
                // Every worker asks for the same instants: the callers truly race for each slot of every window.
                var phone = phones[(worker + step) % phones.Length];
                var lead = "lead-" + ((worker + step) % 2);
                var request = new DialRequest($"w{worker}-s{step}", lead, phone) { SubjectKey = "debt-1" };
                var result = await ledger.TryRecordAttemptAsync(new AttemptContext(request, T0 + Duration.FromMinutes(4 * step), DateTimeZone.Utc), Rules);
                if (result.Status == LedgerStatus.Recorded)
                {
                    admitted.Add(request.CallId);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        var stored = ReadAll();
        Assert.Equal(admitted.Count, stored.Count);
        Assert.True(stored.Count >= 10, $"only {stored.Count} admitted");
        Assert.Empty(Violations(stored));
    }

    [Fact]
    public async Task Checker_CatchesABrokenReadThenWriteVariant()
    {
        var stores = new[] { _db.Open(), _db.Open() };
        var phone = PhoneNumber.Parse("+14155550109");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Broken on purpose: evaluate, then write without checking (as a client that reads, decides, then writes would).
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            var ledger = stores[worker % 2].AttemptLedger;
            for (var step = 0; step < 10; step++)
            {
                var request = new DialRequest($"broken-w{worker}-s{step}", "lead-x", phone) { SubjectKey = "debt-2" };
                var at = T0 + Duration.FromMinutes(4 * step);
                var evaluated = await ledger.EvaluateAsync(new AttemptContext(request, at, DateTimeZone.Utc), Rules);
                if (evaluated.IsAllowed)
                {
                    await ledger.RecordOutcomeAsync(new CallOutcome(request, Disposition.UnknownOutcome, at), []);
                }
            }
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(workers);

        Assert.NotEmpty(Violations(ReadAll()));
    }

    [Fact]
    public async Task TryRecord_ConcurrentCallers_ShareCommits()
    {
        var store = _db.Open();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < 40; i++)
            {
                var request = new DialRequest($"g{worker}-{i}", $"lead-{worker}-{i}", PhoneNumber.FromValue(14155500000UL + (ulong)((worker * 100) + i)));
                var result = await store.AttemptLedger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), Rules);
                Assert.Equal(LedgerStatus.Recorded, result.Status);
            }
        })).ToArray();
        var commitsBefore = store.Commits;
        start.SetResult();
        await Task.WhenAll(workers);

        var commits = store.Commits - commitsBefore;
        Assert.Equal(320L, _db.Scalar("SELECT COUNT(*) FROM attempts"));
        Assert.True(commits < 320, $"{commits} commits for 320 admissions: no group commit");
    }

    private List<(string Id, ulong Phone, string Lead, string? Subject, Instant At)> ReadAll()
    {
        using var connection = _db.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempt_id, phone, lead_id, subject_key, recorded_at FROM attempts";
        using var reader = command.ExecuteReader();
        var list = new List<(string, ulong, string, string?, Instant)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), (ulong)reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), Instant.FromUnixTimeTicks(reader.GetInt64(4))));
        }

        return list;
    }

    /// <summary>An independent checker of the stored attempts against the rules (not the decider the store uses).</summary>
    private static List<string> Violations(List<(string Id, ulong Phone, string Lead, string? Subject, Instant At)> all)
    {
        var problems = new List<string>();
        foreach (var a in all)
        {
            bool InWindow((string Id, ulong Phone, string Lead, string? Subject, Instant At) b, Duration w) => b.At > a.At - w && b.At <= a.At;
            var sameNumber = all.Where(b => b.Phone == a.Phone).ToList();
            if (sameNumber.Count(b => InWindow(b, Window)) > 1)
            {
                problems.Add($"duplicate window: {a.Id}");
            }

            if (sameNumber.Count(b => InWindow(b, Hour)) > NumberCap)
            {
                problems.Add($"number cap: {a.Id}");
            }

            if (all.Count(b => b.Lead == a.Lead && InWindow(b, Hour)) > LeadCap)
            {
                problems.Add($"lead cap: {a.Id}");
            }

            if (a.Subject is not null && all.Count(b => b.Subject == a.Subject && InWindow(b, Hour)) > SubjectCap)
            {
                problems.Add($"subject cap: {a.Id}");
            }
        }

        return problems;
    }
}
