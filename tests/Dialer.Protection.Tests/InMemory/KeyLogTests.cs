using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Protection.Tests.InMemory;

/// <summary>
/// A number's log finds every logged call id and no other, whatever mix of records, trims and removals came before —
/// in particular its one-word id filter (rebuilt only on compaction and growth) never hides a logged id.
/// </summary>
public sealed class KeyLogTests
{
    private static readonly PhoneNumber Phone = PhoneNumber.FromValue(14_155_550_100UL);

    [Property(MaxTest = 300)]
    public Property IndexOf_FindsExactlyTheLoggedIds() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 9), Gen.Choose(0, 40))).ToArbitrary(),
            operations =>
            {
                var log = default(KeyLog);
                var model = new List<(string Id, Instant At)>();
                var clock = Instant.FromUtc(2026, 3, 1, 0, 0);
                foreach (var (kind, k) in operations)
                {
                    if (kind < 6)
                    {
                        // Record a new attempt (ids may repeat across the run after their first attempt is gone).
                        clock += Duration.FromMinutes(1 + (k % 3));
                        var id = "call-" + k;
                        if (model.Exists(e => e.Id == id))
                        {
                            continue;
                        }

                        log.Add(new DialRequest(id, "lead", Phone), LoggedAttempt.HashId(id), clock);
                        model.Add((id, clock));
                    }
                    else if (kind < 8)
                    {
                        var cutoff = clock - Duration.FromMinutes(k);
                        log.TrimBefore(cutoff);
                        model.RemoveAll(e => e.At < cutoff);
                    }
                    else if (model.Count > 0)
                    {
                        var position = k % model.Count;
                        log.RemoveAt(position);
                        model.RemoveAt(position);
                    }

                    for (var id = 0; id <= 40; id++)
                    {
                        var expected = model.FindIndex(e => e.Id == "call-" + id);
                        if (log.IndexOf("call-" + id) != expected)
                        {
                            return false;
                        }
                    }

                    if (log.Count != model.Count)
                    {
                        return false;
                    }
                }

                return true;
            });
}
