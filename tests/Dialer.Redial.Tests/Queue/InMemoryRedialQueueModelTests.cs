using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Redial.Tests.Queue;

/// <summary>
/// Model-based test: random operation sequences run on <see cref="InMemoryRedialQueue"/> (its indexed heaps and
/// per-campaign heaps) and on a naive model that scans a dictionary, straight from the port's contract.
/// Every result and every item must agree. Time moves forward and sometimes backward (hosts with skewed clocks).
/// </summary>
public sealed class InMemoryRedialQueueModelTests
{
    private static readonly Instant T0 = RedialTestData.T0;
    private static readonly string[] Campaigns = ["a", "b"];

    private static readonly Gen<Op> Ops = Gen.Frequency(
        (6, from lead in Gen.Choose(0, 5) from call in Gen.Choose(0, 2) from due in Gen.Choose(-5, 20) from campaign in Gen.Choose(0, 1)
            select new Op(OpKind.Enqueue, lead, call, due, campaign)),
        (5, from max in Gen.Choose(1, 4) from campaign in Gen.Choose(-1, 1) from ttl in Gen.Choose(1, 10)
            select new Op(OpKind.Claim, max, campaign, ttl, 0)),
        (3, from lead in Gen.Choose(0, 5) from token in Gen.Choose(-1, 30) select new Op(OpKind.Complete, lead, token, 0, 0)),
        (3, from lead in Gen.Choose(0, 5) from token in Gen.Choose(-1, 30) from due in Gen.Choose(-1, 20) select new Op(OpKind.Release, lead, token, due, 0)),
        (2, from lead in Gen.Choose(0, 5) from due in Gen.Choose(-5, 20) select new Op(OpKind.Reschedule, lead, due, 0, 0)),
        (1, from lead in Gen.Choose(0, 5) select new Op(OpKind.Cancel, lead, 0, 0, 0)),
        (3, from minutes in Gen.Choose(-3, 12) select new Op(OpKind.Advance, minutes, 0, 0, 0)),
        (1, from minutes in Gen.Choose(0, 30) select new Op(OpKind.Purge, minutes, 0, 0, 0)));

