using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// The <c>daily_statistics</c> table: one row per (date, client, campaign), the date as ISO text (<c>yyyy-MM-dd</c>,
/// which sorts as it reads), the two counter maps as JSON objects.
/// </summary>
internal static class SqliteDailyStatistics
{
    internal const string Columns = "rowid, date, client_id, campaign_id, requests, admitted, denied, denied_by_reason, outcomes";

    internal const string Insert =
        "INSERT INTO daily_statistics (date, client_id, campaign_id, requests, admitted, denied, denied_by_reason, outcomes) " +
        "VALUES ($date, $client, $campaign, $requests, $admitted, $denied, $reasons, $outcomes) ON CONFLICT (date, client_id, campaign_id) DO NOTHING";

    internal const string Update =
        "UPDATE daily_statistics SET requests = $requests, admitted = $admitted, denied = $denied, denied_by_reason = $reasons, outcomes = $outcomes " +
        "WHERE date = $date AND client_id = $client AND campaign_id = $campaign";

    internal const string SelectByKey = "SELECT " + Columns + " FROM daily_statistics WHERE date = $date AND client_id = $client AND campaign_id = $campaign";

    private static readonly LocalDatePattern DatePattern = LocalDatePattern.Iso;

    /// <summary>The date as stored: <c>yyyy-MM-dd</c> (years 1 to 9999, so text order is date order).</summary>
    public static string FormatDate(LocalDate date) => DatePattern.Format(date);

    /// <summary>Binds the row's values (key and counters) to <paramref name="command"/>.</summary>
    public static SqliteCommand Bind(SqliteCommand command, DailyStatistics row) =>
        command.With("$date", FormatDate(row.Date)).With("$client", row.ClientId).With("$campaign", row.CampaignId)
            .With("$requests", row.Requests).With("$admitted", row.Admitted).With("$denied", row.Denied)
            .With("$reasons", WriteCounts(row.DeniedByReason)).With("$outcomes", WriteCounts(row.Outcomes));

    /// <summary>Reads and validates one row (selected with <see cref="Columns"/>).</summary>
    public static DailyStatistics ReadRow(SqliteDataReader reader)
    {
        var row = new RowReader(reader, "daily_statistics", reader.GetInt64(0));
        var text = row.Text(1, "date");
        var parsed = DatePattern.Parse(text);
        if (!parsed.Success || parsed.Value.Year < 1 || text.Length != 10)
        {
            throw row.Corrupt("date", "is not a date as yyyy-MM-dd");
        }

        return new DailyStatistics
        {
            Date = parsed.Value,
            ClientId = row.Text(2, "client_id"),
            CampaignId = row.Text(3, "campaign_id"),
            Requests = NonNegative(row, 4, "requests"),
            Admitted = NonNegative(row, 5, "admitted"),
            Denied = NonNegative(row, 6, "denied"),
            DeniedByReason = ReadCounts(row, 7, "denied_by_reason"),
            Outcomes = ReadCounts(row, 8, "outcomes"),
        };
    }

    /// <summary>A counter map as a JSON object, keys in ordinal order.</summary>
    public static string WriteCounts(IReadOnlyDictionary<string, long> counts)
    {
        var keys = new List<string>(counts.Keys);
        keys.Sort(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var key in keys)
            {
                writer.WriteNumber(key, counts[key]);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static long NonNegative(RowReader row, int ordinal, string column)
    {
        var value = row.Int64(ordinal, column);
        return value < 0 ? throw row.Corrupt(column, value.ToString(CultureInfo.InvariantCulture) + " is negative") : value;
    }

    private static Dictionary<string, long> ReadCounts(RowReader row, int ordinal, string column)
    {
        var json = row.Text(ordinal, column);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw row.Corrupt(column, "is not a JSON object");
            }

            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name.Length == 0)
                {
                    throw row.Corrupt(column, "has an empty code");
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var n) || n < 0)
                {
                    throw row.Corrupt(column, $"the count of '{property.Name}' is not a non-negative integer");
                }

                if (!counts.TryAdd(property.Name, n))
                {
                    throw row.Corrupt(column, $"has the code '{property.Name}' twice");
                }
            }

            return counts;
        }
        catch (JsonException ex)
        {
            throw row.Corrupt(column, "is not valid JSON", ex);
        }
    }
}
