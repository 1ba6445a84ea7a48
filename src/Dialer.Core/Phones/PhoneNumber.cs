using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dialer.Core;

/// <summary>
/// A phone number in strict E.164 form: a <c>+</c> followed by 7 to 15 digits, the first of which is not
/// <c>0</c>. The digits are held in one <see cref="ulong"/>, so the value is as cheap to copy, compare and
/// hash as a <see cref="long"/>.
/// </summary>
/// <remarks>
/// <para>
/// Parsing is strict and allocation-free: no spaces, dashes, brackets or national formats are accepted.
/// Numbers in national formats are normalised once, at import, by the package that needs them (with
/// libphonenumber); the hot admission path carries only this value type.
/// </para>
/// <para>
/// <c>default(PhoneNumber)</c> is not a valid number (<see cref="IsDefault"/> is <see langword="true"/>); its
/// <see cref="ToString()"/> is the empty string. Equality and ordering are those of the digits.
/// </para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public readonly struct PhoneNumber :
    IEquatable<PhoneNumber>,
    IComparable<PhoneNumber>,
    IComparable,
    ISpanFormattable,
    ISpanParsable<PhoneNumber>
{
    /// <summary>The fewest digits (after the <c>+</c>) a number may have.</summary>
    public const int MinDigits = 7;

    /// <summary>The most digits (after the <c>+</c>) a number may have, as E.164 allows.</summary>
    public const int MaxDigits = 15;

    private const ulong MinValue = 1_000_000UL;               // 7 digits
    private const ulong MaxValue = 999_999_999_999_999UL;     // 15 digits

    private readonly ulong _digits;

    private PhoneNumber(ulong digits) => _digits = digits;

    /// <summary>The digits after the <c>+</c> as an unsigned integer (e.g. 14155550123); 0 for <c>default</c>.</summary>
    public ulong Value => _digits;

    /// <summary>Whether this is <c>default(PhoneNumber)</c>, which is not a valid number.</summary>
    public bool IsDefault => _digits == 0;

    /// <summary>The number of digits after the <c>+</c>; 0 for <c>default</c>.</summary>
    public int DigitCount => _digits == 0 ? 0 : CountDigits(_digits);

    /// <summary>
    /// Creates a number from its digits as an integer (the form returned by <see cref="Value"/>).
    /// </summary>
    /// <param name="digits">The digits after the <c>+</c>, e.g. <c>14155550123</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value has fewer than 7 or more than 15 digits.</exception>
    public static PhoneNumber FromValue(ulong digits)
    {
        if (digits < MinValue || digits > MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(digits),
                digits,
                $"A phone number has {MinDigits} to {MaxDigits} digits; {nameof(digits)} = {digits} has {(digits == 0 ? 0 : CountDigits(digits))}.");
        }

        return new PhoneNumber(digits);
    }

    /// <summary>Parses a strict E.164 string such as <c>+14155550123</c>.</summary>
    /// <exception cref="FormatException">
    /// The input is not strict E.164; the message says what is wrong (for example "missing '+'",
    /// "too many digits" or "letter at position 4"), positions counting from 1.
    /// </exception>
    public static PhoneNumber Parse(ReadOnlySpan<char> s)
    {
        var error = TryParseCore(s, out var result, out var position);
        if (error != ParseError.None)
        {
            throw new FormatException(Describe(error, position, s));
        }

        return result;
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is <see langword="null"/>.</exception>
    public static PhoneNumber Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Tries to parse a strict E.164 string; never throws and never allocates.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out PhoneNumber result) =>
        TryParseCore(s, out result, out _) == ParseError.None;

    /// <summary>Tries to parse a strict E.164 string; never throws and never allocates.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out PhoneNumber result)
    {
        if (s is null)
        {
            result = default;
            return false;
        }

        return TryParse(s.AsSpan(), out result);
    }

    /// <summary>
    /// Tries to parse a strict E.164 string and, when it is not one, says why in the same words as
    /// <see cref="Parse(ReadOnlySpan{char})"/>. The error string is only built on failure.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> s, out PhoneNumber result, [NotNullWhen(false)] out string? error)
    {
        var code = TryParseCore(s, out result, out var position);
        error = code == ParseError.None ? null : Describe(code, position, s);
        return code == ParseError.None;
    }

    static PhoneNumber IParsable<PhoneNumber>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<PhoneNumber>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out PhoneNumber result) =>
        TryParse(s, out result);

    static PhoneNumber ISpanParsable<PhoneNumber>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<PhoneNumber>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out PhoneNumber result) =>
        TryParse(s, out result);

    /// <summary>The E.164 form, e.g. <c>+14155550123</c>; the empty string for <c>default</c>.</summary>
    public override string ToString() => ToString(null, null);

    /// <summary>
    /// Formats the number. Format <c>null</c>, <c>""</c> or <c>"E"</c> gives the E.164 form; <c>"M"</c> gives a
    /// masked form for logs that keeps the first four and the last two digits (<c>+1415*****23</c>).
    /// </summary>
    /// <exception cref="FormatException">The format is not one of those above.</exception>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        if (_digits == 0)
        {
            return string.Empty;
        }

        Span<char> buffer = stackalloc char[MaxDigits + 1];
        if (!TryFormat(buffer, out var written, format, formatProvider))
        {
            throw new FormatException($"Unknown phone number format '{format}'; use \"E\" or \"M\".");
        }

        return new string(buffer[..written]);
    }

    /// <summary>The masked form for logs: <c>+1415*****23</c>. See <see cref="ToString(string?, IFormatProvider?)"/>.</summary>
    public string ToMaskedString() => ToString("M", null);

    /// <inheritdoc cref="ToString(string?, IFormatProvider?)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        bool masked;
        if (format.IsEmpty || format.SequenceEqual("E"))
        {
            masked = false;
        }
        else if (format.SequenceEqual("M"))
        {
            masked = true;
        }
        else
        {
            charsWritten = 0;
            return false;
        }

        if (_digits == 0)
        {
            charsWritten = 0;
            return true;
        }

        var count = CountDigits(_digits);
        if (destination.Length < count + 1)
        {
            charsWritten = 0;
            return false;
        }

        destination[0] = '+';
        var value = _digits;
        for (var i = count; i >= 1; i--)
        {
            destination[i] = (char)('0' + (int)(value % 10));
            value /= 10;
        }

        if (masked)
        {
            for (var i = 5; i <= count - 2; i++)
            {
                destination[i] = '*';
            }
        }

        charsWritten = count + 1;
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(PhoneNumber other) => _digits == other._digits;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is PhoneNumber other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _digits.GetHashCode();

    /// <summary>Orders numbers by their digits as integers; <c>default</c> sorts first.</summary>
    public int CompareTo(PhoneNumber other) => _digits.CompareTo(other._digits);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        PhoneNumber other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(PhoneNumber)}.", nameof(obj)),
    };

