using System.CommandLine;
using System.Text.Json;
using Dialer.Persistence;
using Dialer.Samples.Console.Hosting;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary><c>dialer stats [--from DATE] [--to DATE] [--campaign ID] [--json]</c>: the stored daily statistics.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "First day, yyyy-MM-dd (default: the first stored)." };
        var to = new Option<string?>("--to") { Description = "Last day, yyyy-MM-dd, inclusive (default: the last stored)." };
        var campaign = new Option<string?>("--campaign") { Description = "Only this campaign." };
        var json = new Option<bool>("--json") { Description = "One JSON object per row instead of a table." };
        var stats = new Command(
            "stats",
            "Daily statistics per date, client and campaign (the collector counts every admission decision and call outcome; days in Statistics:ReportingZoneId of dialer.json, default UTC).");
        stats.Options.Add(from);
        stats.Options.Add(to);
        stats.Options.Add(campaign);
        stats.Options.Add(json);
        stats.SetAction(async (parseResult, cancellationToken) =>
        {
            var fromText = parseResult.GetValue(from);
            var toText = parseResult.GetValue(to);
            LocalDate? first = fromText is null ? null : Inputs.Date("--from", fromText);
            LocalDate? last = toText is null ? null : Inputs.Date("--to", toText);
            if (first is { } f && last is { } l && l < f)
            {
                throw new UsageException($"--to '{toText}' is before --from '{fromText}'.");
            }

            var campaignId = CheckCommand.OptionalId("--campaign", parseResult.GetValue(campaign));
            await using var session = Session.Open(parseResult);
            var access = TransferCommands.DataAccess(session, "stats");
            var rows = new List<DailyStatistics>();
            await foreach (var row in access.ReadDailyStatisticsAsync(first, last, cancellationToken))
            {
                if (campaignId is null || string.Equals(row.CampaignId, campaignId, StringComparison.Ordinal))
                {
                    rows.Add(row);
                }
            }

            if (parseResult.GetValue(json))
            {
                foreach (var row in rows)
                {
                    System.Console.Out.WriteLine(JsonSerializer.Serialize(new
                    {
                        date = Inputs.Date(row.Date),
                        clientId = row.ClientId,
                        campaignId = row.CampaignId,
                        requests = row.Requests,
                        admitted = row.Admitted,
                        denied = row.Denied,
                        deniedByReason = row.DeniedByReason,
                        outcomes = row.Outcomes,
                    }));
                }

                return ExitCodes.Ok;
            }

            Write(rows);
            return ExitCodes.Ok;
        });
        return stats;
    }

    /// <summary>One table: per date and campaign, the decisions, then denials by reason and outcomes by code, largest first.</summary>
    public static void Write(IReadOnlyList<DailyStatistics> rows)
    {
        var table = new Table().AddColumns("Date", "Client / campaign", "Measure", "Count");
        foreach (var row in rows)
        {
            var date = Inputs.Date(row.Date);
            var scope = Markup.Escape($"{row.ClientId} / {row.CampaignId}");
            table.AddRow(date, scope, "decisions", Inputs.Number(row.Requests));
            table.AddRow(string.Empty, string.Empty, "admitted", Inputs.Number(row.Admitted));
            table.AddRow(string.Empty, string.Empty, "denied", Inputs.Number(row.Denied));
            foreach (var (code, count) in row.DeniedByReason.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                table.AddRow(string.Empty, string.Empty, Markup.Escape("  " + code), Inputs.Number(count));
            }

            foreach (var (code, count) in row.Outcomes.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                table.AddRow(string.Empty, string.Empty, Markup.Escape("outcome " + code), Inputs.Number(count));
            }
        }

        table.Columns[3].RightAligned();
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"{rows.Count} day row(s)."));
    }
}
