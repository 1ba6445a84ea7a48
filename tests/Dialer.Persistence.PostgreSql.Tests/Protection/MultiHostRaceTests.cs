using System.Collections.Concurrent;
using Dialer.Core;
using Dialer.Protection;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests.Protection;

/// <summary>
/// Several data sources (each one a "host" with its own connection pool) race many threads over the same numbers and
/// subject; a checker over everything admitted finds no duplicate-window violation and no cap overrun. A deliberately
/// broken read-then-write variant is caught by the same checker, so the checker can fail.
/// </summary>
public sealed class MultiHostRaceTests : IAsyncLifetime
{
    private const int Hosts = 4;
    private const int WorkersPerHost = 3;
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);
    private static readonly Duration Window = Duration.FromMinutes(10);
    private static readonly Duration CapWindow = Duration.FromHours(1);

    private readonly string _schema = PgStores.NewSchema();
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var ds in _dataSources)
        {
            await ds.DisposeAsync();
        }
    }

    [Fact]
    public async Task HostsRacingWithSlidingTime_NeverViolateTheWindowOrTheCaps()
    {
        var ledgers = NewHosts(databaseClock: false);
        var phones = Enumerable.Range(0, 4).Select(i => PhoneNumber.FromValue(14155550000UL + (ulong)Random.Shared.Next(1, 9999) + ((ulong)i * 10000))).ToArray();
        var subject = "debt-" + Guid.NewGuid();
        var rules = Rules(numberCap: 3, subjectCap: 5);
        var admitted = new ConcurrentBag<Admission>();

        await RaceAsync(ledgers, async (ledger, worker) =>
        {
            for (var step = 0; step < 20; step++)
            {
                var phone = phones[(worker + step) % phones.Length];
                var request = new DialRequest(Guid.NewGuid().ToString("N"), "lead-" + worker, phone) { SubjectKey = subject };
                var result = await ledger.TryRecordAttemptAsync(new AttemptContext(request, T0 + Duration.FromMinutes(4 * step), DateTimeZone.Utc), rules);
                if (result.Status == LedgerStatus.Recorded)
                {
                    admitted.Add(new Admission(phone, result.RecordedAt!.Value));
                }
            }
        });

        Assert.True(admitted.Count >= 5, $"admitted {admitted.Count}");
        Assert.Equal((0, 0, 0), Check([.. admitted], numberCap: 3, subjectCap: 5));
    }

    [Fact]
    public async Task HostsRacingAtTheDatabaseClock_AdmitEachNumberOnceAndRespectTheSubjectCap()
    {
        var ledgers = NewHosts(databaseClock: true);
        var phones = Enumerable.Range(0, 3).Select(i => PhoneNumber.FromValue(14155560000UL + (ulong)Random.Shared.Next(1, 9999) + ((ulong)i * 10000))).ToArray();
        var subject = "debt-" + Guid.NewGuid();
        var rules = Rules(numberCap: 3, subjectCap: 2);
        var admitted = new ConcurrentBag<Admission>();

        await RaceAsync(ledgers, async (ledger, worker) =>
        {
            for (var i = 0; i < 10; i++)
            {
                var phone = phones[(worker + i) % phones.Length];
                var request = new DialRequest(Guid.NewGuid().ToString("N"), "lead-" + worker, phone) { SubjectKey = subject };
                var result = await ledger.TryRecordAttemptAsync(new AttemptContext(request, T0, DateTimeZone.Utc), rules);
                if (result.Status == LedgerStatus.Recorded)
                {
                    admitted.Add(new Admission(phone, result.RecordedAt!.Value));
                }
            }
        });

        Assert.Equal(2, admitted.Count);
        Assert.Equal(2, admitted.Select(a => a.Phone).Distinct().Count());
        Assert.Equal((0, 0, 0), Check([.. admitted], numberCap: 3, subjectCap: 2));
    }

    [Fact]
    public async Task BrokenReadThenWriteVariant_IsCaughtByTheSameChecker()
    {
        var ledgers = NewHosts(databaseClock: false);
        var phone = PhoneNumber.FromValue(14155570000UL + (ulong)Random.Shared.Next(1, 9999));
        var rules = Rules(numberCap: 3, subjectCap: 5);
        var admitted = new ConcurrentBag<Admission>();
        var workers = Hosts * WorkersPerHost;
        var evaluated = 0;
        var allEvaluated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await RaceAsync(ledgers, async (ledger, worker) =>
        {
            // "Read, decide in C#, then write": every worker reads before anyone writes.
            var request = new DialRequest(Guid.NewGuid().ToString("N"), "lead-" + worker, phone);
            var context = new AttemptContext(request, T0, DateTimeZone.Utc);
            var decision = await ledger.EvaluateAsync(context, rules);
            if (Interlocked.Increment(ref evaluated) == workers)
            {
                allEvaluated.SetResult();
            }

            await allEvaluated.Task;
            if (decision.IsAllowed && (await ledger.TryRecordAttemptAsync(context, ProtectionRules.None)).Status == LedgerStatus.Recorded)
            {
                admitted.Add(new Admission(phone, T0));
            }
        });

        var (duplicates, numberOverruns, _) = Check([.. admitted], numberCap: 3, subjectCap: int.MaxValue);
        Assert.True(duplicates > 0 && numberOverruns > 0, $"duplicates = {duplicates}, number cap overruns = {numberOverruns}");
    }

    private static ProtectionRules Rules(int numberCap, int subjectCap) => new(
    [
        CountLimit.DuplicateWindow(Window),
        CountLimit.Rolling(AttemptKeyKind.Number, LimitScope.Global, CapWindow, numberCap),
        CountLimit.Rolling(AttemptKeyKind.Subject, LimitScope.Global, CapWindow, subjectCap),
    ]);

    /// <summary>Counts duplicate-window violations, number-cap overruns and subject-cap overruns among admitted attempts.</summary>
    private static (int Duplicates, int NumberOverruns, int SubjectOverruns) Check(IReadOnlyList<Admission> admitted, int numberCap, int subjectCap)
    {
        int duplicates = 0, numberOverruns = 0, subjectOverruns = 0;
        for (var i = 0; i < admitted.Count; i++)
        {
            var (phone, at) = admitted[i];
            var inWindow = 0;
            var inCap = 0;
            var inSubjectCap = 0;
            foreach (var other in admitted)
            {
                if (other.At <= at && other.At > at - Window && other.Phone == phone)
                {
                    inWindow++;
                }

                if (other.At <= at && other.At > at - CapWindow)
                {
                    inSubjectCap++;
                    if (other.Phone == phone)
                    {
                        inCap++;
                    }
                }
            }

            duplicates += inWindow > 1 ? 1 : 0;
            numberOverruns += inCap > numberCap ? 1 : 0;
            subjectOverruns += inSubjectCap > subjectCap ? 1 : 0;
        }

        return (duplicates, numberOverruns, subjectOverruns);
    }

    private IAttemptLedger[] NewHosts(bool databaseClock) => Enumerable.Range(0, Hosts).Select(_ =>
    {
        var ds = PostgresTestServer.CreateDataSource();
        _dataSources.Add(ds);
        return PgStores.Create(_schema, o => o.UseDatabaseClock = databaseClock, ds).AttemptLedger;
    }).ToArray();

    private static async Task RaceAsync(IAttemptLedger[] ledgers, Func<IAttemptLedger, int, Task> work)
    {
        // Migrate once up front so the race is about admissions, not about schema creation.
        await ledgers[0].EvaluateAsync(new AttemptContext(new DialRequest("warm-up", "warm-up", PhoneNumber.Parse("+14155550100")), T0, DateTimeZone.Utc), ProtectionRules.None);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new List<Task>();
        for (var h = 0; h < ledgers.Length; h++)
        {
            for (var w = 0; w < WorkersPerHost; w++)
            {
                var ledger = ledgers[h];
                var worker = (h * WorkersPerHost) + w;
                tasks.Add(Task.Run(async () =>
                {
                    await start.Task;
                    await work(ledger, worker);
                }));
            }
        }

        start.SetResult();
        await Task.WhenAll(tasks);
    }

    private readonly record struct Admission(PhoneNumber Phone, Instant At);
}
