using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Dialer.Protection;

/// <summary>Reads the seeds' snake_case protection keys into <see cref="ProtectionOptions"/>.</summary>
internal static class ProtectionSeedKeys
{
    public static void Apply(IConfiguration section, ProtectionOptions o)
    {
        Bool(section, "block_on_transferred", v => o.BlockOnTransferred = v, o);
        Bool(section, "block_on_sold", v => o.BlockOnSold = v, o);
        Bool(section, "block_on_not_interested", v => o.BlockOnNotInterested = v, o);
        Bool(section, "allow_voicemail_retry", v => o.AllowVoicemailRetry = v, o);
        Bool(section, "allow_no_answer_retry", v => o.AllowNoAnswerRetry = v, o);
        Bool(section, "allow_different_lead_ids", v => o.AllowDifferentLeadIds = v, o);
        Int(section, "duplicate_window_minutes", v => o.DuplicateWindow = TimeSpan.FromMinutes(v), o);
        Int(section, "max_daily_attempts_per_number", v => o.MaxDailyAttemptsPerNumber = v, o);
    }

    private static void Bool(IConfiguration section, string key, Action<bool> set, ProtectionOptions o)
    {
        var raw = section[key];
        if (raw is null)
        {
            return;
        }

        if (bool.TryParse(raw, out var value))
        {
            set(value);
        }
        else
        {
            o.BindingErrors.Add((key, raw, "must be true or false."));
        }
    }

    private static void Int(IConfiguration section, string key, Action<int> set, ProtectionOptions o)
    {
        var raw = section[key];
        if (raw is null)
        {
            return;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= 5_256_000)
        {
            set(value);
        }
        else
        {
            o.BindingErrors.Add((key, raw, "must be a whole number from 0 to 5256000."));
        }
    }
}