    [Property(MaxTest = 300)]
    public Property Operations_AnySequence_AgreeWithTheModel() =>
        Prop.ForAll(Gen.ListOf(Ops).Select(l => l.ToArray()).ToArbitrary(), ops =>
        {
            var queue = new InMemoryRedialQueue();
            var model = new Model();
            var now = T0;
            var tokens = new List<string>();
            foreach (var op in ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Enqueue:
                    {
                        var entry = Entry(op.A, op.B, now + Duration.FromMinutes(op.C), Campaigns[op.D]);
                        Assert.Equal(model.Enqueue(entry, now), Run(queue.EnqueueAsync(entry, now)));
                        break;
                    }

                    case OpKind.Claim:
                    {
                        var campaign = op.B < 0 ? null : Campaigns[op.B];
                        var claimed = Run(queue.ClaimDueAsync(now, op.A, Duration.FromMinutes(op.C), campaign));
                        model.CheckAndApplyClaim(claimed, now, op.A, Duration.FromMinutes(op.C), campaign);
                        tokens.AddRange(claimed.Select(i => i.ClaimToken!));
                        break;
                    }

                    case OpKind.Complete:
                    {
                        var token = Token(tokens, op.B);
                        Assert.Equal(model.Complete(Lead(op.A), token, now), Run(queue.CompleteAsync(Lead(op.A), token, now)));
                        break;
                    }

                    case OpKind.Release:
                    {
                        var token = Token(tokens, op.B);
                        Instant? due = op.C < 0 ? null : now + Duration.FromMinutes(op.C);
                        Assert.Equal(model.Release(Lead(op.A), token, due, now), Run(queue.ReleaseAsync(Lead(op.A), token, due, now)));
                        break;
                    }

                    case OpKind.Reschedule:
                    {
                        var due = now + Duration.FromMinutes(op.B);
                        Assert.Equal(model.Reschedule(Lead(op.A), due, now), Run(queue.RescheduleAsync(Lead(op.A), due, now)));
                        break;
                    }

                    case OpKind.Cancel:
                        Assert.Equal(model.Cancel(Lead(op.A), now), Run(queue.CancelAsync(Lead(op.A), now)));
                        break;
                    case OpKind.Advance:
                        now += Duration.FromMinutes(op.A);
                        break;
                    case OpKind.Purge:
                    {
                        var cutoff = now - Duration.FromMinutes(op.A);
                        Assert.Equal(model.Purge(cutoff), Run(queue.PurgeAsync(cutoff)));
                        break;
                    }
                }

                model.AssertSame(queue, now);
            }

            // Nothing is lost: once every claim has lapsed, every live item is claimable (by due time) exactly once.
            var end = now + Duration.FromDays(1);
            var live = model.Items.Values.Count(i => i.State is RedialItemState.Pending or RedialItemState.Claimed);
            var all = Run(queue.ClaimDueAsync(end, 1000, Duration.FromMinutes(1)));
            Assert.Equal(live, all.Count);
            Assert.Equal(live, all.Select(i => i.LeadId).Distinct(StringComparer.Ordinal).Count());
            return true;
        });

    private static T Run<T>(ValueTask<T> task)
    {
        Assert.True(task.IsCompletedSuccessfully, "the in-memory queue completes synchronously");
        return task.Result;
    }

    private static string Lead(int i) => "lead-" + i;

    private static string Token(List<string> tokens, int pick) => pick < 0 || tokens.Count == 0 ? "bogus" : tokens[pick % tokens.Count];

    private static RedialEntry Entry(int lead, int call, Instant due, string campaign) =>
        new(new DialRequest($"call-{lead}-{call}", Lead(lead), PhoneNumber.Parse("+14155550123"), null, campaign), DueDialKind.Redial, call + 1, due);

    internal enum OpKind
    {
        Enqueue,
        Claim,
        Complete,
        Release,
        Reschedule,
        Cancel,
        Advance,
        Purge,
    }

    internal sealed record Op(OpKind Kind, int A, int B, int C, int D);

    private sealed record ModelItem(RedialEntry Entry, RedialItemState State, Instant EnqueuedAt, Instant UpdatedAt, string? Token, Instant? ExpiresAt, int ClaimCount)
    {
        public bool Claimable(Instant now) =>
            (State == RedialItemState.Pending && Entry.DueAt <= now) || (State == RedialItemState.Claimed && ExpiresAt <= now);
    }

    private sealed class Model
    {
        public Dictionary<string, ModelItem> Items { get; } = new(StringComparer.Ordinal);

        public bool Enqueue(RedialEntry entry, Instant now)
        {
            if (!Items.TryGetValue(entry.LeadId, out var current) || current.Entry.CallId != entry.CallId)
            {
                Items[entry.LeadId] = new ModelItem(entry, RedialItemState.Pending, now, now, null, null, 0);
                return true;
            }

            if (current.State == RedialItemState.Pending || (current.State == RedialItemState.Claimed && current.ExpiresAt <= now))
            {
                Items[entry.LeadId] = current with { Entry = entry, State = RedialItemState.Pending, UpdatedAt = now, Token = null, ExpiresAt = null };
                return true;
            }

            return false;
        }

        public void CheckAndApplyClaim(IReadOnlyList<RedialItem> claimed, Instant now, int max, Duration ttl, string? campaign)
        {
            var claimable = Items.Values
                .Where(i => i.Claimable(now) && (campaign is null || i.Entry.Request.CampaignId == campaign))
                .Select(i => i.Entry.DueAt)
                .Order()
                .ToList();
            Assert.Equal(claimable.Take(max), claimed.Select(i => i.DueAt));
            Assert.Equal(claimed.Count, claimed.Select(i => i.LeadId).Distinct(StringComparer.Ordinal).Count());
            foreach (var item in claimed)
            {
                var current = Items[item.LeadId];
                Assert.True(current.Claimable(now), $"{item.LeadId} was claimed but is not claimable");
                Assert.Equal(RedialItemState.Claimed, item.State);
                Assert.Equal(now + ttl, item.ClaimExpiresAt);
                Items[item.LeadId] = current with { State = RedialItemState.Claimed, UpdatedAt = now, Token = item.ClaimToken, ExpiresAt = now + ttl, ClaimCount = current.ClaimCount + 1 };
            }
        }

        public bool Complete(string lead, string token, Instant now) => WithToken(lead, token, i => i with { State = RedialItemState.Completed, UpdatedAt = now, Token = null, ExpiresAt = null });

        public bool Release(string lead, string token, Instant? due, Instant now) =>
            WithToken(lead, token, i => i with { Entry = due is { } d ? i.Entry.WithDueAt(d) : i.Entry, State = RedialItemState.Pending, UpdatedAt = now, Token = null, ExpiresAt = null });

        public bool Reschedule(string lead, Instant due, Instant now)
        {
            if (!Items.TryGetValue(lead, out var i) ||
                !(i.State == RedialItemState.Pending || (i.State == RedialItemState.Claimed && i.ExpiresAt <= now)))
            {
                return false;
            }

            Items[lead] = i with { Entry = i.Entry.WithDueAt(due), State = RedialItemState.Pending, UpdatedAt = now, Token = null, ExpiresAt = null };
            return true;
        }

        public bool Cancel(string lead, Instant now)
        {
            if (!Items.TryGetValue(lead, out var i) || i.State is RedialItemState.Completed or RedialItemState.Cancelled)
            {
                return false;
            }

            Items[lead] = i with { State = RedialItemState.Cancelled, UpdatedAt = now, Token = null, ExpiresAt = null };
            return true;
        }

        public long Purge(Instant cutoff)
        {
            var doomed = Items.Where(p => p.Value.State is RedialItemState.Completed or RedialItemState.Cancelled && p.Value.UpdatedAt < cutoff).Select(p => p.Key).ToList();
            doomed.ForEach(k => Items.Remove(k));
            return doomed.Count;
        }

        public void AssertSame(InMemoryRedialQueue queue, Instant now)
        {
            foreach (var lead in Enumerable.Range(0, 6).Select(Lead))
            {
                var actual = Run(queue.GetAsync(lead));
                if (!Items.TryGetValue(lead, out var expected))
                {
                    Assert.Null(actual);
                    continue;
                }

                Assert.NotNull(actual);
                Assert.Equal(expected.Entry, actual.Entry);
                Assert.Equal(expected.State, actual.State);
                Assert.Equal(expected.EnqueuedAt, actual.EnqueuedAt);
                Assert.Equal(expected.UpdatedAt, actual.UpdatedAt);
                Assert.Equal(expected.Token, actual.ClaimToken);
                Assert.Equal(expected.ExpiresAt, actual.ClaimExpiresAt);
                Assert.Equal(expected.ClaimCount, actual.ClaimCount);
            }

            var live = Items.Values.Where(i => i.State is RedialItemState.Pending or RedialItemState.Claimed).ToList();
            var counts = Run(queue.GetCountsAsync(now));
            Assert.Equal(live.Count(i => i.Claimable(now)), counts.Due);
            Assert.Equal(live.Count(i => i.State == RedialItemState.Pending && i.Entry.DueAt > now), counts.Scheduled);
            Assert.Equal(live.Count(i => i.State == RedialItemState.Claimed && i.ExpiresAt > now), counts.Claimed);
            Assert.Equal(Items.Values.Count(i => i.State == RedialItemState.Completed), counts.Completed);
            Assert.Equal(Items.Values.Count(i => i.State == RedialItemState.Cancelled), counts.Cancelled);

            // Each live item sits in one of the due/expiry heaps, and at most once more in its campaign heap.
            Assert.InRange(queue.HeapEntries, live.Count, 2 * live.Count);
        }

        private bool WithToken(string lead, string token, Func<ModelItem, ModelItem> change)
        {
            if (!Items.TryGetValue(lead, out var i) || i.State != RedialItemState.Claimed || i.Token != token)
            {
                return false;
            }

            Items[lead] = change(i);
            return true;
        }
    }
}
