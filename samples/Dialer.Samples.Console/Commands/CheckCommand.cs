using System.CommandLine;
using System.Text.Json;
using Dialer.Core;
using Dialer.Samples.Console.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary>
/// <c>dialer check --phone E164 [...] [--at INSTANT] [--json]</c>: the full admission decision of every gate
/// (<see cref="IDialAdmission.CheckAsync"/>), without dialing and without recording anything.
/// Exit code 0 when allowed, 3 when denied.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var phone = new Option<string>("--phone") { Description = "The number to check, E.164 (e.g. +12125550123).", Required = true };
        var lead = new Option<string>("--lead") { Description = "Lead id (caps and dispositions may be per lead).", DefaultValueFactory = _ => "check" };
        var client = new Option<string?>("--client") { Description = "Client id (default: default)." };
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (default: default)." };
        var zone = new Option<string?>("--zone") { Description = "The callee's IANA time zone, when the host knows it." };
        var region = new Option<string?>("--region") { Description = "The callee's region/state code (e.g. FL), when the host knows it." };
        var postal = new Option<string?>("--postal") { Description = "The callee's postal (ZIP) code, when the host knows it." };
        var at = new Option<string?>("--at") { Description = "The instant to decide for, ISO-8601 (default: now)." };
        var json = new Option<bool>("--json") { Description = "Print the decision as JSON." };

        var command = new Command("check", "Explain the full admission decision for a number (records nothing). Exit 0 allowed, 3 denied.");
        foreach (var option in new Option[] { phone, lead, client, campaign, zone, region, postal, at, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var number = Inputs.Phone("--phone", parseResult.GetRequiredValue(phone));
            var atText = parseResult.GetValue(at);
            var zoneText = parseResult.GetValue(zone);
            var leadId = Id("--lead", parseResult.GetValue(lead) ?? "check");
            var clientId = OptionalId("--client", parseResult.GetValue(client));
            var campaignId = OptionalId("--campaign", parseResult.GetValue(campaign));
            if (zoneText is not null)
            {
                Inputs.Zone(DateTimeZoneProviders.Tzdb, "--zone", zoneText);
            }

            var instant = atText is null ? (Instant?)null : Inputs.Instant("--at", atText);
            await using var session = Session.Open(parseResult);
            var services = session.Services;
            var when = instant ?? session.TimeProvider.GetCurrentInstant();
            var request = new DialRequest("check", leadId, number, clientId, campaignId)
            {
                CalleeZoneId = zoneText,
                RegionCode = parseResult.GetValue(region),
                PostalCode = parseResult.GetValue(postal),
            };

            var admission = services.GetRequiredService<IDialAdmission>();
            var decision = await admission.CheckAsync(request, when, cancellationToken);
            var zones = services.GetService<ICalleeZoneResolver>()?.Resolve(request) ?? [];
            if (parseResult.GetValue(json))
            {
                WriteJson(decision, zones);
            }
            else
            {
                WriteTable(request, decision, zones);
            }

            return decision.IsAllowed ? ExitCodes.Ok : ExitCodes.Denied;
        });
        return command;
    }

    internal static string Id(string option, string value) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 256
            ? throw new UsageException($"{option} '{value}' is not an id (1 to 256 characters, not blank).")
            : value;

    internal static string? OptionalId(string option, string? value) => value is null ? null : Id(option, value);

    internal static string SourceName(CalleeZoneSource source) => source switch
    {
        CalleeZoneSource.Request => "request",
        CalleeZoneSource.Region => "region",
        CalleeZoneSource.PostalCode => "postalCode",
        CalleeZoneSource.PhonePrefix => "phonePrefix",
        CalleeZoneSource.Fallback => "fallback",
        _ => source.ToString(),
    };

    private static void WriteJson(AdmissionDecision decision, IReadOnlyList<CalleeZone> zones)
    {
        using var stream = System.Console.OpenStandardOutput();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("allowed", decision.IsAllowed);
            writer.WriteStartArray("reasons");
            foreach (var reason in decision.Reasons)
            {
                writer.WriteStartObject();
                writer.WriteString("code", reason.Code);
                writer.WriteString("message", reason.Message);
                WriteInstant(writer, "clearsAt", reason.ClearsAt);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            WriteInstant(writer, "nextEligibleAt", decision.NextEligibleAt);
            writer.WriteStartArray("calleeZones");
            foreach (var zone in zones)
            {
                writer.WriteStartObject();
                writer.WriteString("zone", zone.Zone.Id);
                writer.WriteString("source", SourceName(zone.Source));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stream.Write("\n"u8);
    }

    private static void WriteInstant(Utf8JsonWriter writer, string name, Instant? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, Inputs.Iso(v));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteTable(DialRequest request, AdmissionDecision decision, IReadOnlyList<CalleeZone> zones)
    {
        var verdict = decision.IsAllowed ? "[green]ALLOWED[/]" : "[red]DENIED[/]";
        AnsiConsole.MarkupLine($"{verdict} {Markup.Escape(request.Phone.ToString())} at {Inputs.Iso(decision.EvaluatedAt)}");
        if (!decision.IsAllowed)
        {
            var table = new Table().AddColumns("Code", "Reason", "Clears at");
            foreach (var reason in decision.Reasons)
            {
                table.AddRow(Markup.Escape(reason.Code), Markup.Escape(reason.Message), reason.ClearsAt is { } c ? Inputs.Iso(c) : "never");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"Next eligible: {(decision.NextEligibleAt is { } n ? Inputs.Iso(n) : "never")}");
        }

        AnsiConsole.MarkupLine("Callee zones: " + Markup.Escape(string.Join(", ", zones.Select(z => $"{z.Zone.Id} ({SourceName(z.Source)})"))));
    }
}
