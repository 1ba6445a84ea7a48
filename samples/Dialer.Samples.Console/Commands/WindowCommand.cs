using System.CommandLine;
using System.Text.Json;
using Dialer.Core;
using Dialer.Samples.Console.Hosting;
using Dialer.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary><c>dialer window (--phone E164 | --zone IANA | --region XX) --from INSTANT --to INSTANT [--json]</c>: the open intervals.</summary>
internal static class WindowCommand
{
    private const int MaxDays = 366;

    public static Command Create()
    {
        var phone = new Option<string?>("--phone") { Description = "The callee's number, E.164." };
        var zone = new Option<string?>("--zone") { Description = "The callee's IANA time zone." };
        var region = new Option<string?>("--region") { Description = "The callee's region/state code (e.g. TX)." };
        var client = new Option<string?>("--client") { Description = "Client id (selects the business schedule)." };
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (selects the business schedule)." };
        var from = new Option<string>("--from") { Description = "Start instant, ISO-8601.", Required = true };
        var to = new Option<string>("--to") { Description = "End instant, ISO-8601 (exclusive, at most 366 days after --from).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the intervals as JSON." };

        var command = new Command("window", "List the instants when calling is open for a callee, between --from and --to.");
        foreach (var option in new Option[] { phone, zone, region, client, campaign, from, to, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var phoneText = parseResult.GetValue(phone);
            var zoneText = parseResult.GetValue(zone);
            var regionText = parseResult.GetValue(region);
            if (phoneText is null && zoneText is null && regionText is null)
            {
                throw new UsageException("window needs the callee: --phone E164, --zone IANA or --region XX.");
            }

            var number = phoneText is null ? default : Inputs.Phone("--phone", phoneText);
            if (zoneText is not null)
            {
                Inputs.Zone(DateTimeZoneProviders.Tzdb, "--zone", zoneText);
            }

            var start = Inputs.Instant("--from", parseResult.GetRequiredValue(from));
            var end = Inputs.Instant("--to", parseResult.GetRequiredValue(to));
            if (end <= start)
            {
                throw new UsageException($"--to '{parseResult.GetValue(to)}' must be after --from '{parseResult.GetValue(from)}'.");
            }

            if (end - start > Duration.FromDays(MaxDays))
            {
                throw new UsageException($"--to '{parseResult.GetValue(to)}' is more than {MaxDays} days after --from.");
            }

            await using var session = Session.Open(parseResult);
            var service = session.Services.GetRequiredService<CallingWindowService>();
            var query = new CallingWindowQuery
            {
                Phone = number,
                ZoneId = zoneText,
                RegionCode = regionText,
                ClientId = CheckCommand.OptionalId("--client", parseResult.GetValue(client)) ?? DialRequest.DefaultClientId,
                CampaignId = CheckCommand.OptionalId("--campaign", parseResult.GetValue(campaign)) ?? DialRequest.DefaultCampaignId,
            };
            var intervals = service.OpenIntervals(query, start, end);
            if (parseResult.GetValue(json))
            {
                WriteJson(start, end, intervals);
            }
            else
            {
                WriteTable(start, end, intervals, ZoneFor(session, query));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static DateTimeZone ZoneFor(Session session, CallingWindowQuery query)
    {
        var resolver = session.Services.GetService<CalleeZoneResolver>();
        return resolver is null ? DateTimeZone.Utc : resolver.Resolve(query.ZoneId, query.RegionCode, null, query.Phone)[0].Zone;
    }

    private static void WriteJson(Instant start, Instant end, IReadOnlyList<Interval> intervals)
    {
        using var stream = System.Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("from", Inputs.Iso(start));
            writer.WriteString("to", Inputs.Iso(end));
            writer.WriteStartArray("intervals");
            foreach (var interval in intervals)
            {
                writer.WriteStartObject();
                writer.WriteString("start", Inputs.Iso(interval.Start));
                writer.WriteString("end", Inputs.Iso(interval.End));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    private static void WriteTable(Instant start, Instant end, IReadOnlyList<Interval> intervals, DateTimeZone zone)
    {
        AnsiConsole.MarkupLine($"Open intervals between {Inputs.Iso(start)} and {Inputs.Iso(end)} (local times in {Markup.Escape(zone.Id)}):");
        var table = new Table().AddColumns("Start (UTC)", "End (UTC)", "Local", "Length");
        foreach (var interval in intervals)
        {
            var s = interval.Start.InZone(zone);
            var e = interval.End.InZone(zone);
            table.AddRow(
                Inputs.Iso(interval.Start),
                Inputs.Iso(interval.End),
                Markup.Escape($"{s:ddd yyyy-MM-dd HH:mm}–{e:HH:mm}"),
                Markup.Escape(interval.Duration.ToString("H:mm", System.Globalization.CultureInfo.InvariantCulture)));
        }

        AnsiConsole.Write(table);
        if (intervals.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]Calling is closed for the whole range.[/]");
        }
    }
}
