using System.CommandLine;
using Dialer.Protection;
using Dialer.Samples.Console.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary><c>dialer dnc add | remove | list</c>: the internal do-not-call list (Dialer.Protection's <see cref="DoNotCallList"/>).</summary>
internal static class DncCommands
{
    public static Command Create()
    {
        var dnc = new Command("dnc", "The internal do-not-call list: numbers that are never admitted (optionally until an instant).");

        var addPhone = new Argument<string>("PHONE") { Description = "The number, E.164." };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the entry).", DefaultValueFactory = _ => "added with dialer dnc add" };
        var until = new Option<string?>("--until") { Description = "Expiry instant, ISO-8601 (default: permanent)." };
        var client = new Option<string?>("--client") { Description = "Only for this client (default: every client)." };
        var add = new Command("add", "Put a number on the do-not-call list.");
        add.Arguments.Add(addPhone);
        add.Options.Add(reason);
        add.Options.Add(until);
        add.Options.Add(client);
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            var phone = Inputs.Phone("PHONE", parseResult.GetRequiredValue(addPhone));
            var untilText = parseResult.GetValue(until);
            Instant? expires = untilText is null ? null : Inputs.Instant("--until", untilText);
            var clientId = CheckCommand.OptionalId("--client", parseResult.GetValue(client));
            var reasonText = parseResult.GetValue(reason) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(reasonText))
            {
                throw new UsageException($"--reason '{reasonText}' must not be empty.");
            }

            await using var session = Session.Open(parseResult);
            var list = session.Services.GetRequiredService<DoNotCallList>();
            var block = await list.AddAsync(phone, reasonText, expires, clientId, cancellationToken);
            System.Console.Out.WriteLine($"{phone} is on the do-not-call list{(clientId is null ? string.Empty : $" of client '{clientId}'")} {(block.Until is { } u ? "until " + Inputs.Iso(u) : "permanently")}.");
            return ExitCodes.Ok;
        });

        var removePhone = new Argument<string>("PHONE") { Description = "The number, E.164." };
        var removeClient = new Option<string?>("--client") { Description = "The client the entry was added for (default: every client)." };
        var remove = new Command("remove", "Take a number off the do-not-call list.");
        remove.Arguments.Add(removePhone);
        remove.Options.Add(removeClient);
        remove.SetAction(async (parseResult, cancellationToken) =>
        {
            var phone = Inputs.Phone("PHONE", parseResult.GetRequiredValue(removePhone));
            var clientId = CheckCommand.OptionalId("--client", parseResult.GetValue(removeClient));
            await using var session = Session.Open(parseResult);
            var removed = await session.Services.GetRequiredService<DoNotCallList>().RemoveAsync(phone, clientId, cancellationToken);
            if (!removed)
            {
                throw new UsageException($"PHONE '{phone}' is not on the do-not-call list{(clientId is null ? string.Empty : $" of client '{clientId}'")}; nothing changed.");
            }

            System.Console.Out.WriteLine($"{phone} was removed from the do-not-call list.");
            return ExitCodes.Ok;
        });

        var list = new Command("list", "List the do-not-call entries.");
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = Session.Open(parseResult);
            var entries = await session.Services.GetRequiredService<DoNotCallList>().ListAsync(cancellationToken);
            var table = new Table().AddColumns("Phone", "Scope", "Added", "Until", "Reason");
            foreach (var e in entries.OrderBy(e => e.Phone))
            {
                table.AddRow(
                    Markup.Escape(e.Phone.ToString()),
                    Markup.Escape(e.ScopeId is null ? e.Scope.ToString() : $"{e.Scope} {e.ScopeId}"),
                    Inputs.Seconds(e.CreatedAt),
                    e.Until is { } u ? Inputs.Iso(u) : "permanent",
                    Markup.Escape(e.Reason ?? string.Empty));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}.");
            return ExitCodes.Ok;
        });

        dnc.Subcommands.Add(add);
        dnc.Subcommands.Add(remove);
        dnc.Subcommands.Add(list);
        return dnc;
    }
}
