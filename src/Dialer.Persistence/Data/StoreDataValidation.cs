using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// Checks a whole data set before anything is written: every row must be one the store's validating row readers
/// accept when reading it back (so an import can never make the store fail closed), and no key may appear twice.
/// The first problem throws <see cref="ArgumentException"/> naming the list, index, member and value, e.g.
/// <c>data.DailyStatistics[1].Requests = -1: must not be negative</c>. Every provider's
/// <see cref="IStoreDataAccess.ImportAsync"/> and <see cref="IStoreDataAccess.AddDailyStatisticsAsync"/> call it first,
/// so every store rejects exactly the same rows.
/// </summary>
public static class StoreDataValidation
{
    /// <summary>The earliest attempt instant a store accepts (the row readers' plausibility bound).</summary>
    public static readonly Instant EarliestAttempt = Instant.FromUtc(2000, 1, 1, 0, 0);

    /// <summary>Checks a whole data set for <see cref="IStoreDataAccess.ImportAsync"/>.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="parameter">The caller's parameter name, the start of every error's path.</param>
    /// <exception cref="ArgumentException">The first problem, naming the list, index, member and value.</exception>
    public static void Validate(StoreDataSet data, string parameter)
    {
        ArgumentNullException.ThrowIfNull(data, parameter);
        Check(data.Attempts is not null, parameter, "Attempts", "null", "the list must not be null");
        Check(data.Blocks is not null, parameter, "Blocks", "null", "the list must not be null");
        Check(data.RedialItems is not null, parameter, "RedialItems", "null", "the list must not be null");
        Check(data.AnsweringMachineStats is not null, parameter, "AnsweringMachineStats", "null", "the list must not be null");
        Check(data.Campaigns is not null, parameter, "Campaigns", "null", "the list must not be null");
        Check(data.DailyStatistics is not null, parameter, "DailyStatistics", "null", "the list must not be null");

        var attemptIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < data.Attempts.Count; i++)
        {
            var a = data.Attempts[i];
            var at = Path(parameter, "Attempts", i);
            Id(a.AttemptId, at, "AttemptId");
            Unique(attemptIds, a.AttemptId, i, at, "AttemptId", "Attempts");
            Phone(a.Phone, at, "Phone");
            Id(a.LeadId, at, "LeadId");
            Id(a.ClientId, at, "ClientId");
            Id(a.CampaignId, at, "CampaignId");
            Check(a.RecordedAt >= EarliestAttempt, at, "RecordedAt", a.RecordedAt, "is before 2000-01-01, earlier than any attempt the store keeps");
            if (a.OutcomeCode is { } code)
            {
                Check(Disposition.TryGetWellKnown(code, out _) || Disposition.ValidateCustomCode(code) is null, at, "OutcomeCode", Quote(code), "is not a valid disposition code");
                Check(a.OutcomeCategory is { } c && Enum.IsDefined(c), at, "OutcomeCategory", a.OutcomeCategory, "is not a defined DispositionCategory");
                Check(a.OutcomeAt is not null, at, "OutcomeAt", "null", "must be set when OutcomeCode is");
            }
            else
            {
                Check(a.OutcomeAt is null, at, "OutcomeAt", a.OutcomeAt, "must be null when OutcomeCode is");
            }
        }

