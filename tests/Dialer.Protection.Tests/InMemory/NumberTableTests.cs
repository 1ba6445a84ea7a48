using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dialer.Protection.Tests.InMemory;

/// <summary>
/// The open-addressing table behind the in-memory ledger's number logs must behave like a dictionary under any mix of
/// adds, removes (backward-shift deletion) and growth — including keys that collide on their home slot.
/// </summary>
public sealed class NumberTableTests
{
    [Property(MaxTest = 300)]
    public Property AnyOperations_BehaveLikeADictionary() =>
        Prop.ForAll(
            (from length in Gen.Choose(0, 400)
             from ops in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 2), Gen.Choose(1, 40)), length)
             select ops).ToArbitrary(),
            Gen.Choose(0, 1).ToArbitrary(),
            (operations, spread) =>
            {
                var table = new NumberTable();
                var model = new Dictionary<ulong, int>();
                foreach (var (kind, k) in operations)
                {
                    // Small keys or keys far apart: both crowd probe runs differently.
                    var key = spread == 0 ? (ulong)k : 14_155_550_000UL + ((ulong)k << 20);
                    switch (kind)
                    {
                        case 0:
                            ref var added = ref table.GetOrAdd(key);
                            added.Add(new Dialer.Core.DialRequest("c" + k, "l", Dialer.Core.PhoneNumber.FromValue(14_155_550_000UL + (ulong)k)), 0, NodaTime.Instant.FromUnixTimeSeconds(k));
                            model[key] = model.GetValueOrDefault(key) + 1;
                            break;
                        case 1:
                            Assert.Equal(model.Remove(key), table.Remove(key));
                            break;
                        default:
                            ref var found = ref table.Find(key);
                            Assert.Equal(model.ContainsKey(key), !Unsafe.IsNullRef(ref found));
                            break;
                    }

                    Assert.Equal(model.Count, table.Count);
                }

                foreach (var (key, count) in model)
                {
                    ref var log = ref table.Find(key);
                    Assert.False(Unsafe.IsNullRef(ref log));
                    Assert.Equal(count, log.Count);
                }

                var walked = new List<ulong>();
                var e = table.GetEnumerator();
                while (e.MoveNext())
                {
                    walked.Add(e.Key);
                }

                Assert.Equal(model.Keys.Order(), walked.Order());
            });

    [Fact]
    public void GetOrAdd_KeyZero_IsRejectedWithTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new NumberTable().GetOrAdd(0));
        Assert.Equal("key", ex.ParamName);
    }
}
