using System.CommandLine;
using System.Globalization;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Samples.Console.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary><c>dialer campaign list | status ID | pause ID | resume ID | cancel ID</c>, and <c>dialer calls active</c>.</summary>
internal static class CampaignCommands
{
    public static Command Create()
    {
        var campaign = new Command("campaign", "List campaigns, show progress and ETA, pause, resume or cancel one.");

        var list = new Command("list", "Every campaign with its state and progress.");
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = Session.Open(parseResult);
            var campaigns = await session.Services.GetRequiredService<ICampaignStore>().ListAsync(null, cancellationToken);
            var table = new Table().AddColumns("Id", "Client", "State", "Processed", "Total", "Owner", "Updated");
            foreach (var c in campaigns.OrderBy(c => c.Id, StringComparer.Ordinal))
            {
                table.AddRow(
                    Markup.Escape(c.Id), Markup.Escape(c.ClientId), c.State.ToString(),
                    Inputs.Number(c.Processed), c.TotalLeads is { } t ? Inputs.Number(t) : "-",
                    Markup.Escape(c.OwnerId ?? "-"), Inputs.Seconds(c.UpdatedAt));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        var statusId = new Argument<string>("ID") { Description = "The campaign id." };
        var status = new Command("status", "Progress, rate, ETA and outcome counts of a campaign.");
        status.Arguments.Add(statusId);
        status.SetAction(async (parseResult, cancellationToken) =>
        {
            var id = CheckCommand.Id("ID", parseResult.GetRequiredValue(statusId));
            await using var session = Session.Open(parseResult);
            var snapshot = await session.Services.GetRequiredService<ICampaignStore>().GetAsync(id, cancellationToken)
                ?? throw new UsageException($"ID '{id}' names no campaign.");
            WriteStatus(snapshot);
            return ExitCodes.Ok;
        });

        campaign.Subcommands.Add(list);
        campaign.Subcommands.Add(status);
        campaign.Subcommands.Add(Transition("pause", "Pause a running campaign (it stops between leads).", (m, id, ct) => m.PauseAsync(id, ct)));
        campaign.Subcommands.Add(Transition("resume", "Resume a paused campaign.", (m, id, ct) => m.ResumeAsync(id, ct)));
        campaign.Subcommands.Add(Transition("cancel", "Cancel a campaign for good.", (m, id, ct) => m.CancelAsync(id, ct)));
        return campaign;
    }

    public static Command CreateCalls()
    {
        var calls = new Command("calls", "Calls holding a concurrency slot.");
        var active = new Command("active", "Active calls (slot leases) per scope: global, each client and each campaign, against their limits.");
        active.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = Session.Open(parseResult);
            var services = session.Services;
            var slots = services.GetRequiredService<SlotManager>();
            var store = slots.Store;
            var now = session.TimeProvider.GetCurrentInstant();
            var campaigns = await services.GetRequiredService<ICampaignStore>().ListAsync(null, cancellationToken);
            var table = new Table().AddColumn("Scope").AddColumn(new TableColumn("Active").RightAligned()).AddColumn(new TableColumn("Limit").RightAligned());
            var global = slots.ScopesFor(DialRequest.DefaultClientId, DialRequest.DefaultCampaignId);
            foreach (var limit in global)
            {
                if (limit.Scope.Kind == SlotScopeKind.Global)
                {
                    table.AddRow("global", Inputs.Number(await store.CountAsync(limit.Scope, now, cancellationToken)), Inputs.Number(limit.Limit));
                }
            }

            foreach (var c in campaigns.Where(c => c.State is CampaignState.Running or CampaignState.Paused).OrderBy(c => c.Id, StringComparer.Ordinal))
            {
                foreach (var limit in slots.ScopesFor(c.ClientId, c.Id))
                {
                    if (limit.Scope.Kind != SlotScopeKind.Global)
                    {
                        table.AddRow(Markup.Escape(limit.Scope.ToString()), Inputs.Number(await store.CountAsync(limit.Scope, now, cancellationToken)), Inputs.Number(limit.Limit));
                    }
                }
            }

            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });
        calls.Subcommands.Add(active);
        return calls;
    }

    private static Command Transition(string name, string description, Func<CampaignManager, string, CancellationToken, ValueTask<CampaignResult>> apply)
    {
        var idArgument = new Argument<string>("ID") { Description = "The campaign id." };
        var command = new Command(name, description);
        command.Arguments.Add(idArgument);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var id = CheckCommand.Id("ID", parseResult.GetRequiredValue(idArgument));
            await using var session = Session.Open(parseResult);
            var manager = session.Services.GetRequiredService<CampaignManager>();
            var result = await apply(manager, id, cancellationToken);
            if (result.Refusal == CampaignRefusal.NotFound)
            {
                throw new UsageException($"ID '{id}' names no campaign.");
            }

            if (!result.Succeeded)
            {
                System.Console.Error.WriteLine($"dialer: campaign '{id}' was not changed: {result.Message}");
                return ExitCodes.Denied;
            }

            System.Console.Out.WriteLine($"Campaign '{id}' is now {result.State}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteStatus(CampaignSnapshot c)
    {
        var table = new Table().Title($"Campaign '{Markup.Escape(c.Id)}'").AddColumn("Field").AddColumn("Value");
        table.AddRow("Client", Markup.Escape(c.ClientId));
        table.AddRow("State", c.State.ToString() + (c.Error is null ? string.Empty : $" ({Markup.Escape(c.Error)})"));
        var percent = c.TotalLeads is > 0 ? (100.0 * c.Processed / c.TotalLeads.Value).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
        table.AddRow("Progress", $"{Inputs.Number(c.Processed)} / {(c.TotalLeads is { } t ? Inputs.Number(t) : "?")} leads ({percent})");

        // Rate and ETA from the campaign's own clock (a simulated campaign runs on simulated time).
        if (c.StartedAt is { } started && c.UpdatedAt > started && c.Processed > 0)
        {
            var elapsed = c.UpdatedAt - started;
            var perHour = c.Processed / elapsed.TotalHours;
            table.AddRow("Rate", $"{perHour.ToString("N0", CultureInfo.InvariantCulture)} leads/hour since {Inputs.Seconds(started)}");
            if (c.TotalLeads is { } total && total > c.Processed && c.State == CampaignState.Running)
            {
                var remaining = Duration.FromHours((total - c.Processed) / perHour);
                table.AddRow("ETA", $"{Inputs.Seconds(c.UpdatedAt + remaining)} (in {Math.Round(remaining.TotalHours, 1).ToString(CultureInfo.InvariantCulture)} h of campaign time)");
            }
        }

        table.AddRow("Owner", Markup.Escape(c.OwnerId ?? "-") + (c.HeartbeatAt is { } hb ? $" (heartbeat {Inputs.Seconds(hb)})" : string.Empty));
        table.AddRow("Checkpoint", $"cursor {Inputs.Number(c.Cursor)}, epoch {c.Epoch}, updated {Inputs.Seconds(c.UpdatedAt)}");
        foreach (var (code, count) in c.OutcomeCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.AddRow($"  {Markup.Escape(code)}", Inputs.Number(count));
        }

        AnsiConsole.Write(table);
    }
}