        var blockIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < data.Blocks.Count; i++)
        {
            var b = data.Blocks[i];
            var at = Path(parameter, "Blocks", i);
            Id(b.Id, at, "Id");
            Unique(blockIds, b.Id, i, at, "Id", "Blocks");
            Check(b.Target != BlockTarget.Number || !b.Phone.IsDefault, at, "Phone", "default", "a number block needs a phone number");
            Check(b.Until is not { } until || until >= b.CreatedAt, at, "Until", b.Until, "is earlier than CreatedAt " + b.CreatedAt.ToString("g", CultureInfo.InvariantCulture));
        }

        var leads = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < data.RedialItems.Count; i++)
        {
            var item = data.RedialItems[i];
            var at = Path(parameter, "RedialItems", i);
            Check(item is not null, at, null, "null", "an item is required");
            Unique(leads, item.LeadId, i, at, "LeadId", "RedialItems");
            Check(item.Entry.Flags is >= RedialFlags.None and <= RedialFlags.LeaveVoicemail, at, "Entry.Flags", (int)item.Entry.Flags, "is not a defined RedialFlags value");
        }

        var phones = new Dictionary<ulong, int>();
        for (var i = 0; i < data.AnsweringMachineStats.Count; i++)
        {
            var s = data.AnsweringMachineStats[i];
            var at = Path(parameter, "AnsweringMachineStats", i);
            Phone(s.Phone, at, "Phone");
            if (!phones.TryAdd(s.Phone.Value, i))
            {
                Fail(at, "Phone", s.Phone.ToMaskedString(), "duplicate of AnsweringMachineStats[" + phones[s.Phone.Value].ToString(CultureInfo.InvariantCulture) + "]");
            }
        }

        var campaigns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < data.Campaigns.Count; i++)
        {
            var c = data.Campaigns[i];
            var at = Path(parameter, "Campaigns", i);
            Check(c is not null, at, null, "null", "a campaign is required");
            Id(c.Id, at, "Id");
            Unique(campaigns, c.Id, i, at, "Id", "Campaigns");
            Id(c.ClientId, at, "ClientId");
            Id(c.Name, at, "Name");
            Check(Enum.IsDefined(c.State), at, "State", (int)c.State, "is not a defined CampaignState");
            NotNegative(c.Epoch, at, "Epoch");
            NotNegative(c.Cursor, at, "Cursor");
            NotNegative(c.Processed, at, "Processed");
            NotNegative(c.TotalLeads ?? 0, at, "TotalLeads");
            NotNegative(c.PlacementErrors, at, "PlacementErrors");
            NotNegative(c.ConsecutivePlacementErrors, at, "ConsecutivePlacementErrors");
            Counts(c.OutcomeCounts, at, "OutcomeCounts");
        }

        var keys = new Dictionary<(LocalDate, string, string), int>();
        for (var i = 0; i < data.DailyStatistics.Count; i++)
        {
            var s = data.DailyStatistics[i];
            var at = Path(parameter, "DailyStatistics", i);
            Statistics(s, at);
            if (!keys.TryAdd((s.Date, s.ClientId, s.CampaignId), i))
            {
                Fail(at, "Date/ClientId/CampaignId", $"{NodaTime.Text.LocalDatePattern.Iso.Format(s.Date)}/'{s.ClientId}'/'{s.CampaignId}'", "duplicate of DailyStatistics[" + keys[(s.Date, s.ClientId, s.CampaignId)].ToString(CultureInfo.InvariantCulture) + "]");
            }
        }
    }

    /// <summary>Checks increments for <see cref="IStoreDataAccess.AddDailyStatisticsAsync"/> (the same key may repeat: both are added).</summary>
    /// <summary>Checks increments for <see cref="IStoreDataAccess.AddDailyStatisticsAsync"/>.</summary>
    /// <param name="increments">The increments.</param>
    /// <param name="parameter">The caller's parameter name, the start of every error's path.</param>
    /// <exception cref="ArgumentException">The first problem, naming the index, member and value.</exception>
    public static void ValidateIncrements(IReadOnlyList<DailyStatistics> increments, string parameter)
    {
        ArgumentNullException.ThrowIfNull(increments, parameter);
        for (var i = 0; i < increments.Count; i++)
        {
            Statistics(increments[i], Path(parameter, null, i));
        }
    }

    private static void Statistics(DailyStatistics? s, string at)
    {
        Check(s is not null, at, null, "null", "a row is required");
        Check(s.Date.Year is >= 1 and <= 9999, at, "Date", s.Date, "must be in the years 1 to 9999");
        Id(s.ClientId, at, "ClientId");
        Id(s.CampaignId, at, "CampaignId");
        NotNegative(s.Requests, at, "Requests");
        NotNegative(s.Admitted, at, "Admitted");
        NotNegative(s.Denied, at, "Denied");
        Counts(s.DeniedByReason, at, "DeniedByReason");
        Counts(s.Outcomes, at, "Outcomes");
    }

    private static void Counts(IReadOnlyDictionary<string, long>? counts, string at, string member)
    {
        Check(counts is not null, at, member, "null", "the map must not be null");
        foreach (var (code, count) in counts)
        {
            Check(!string.IsNullOrEmpty(code), at, member, Quote(code), "a code must not be empty");
            Check(count >= 0, at, member + "['" + code + "']", count, "must not be negative");
        }
    }

    private static void Unique<TKey>(Dictionary<TKey, int> seen, TKey key, int index, string at, string member, string list)
        where TKey : notnull
    {
        if (!seen.TryAdd(key, index))
        {
            Fail(at, member, Quote(key.ToString()), "duplicate of " + list + "[" + seen[key].ToString(CultureInfo.InvariantCulture) + "]");
        }
    }

    private static void Id(string? value, string at, string member) => Check(!string.IsNullOrEmpty(value), at, member, Quote(value), "must not be null or empty");

    private static void Phone(PhoneNumber phone, string at, string member) => Check(!phone.IsDefault, at, member, "default", "a valid E.164 number is required");

    private static void NotNegative(long value, string at, string member) => Check(value >= 0, at, member, value, "must not be negative");

    private static void Check([DoesNotReturnIf(false)] bool ok, string at, string? member, object? value, string problem)
    {
        if (!ok)
        {
            Fail(at, member, value, problem);
        }
    }

    [DoesNotReturn]
    private static void Fail(string at, string? member, object? value, string problem)
    {
        var path = member is null ? at : at + "." + member;
        var shown = value switch
        {
            null => "null",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        var parameter = at.Split('.', '[')[0];
        throw new ArgumentException($"{path} = {shown}: {problem}.", parameter);
    }

    private static string Path(string parameter, string? list, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{parameter}{(list is null ? string.Empty : "." + list)}[{index}]");

    private static string Quote(string? value) => value is null ? "null" : "'" + value + "'";
}
