using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Redial;

/// <summary>
/// The call ids of redial attempts. Attempt n (n ≥ 2) of a chain that started with call id <c>root</c> uses
/// <c>{root}/r{n}</c>; a call id without that suffix is attempt 1 and is its own root. The id is a pure function of
/// the root and the attempt number, so a retried outcome webhook schedules the same call id again (an idempotent
/// enqueue) and the attempt ledger sees each redial as a new attempt.
/// </summary>
/// <remarks>
/// Host call ids should therefore not end in <c>/r</c> followed by digits. When <c>{root}/r{n}</c> would exceed the
/// 256 characters a call id may have, the root is replaced by <c>h-</c> and 40 hex digits of its SHA-256 (still
/// deterministic).
/// </remarks>
public static class RedialCallIds
{
    private const string Suffix = "/r";
    private const int MaxCallIdLength = 256;

    /// <summary>The attempt number a call id stands for (1 unless it ends in <c>/r{n}</c> with n ≥ 2), and the chain's root.</summary>
    public static int ParseAttempt(string callId, out string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var at = callId.LastIndexOf(Suffix, StringComparison.Ordinal);
        if (at > 0 && at + Suffix.Length < callId.Length)
        {
            var digits = callId.AsSpan(at + Suffix.Length);
            if (digits.Length <= 6 && digits[0] != '0' && IsDigits(digits) &&
                int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2)
            {
                root = callId[..at];
                return n;
            }
        }

        root = callId;
        return 1;
    }

    /// <summary>The attempt number a call id stands for.</summary>
    public static int ParseAttempt(string callId) => ParseAttempt(callId, out _);

    /// <summary>The call id of attempt <paramref name="attempt"/> in the chain of <paramref name="callId"/> (any call id of the chain).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attempt"/> is less than 1.</exception>
    public static string ForAttempt(string callId, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ParseAttempt(callId, out var root);
        if (attempt == 1)
        {
            return root;
        }

        var suffix = string.Create(CultureInfo.InvariantCulture, $"{Suffix}{attempt}");
        if (root.Length + suffix.Length > MaxCallIdLength)
        {
            root = "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..40];
        }

        return root + suffix;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
