using System.Collections.Concurrent;
using Dialer.Core;
using NodaTime;

namespace Dialer.Redial.Tests.Queue;

public sealed class InMemoryRedialQueueTests
{
    private static readonly Instant T0 = RedialTestData.T0;
    private static readonly Duration Ttl = Duration.FromMinutes(5);

    private static RedialEntry Entry(string lead, Instant due, string campaign = "camp") =>
        new(new DialRequest("call-" + lead, lead, PhoneNumber.Parse("+14155550123"), null, campaign), DueDialKind.Redial, 2, due);

    private static T Run<T>(ValueTask<T> task)
    {
        Assert.True(task.IsCompletedSuccessfully);
        return task.Result;
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="threads"/> dedicated threads released together.</summary>
    private static void OnThreads(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var errors = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                body(t);
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(errors);
    }

    /// <summary>
    /// Eight threads claim in lock-step rounds (a barrier before each round, so every thread competes in each one)
    /// until a whole round finds nothing.
    /// </summary>
    private static List<RedialItem>[] ClaimUntilEmpty(InMemoryRedialQueue queue, Instant now, int threads = 8)
    {
        var claims = Enumerable.Range(0, threads).Select(_ => new List<RedialItem>()).ToArray();
        var claimedThisRound = 0;
        var done = false;
        using var round = new Barrier(threads, _ => done = Interlocked.Exchange(ref claimedThisRound, 0) == 0);
        OnThreads(threads, t =>
        {
            var random = new Random(t);
            while (true)
            {
                var batch = Run(queue.ClaimDueAsync(now, random.Next(1, 20), Ttl));
                claims[t].AddRange(batch);
                Interlocked.Add(ref claimedThisRound, batch.Count);
                round.SignalAndWait();
                if (Volatile.Read(ref done))
                {
                    return;
                }
            }
        });
        return claims;
    }

    [Fact]
    public void ClaimDue_EightThreads_EachDueItemIsClaimedByExactlyOneClaimerUntilItsClaimExpires()
    {
        const int Due = 6000, Later = 1000;
        var queue = new InMemoryRedialQueue();
        for (var i = 0; i < Due; i++)
        {
            Run(queue.EnqueueAsync(Entry($"due-{i}", T0 - Duration.FromSeconds(i % 977)), T0));
        }

        for (var i = 0; i < Later; i++)
        {
            Run(queue.EnqueueAsync(Entry($"later-{i}", T0 + Duration.FromHours(1)), T0));
        }

        // Round 1: every due item is claimed once, by one thread; nothing not yet due is claimed.
        var first = ClaimUntilEmpty(queue, T0);
        var firstAll = first.SelectMany(c => c).ToList();
        Assert.Equal(Due, firstAll.Count);
        Assert.Equal(Due, firstAll.Select(i => i.LeadId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(firstAll, i => Assert.StartsWith("due-", i.LeadId, StringComparison.Ordinal));
        Assert.All(first, c => Assert.NotEmpty(c));

        // While the claims hold, nobody gets anything.
        Assert.Empty(ClaimUntilEmpty(queue, T0 + Ttl - Duration.FromSeconds(1)).SelectMany(c => c));

        // Round 2, once the claims lapse: every item is claimed again exactly once, with a new token.
        var second = ClaimUntilEmpty(queue, T0 + Ttl).SelectMany(c => c).ToList();
        Assert.Equal(Due, second.Count);
        Assert.Equal(Due, second.Select(i => i.LeadId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(second, i => Assert.Equal(2, i.ClaimCount));

        // Stale tokens (round 1) change nothing; current ones complete or release, concurrently.
        var stale = new ConcurrentBag<bool>();
        var current = second.ToArray();
        OnThreads(8, t =>
        {
            for (var i = t; i < current.Length; i += 8)
            {
                stale.Add(Run(queue.CompleteAsync(firstAll[i].LeadId, firstAll[i].ClaimToken!, T0 + Ttl)));
                var item = current[i];
                var done = i % 2 == 0
                    ? Run(queue.CompleteAsync(item.LeadId, item.ClaimToken!, T0 + Ttl))
                    : Run(queue.ReleaseAsync(item.LeadId, item.ClaimToken!, T0 + Duration.FromHours(2), T0 + Ttl));
                Assert.True(done);
            }
        });
        Assert.DoesNotContain(true, stale);

        // Nothing lost.
        var counts = Run(queue.GetCountsAsync(T0 + Ttl));
        Assert.Equal(new RedialQueueCounts(Later + (Due / 2), 0, 0, Due / 2, 0), counts);
        Assert.Equal(Later + (Due / 2), ClaimUntilEmpty(queue, T0 + Duration.FromHours(2)).SelectMany(c => c).Count());
    }

    [Fact]
    public void ClaimDue_WhileOtherThreadsEnqueue_ClaimsEveryItemOnceAndLosesNone()
    {
        const int PerProducer = 3000;
        var queue = new InMemoryRedialQueue();
        var claimed = new ConcurrentBag<string>();
        var producing = 4;
        OnThreads(8, t =>
        {
            if (t < 4)
            {
                for (var i = 0; i < PerProducer; i++)
                {
                    Run(queue.EnqueueAsync(Entry($"p{t}-{i}", T0 - Duration.FromSeconds(i % 13)), T0));
                }

                Interlocked.Decrement(ref producing);
                return;
            }

            while (true)
            {
                var stillProducing = Volatile.Read(ref producing) > 0;
                var batch = Run(queue.ClaimDueAsync(T0, 25, Ttl));
                foreach (var item in batch)
                {
                    claimed.Add(item.LeadId);
                }

                if (batch.Count == 0 && !stillProducing)
                {
                    return;
                }
            }
        });

        Assert.Equal(4 * PerProducer, claimed.Count);
        Assert.Equal(4 * PerProducer, claimed.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void ClaimDue_LapsedClaimSeenAtALaterNowThenAnEarlierOne_IsNotLost()
    {
        var queue = new InMemoryRedialQueue();
        Run(queue.EnqueueAsync(Entry("a", T0 - Duration.FromMinutes(10)), T0));
        Assert.Single(Run(queue.ClaimDueAsync(T0, 1, Ttl)));
        Run(queue.EnqueueAsync(Entry("c", T0 - Duration.FromMinutes(20)), T0));

        // At T0+6 min a's claim has lapsed, but the one item taken is c (earlier due).
        Assert.Equal(["c"], Run(queue.ClaimDueAsync(T0 + Duration.FromMinutes(6), 1, Ttl)).Select(i => i.LeadId));

        // A host whose clock is behind asks at T0+1 min: a's claim has not lapsed for it.
        Assert.Empty(Run(queue.ClaimDueAsync(T0 + Duration.FromMinutes(1), 10, Ttl)));

        // Later, a is claimable again.
        Assert.Equal(["a"], Run(queue.ClaimDueAsync(T0 + Duration.FromMinutes(6), 10, Ttl)).Select(i => i.LeadId));
    }

    [Fact]
    public void ClaimDue_ByCampaignAfterLapsedClaimWasMovedToTheGlobalHeap_FindsIt()
    {
        var queue = new InMemoryRedialQueue();
        Run(queue.EnqueueAsync(Entry("a", T0 - Duration.FromMinutes(10), "x"), T0));
        Run(queue.EnqueueAsync(Entry("b", T0 - Duration.FromMinutes(20), "y"), T0));
        Assert.Equal(["b", "a"], Run(queue.ClaimDueAsync(T0, 10, Ttl)).Select(i => i.LeadId));
        Run(queue.EnqueueAsync(Entry("c", T0 - Duration.FromMinutes(30), "y"), T0));

        // The global claim drains both lapsed claims into the global heap but takes only c.
        Assert.Equal(["c"], Run(queue.ClaimDueAsync(T0 + Ttl, 1, Ttl)).Select(i => i.LeadId));

        // The first claim for campaign x builds its heap: a must be in it.
        Assert.Equal(["a"], Run(queue.ClaimDueAsync(T0 + Ttl, 10, Ttl, "x")).Select(i => i.LeadId));
    }

    [Fact]
    public void Operations_ManyReschedulesAndReplacements_KeepOneHeapEntryPerLiveItemAndHeap()
    {
        var queue = new InMemoryRedialQueue();
        for (var i = 0; i < 100; i++)
        {
            Run(queue.EnqueueAsync(Entry($"l{i}", T0), T0));
        }

        Run(queue.ClaimDueAsync(T0 - Duration.FromDays(1), 1, Ttl, "camp"));
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                Run(queue.RescheduleAsync($"l{i}", T0 + Duration.FromMinutes(round), T0));
                Run(queue.EnqueueAsync(Entry($"l{i}", T0 + Duration.FromMinutes(50 - round)), T0));
            }
        }

        // Every pending item is once in the due heap and once in the campaign heap built by the first claim.
        Assert.Equal(200, queue.HeapEntries);
        Assert.Equal(100, Run(queue.ClaimDueAsync(T0 + Duration.FromHours(1), 1000, Ttl, "camp")).Count);
    }

    [Fact]
    public async Task Operations_ArgumentsNull_Throw()
    {
        var queue = new InMemoryRedialQueue();

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await queue.EnqueueAsync(null!, T0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await queue.CompleteAsync(null!, "t", T0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await queue.ReleaseAsync("l", null!, null, T0));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await queue.CancelAsync(null!, T0));
    }
}
