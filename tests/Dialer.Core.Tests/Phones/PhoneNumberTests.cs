using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dialer.Core.Tests.Phones;

public sealed class PhoneNumberTests
{
    private static readonly Gen<string> ValidE164 =
        from length in Gen.Choose(PhoneNumber.MinDigits, PhoneNumber.MaxDigits)
        from first in Gen.Choose(1, 9)
        from rest in Gen.ArrayOf(Gen.Choose(0, 9), length - 1)
        select "+" + first.ToString(CultureInfo.InvariantCulture) + string.Concat(rest.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    [Property(MaxTest = 2000)]
    public Property Parse_AnyValidE164_RoundTripsThroughToString() =>
        Prop.ForAll(ValidE164.ToArbitrary(), s =>
        {
            var number = PhoneNumber.Parse(s);
            return number.ToString() == s
                && PhoneNumber.TryParse(s, out var again) && again == number
                && number.DigitCount == s.Length - 1
                && PhoneNumber.FromValue(number.Value) == number;
        });

    [Property(MaxTest = 2000)]
    public Property Parse_StringWithALetter_IsRejectedNamingThePosition() =>
        Prop.ForAll(
            (from s in ValidE164
             from pos in Gen.Choose(1, s.Length - 1)
             from letter in Gen.Elements("abcxyzABCXYZéß".ToCharArray())
             select (s, pos, letter)).ToArbitrary(),
            t =>
            {
                var input = t.s[..t.pos] + t.letter + t.s[(t.pos + 1)..];
                var ex = Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
                return !PhoneNumber.TryParse(input, out _)
                    && ex.Message.Contains($"letter at position {t.pos + 1}", StringComparison.Ordinal);
            });

    [Property(MaxTest = 1000)]
    public Property Parse_LeadingZeroAfterPlus_IsRejected() =>
        Prop.ForAll(ValidE164.ToArbitrary(), s =>
        {
            var input = "+0" + s[2..];
            var ex = Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
            return ex.Message.Contains("leading zero", StringComparison.Ordinal) && !PhoneNumber.TryParse(input, out _);
        });

    [Property(MaxTest = 1000)]
    public Property Parse_MoreThanFifteenDigits_IsRejected() =>
        Prop.ForAll(
            (from s in ValidE164 from extra in Gen.ArrayOf(Gen.Choose(0, 9), 16 - (s.Length - 1)) select s + string.Concat(extra)).ToArbitrary(),
            input =>
            {
                var ex = Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
                return ex.Message.Contains("too many digits", StringComparison.Ordinal) && !PhoneNumber.TryParse(input, out _);
            });

    [Theory]
    [InlineData("", "the value is empty")]
    [InlineData("14155550123", "missing '+'")]
    [InlineData("+1415a550123", "letter at position 6")]
    [InlineData("+1415 550123", "unexpected character ' ' (space) at position 6")]
    [InlineData("+1-415-555-0123", "unexpected character '-' at position 3")]
    [InlineData("+0415550123", "leading zero after '+'")]
    [InlineData("+123456", "too few digits (6; at least 7)")]
    [InlineData("+1234567890123456", "too many digits (more than 15)")]
    [InlineData("++14155550123", "unexpected character '+' at position 2")]
    public void Parse_InvalidInput_MessageSaysWhatIsWrong(string input, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => PhoneNumber.Parse(input));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(PhoneNumber.TryParse(input, out var result, out var error));
        Assert.Equal(ex.Message, error);
        Assert.True(result.IsDefault);
    }

    [Fact]
    public void Parse_InvalidInput_DoesNotEchoMoreThanTheInput()
    {
        var ex = Assert.Throws<FormatException>(() => PhoneNumber.Parse("+1415555012x"));
        Assert.DoesNotContain("1415555012", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_MaskedFormat_KeepsFirstFourAndLastTwoDigits()
    {
        var number = PhoneNumber.Parse("+14155550123");
        Assert.Equal("+1415*****23", number.ToMaskedString());
        Assert.Equal("+1415*****23", number.ToString("M", null));
        Assert.Equal("+14155550123", number.ToString("E", null));
        Assert.Throws<FormatException>(() => number.ToString("X", null));
    }

    [Fact]
    public void Default_IsNotAValidNumber()
    {
        PhoneNumber d = default;
        Assert.True(d.IsDefault);
        Assert.Equal(string.Empty, d.ToString());
        Assert.Equal(0, d.DigitCount);
    }

    [Fact]
    public void Ordering_FollowsTheDigitsAsIntegers()
    {
        var a = PhoneNumber.Parse("+14155550123");
        var b = PhoneNumber.Parse("+442071838750");
        Assert.True(a < b);
        Assert.True(b > a);
        Assert.True(a != b);
        Assert.Equal(-1, a.CompareTo(b));
        Assert.Equal(a, PhoneNumber.Parse("+14155550123"));
        Assert.Equal(a.GetHashCode(), PhoneNumber.Parse("+14155550123").GetHashCode());
    }

    [Fact]
    public void FromValue_OutOfRange_ThrowsNamingTheArgument()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PhoneNumber.FromValue(1_000_000_000_000_000UL));
        Assert.Equal("digits", ex.ParamName);
        Assert.Contains("has 16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ValidInput_AllocatesNothing()
    {
        var input = "+14155550123".AsSpan().ToArray();
        Assert.True(PhoneNumber.TryParse(input, out _));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = true;
        for (var i = 0; i < 100; i++)
        {
            ok &= PhoneNumber.TryParse(input, out _);
        }

        Assert.True(ok);

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
