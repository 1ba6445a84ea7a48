using System.Text;
using Dialer.Core;
using Dialer.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace Dialer.Reliability.BadInput;

/// <summary>
/// Family 3, bad input — phone strings: seeded random and mutated strings through <see cref="PhoneNumber.TryParse(ReadOnlySpan{char}, out PhoneNumber, out string?)"/>
/// and <see cref="PhoneNumber.Parse(string)"/>. Every case parses (and round-trips) or is rejected with a message;
/// nothing else is thrown. A naive parser run through the same checker is caught.
/// </summary>
public sealed class PhoneFuzzTests(ITestOutputHelper output)
{
    private const string Alphabet = "+0123456789 -().#*xXe\u0660\u06F1\uFF11\u00A0\t\0a/\\";

    [Fact]
    public void PhoneStrings_Fuzzed_ParseAndRoundTripOrAreRejectedWithAMessage()
    {
        var seed = Suite.Seed();
        var tally = Run(seed, 50_000 * Suite.Scale, Check);
        output.WriteLine(tally.Summary);
        tally.Violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(tally.Violations);
        Assert.True(tally.Loaded > 1000 && tally.Rejected > 1000, tally.Summary);
    }

    [Fact]
    public void Checker_NaiveParser_IsCaught()
    {
        // Broken on purpose: strip the '+' and ulong.Parse (throws on garbage, accepts "+1" and 20 digits silently).
        var tally = Run(Suite.Seed(), 2_000, s =>
        {
            try
            {
                _ = PhoneNumber.FromValue(ulong.Parse(s.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture));
                return (InputOutcome.Loaded, null);
            }
#pragma warning disable CA1031 // the checker classifies whatever escapes
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return (InputOutcome.Violation, ex.GetType().Name + ": " + ex.Message);
            }
        });
        output.WriteLine("broken variant (naive parser): " + tally.Summary);
        Assert.NotEmpty(tally.Violations);
    }

    private static (InputOutcome, string?) Check(string s)
    {
        try
        {
            if (PhoneNumber.TryParse(s.AsSpan(), out var phone, out var error))
            {
                var text = phone.ToString();
                if (!PhoneNumber.TryParse(text, out var again) || again != phone || !text.StartsWith('+') || text.Length > 16)
                {
                    return (InputOutcome.Violation, $"parsed as {text}, which does not round-trip");
                }

                return (InputOutcome.Loaded, null);
            }

            if (string.IsNullOrWhiteSpace(error))
            {
                return (InputOutcome.Violation, "rejected without a message");
            }

            var thrown = Assert.Throws<FormatException>(() => PhoneNumber.Parse(s));
            return string.IsNullOrWhiteSpace(thrown.Message) ? (InputOutcome.Violation, "Parse threw without a message") : (InputOutcome.Rejected, null);
        }
#pragma warning disable CA1031 // the checker classifies whatever escapes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (InputOutcome.Violation, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static FuzzTally Run(int seed, int cases, Func<string, (InputOutcome, string?)> check)
    {
        var random = new Random(seed);
        var tally = new FuzzTally("phone strings", seed);
        for (var i = 0; i < cases; i++)
        {
            var s = Generate(random);
            var (outcome, detail) = check(s);
            tally.Add(outcome, i, s.ReplaceLineEndings("\\n").Replace("\0", "\\0", StringComparison.Ordinal), detail);
        }

        return tally;
    }

    private static string Generate(Random random)
    {
        var sb = new StringBuilder();
        switch (random.Next(4))
        {
            case 0: // a valid-looking E.164 number, then a few mutations
            case 1:
                sb.Append('+').Append(random.Next(1, 10));
                var digits = random.Next(3, 17);
                for (var d = 0; d < digits; d++)
                {
                    sb.Append((char)('0' + random.Next(10)));
                }

                var mutations = random.Next(0, 3);
                for (var m = 0; m < mutations && sb.Length > 0; m++)
                {
                    var at = random.Next(sb.Length);
                    switch (random.Next(3))
                    {
                        case 0: sb.Remove(at, 1); break;
                        case 1: sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                        default: sb[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                    }
                }

                break;
            case 2: // random characters from the alphabet
                var length = random.Next(0, 25);
                for (var c = 0; c < length; c++)
                {
                    sb.Append(Alphabet[random.Next(Alphabet.Length)]);
                }

                break;
            default: // any UTF-16 code units, including lone surrogates, or a very long string
                var n = random.Next(10) == 0 ? random.Next(100, 5000) : random.Next(0, 20);
                for (var c = 0; c < n; c++)
                {
                    sb.Append((char)random.Next(0, 0x10000));
                }

                break;
        }

        return sb.ToString();
    }
}