#pragma warning disable CS1591 // Operators are documented by Equals and CompareTo.
    public static bool operator ==(PhoneNumber left, PhoneNumber right) => left.Equals(right);

    public static bool operator !=(PhoneNumber left, PhoneNumber right) => !left.Equals(right);

    public static bool operator <(PhoneNumber left, PhoneNumber right) => left._digits < right._digits;

    public static bool operator <=(PhoneNumber left, PhoneNumber right) => left._digits <= right._digits;

    public static bool operator >(PhoneNumber left, PhoneNumber right) => left._digits > right._digits;

    public static bool operator >=(PhoneNumber left, PhoneNumber right) => left._digits >= right._digits;
#pragma warning restore CS1591

    private enum ParseError
    {
        None,
        Empty,
        MissingPlus,
        LeadingZero,
        Letter,
        InvalidCharacter,
        TooFewDigits,
        TooManyDigits,
    }

    private static ParseError TryParseCore(ReadOnlySpan<char> s, out PhoneNumber result, out int position)
    {
        result = default;
        position = 0;
        if (s.IsEmpty)
        {
            return ParseError.Empty;
        }

        if (s[0] != '+')
        {
            position = 1;
            return char.IsAsciiDigit(s[0]) ? ParseError.MissingPlus : Classify(s[0]);
        }

        ulong value = 0;
        var digits = s[1..];
        for (var i = 0; i < digits.Length; i++)
        {
            var c = digits[i];
            if (!char.IsAsciiDigit(c))
            {
                position = i + 2;
                return Classify(c);
            }

            if (i == 0 && c == '0')
            {
                position = 2;
                return ParseError.LeadingZero;
            }

            if (i >= MaxDigits)
            {
                // Already longer than E.164 allows; that is the clearest thing to report.
                position = i + 2;
                return ParseError.TooManyDigits;
            }

            value = (value * 10) + (ulong)(c - '0');
        }

        if (digits.Length < MinDigits)
        {
            position = s.Length;
            return ParseError.TooFewDigits;
        }

        result = new PhoneNumber(value);
        return ParseError.None;
    }

    private static ParseError Classify(char c) => char.IsLetter(c) ? ParseError.Letter : ParseError.InvalidCharacter;

    private static string Describe(ParseError error, int position, ReadOnlySpan<char> s) => error switch
    {
        ParseError.Empty => "Invalid E.164 phone number: the value is empty.",
        ParseError.MissingPlus => "Invalid E.164 phone number: missing '+' at position 1 (national formats are not accepted).",
        ParseError.LeadingZero => "Invalid E.164 phone number: leading zero after '+' at position 2 (a country code never starts with 0).",
        ParseError.Letter => string.Create(CultureInfo.InvariantCulture, $"Invalid E.164 phone number: letter at position {position}."),
        ParseError.InvalidCharacter => string.Create(
            CultureInfo.InvariantCulture,
            $"Invalid E.164 phone number: unexpected character {DescribeChar(s[position - 1])} at position {position} (only '+' and digits are allowed)."),
        ParseError.TooFewDigits => string.Create(
            CultureInfo.InvariantCulture,
            $"Invalid E.164 phone number: too few digits ({s.Length - 1}; at least {MinDigits})."),
        ParseError.TooManyDigits => string.Create(
            CultureInfo.InvariantCulture,
            $"Invalid E.164 phone number: too many digits (more than {MaxDigits})."),
        _ => "Invalid E.164 phone number.",
    };

    private static string DescribeChar(char c) => c switch
    {
        ' ' => "' ' (space)",
        '\t' => "'\\t' (tab)",
        _ when char.IsControl(c) || char.IsSurrogate(c) => string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"'{c}'"),
    };

    private static int CountDigits(ulong value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }

        return count;
    }
}
