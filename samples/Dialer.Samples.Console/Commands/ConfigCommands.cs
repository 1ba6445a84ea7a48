using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dialer.Samples.Console.Hosting;

namespace Dialer.Samples.Console.Commands;

/// <summary><c>dialer config show | validate | blackout add DATE | blackout remove DATE</c>.</summary>
internal static class ConfigCommands
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var config = new Command("config", "Show, validate and change dialer.json (changes are atomic; the previous file is kept as dialer.json.bak).");

        var show = new Command("show", "Print dialer.json and where it is.");
        show.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = Session.Open(parseResult);
            System.Console.Error.WriteLine($"# {session.Data.ConfigPath}");
            System.Console.Out.WriteLine(session.Json.ToJsonString(s_indented));
            return ExitCodes.Ok;
        });

        var validate = new Command("validate", "Validate dialer.json against every package's rules and print every error.");
        validate.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var session = Session.Open(parseResult);
            var errors = await session.ValidateAsync();
            if (errors.Count == 0)
            {
                System.Console.Out.WriteLine($"{session.Data.ConfigPath} is valid.");
                return ExitCodes.Ok;
            }

            System.Console.Error.WriteLine($"{session.Data.ConfigPath} has {errors.Count} error(s):");
            foreach (var error in errors)
            {
                System.Console.Error.WriteLine($"  {error}");
            }

            return ExitCodes.BadInput;
        });

        var blackout = new Command("blackout", "Add or remove a blackout date (no calls on that date in the schedule's zone).");
        blackout.Subcommands.Add(BlackoutCommand("add", add: true));
        blackout.Subcommands.Add(BlackoutCommand("remove", add: false));

        config.Subcommands.Add(show);
        config.Subcommands.Add(validate);
        config.Subcommands.Add(blackout);
        return config;
    }

    private static Command BlackoutCommand(string name, bool add)
    {
        var date = new Argument<string>("DATE") { Description = "The date, yyyy-MM-dd (or a range yyyy-MM-dd/yyyy-MM-dd)." };
        var schedule = new Option<string?>("--schedule") { Description = "The schedule to change (default: Scheduling:DefaultSchedule)." };
        var command = new Command(name, add ? "Add a blackout date to a schedule." : "Remove a blackout date from a schedule.");
        command.Arguments.Add(date);
        command.Options.Add(schedule);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = parseResult.GetRequiredValue(date).Trim();
            var normalized = NormalizeDateOrRange(text);
            await using var session = Session.Open(parseResult);
            var json = (JsonObject)session.Json.DeepClone();
            var scheduling = Child(json, "Scheduling") ?? throw new UsageException($"{session.Data.ConfigPath} has no Scheduling section.");
            var scheduleName = parseResult.GetValue(schedule)
                ?? (Value(scheduling, "DefaultSchedule") as JsonValue)?.GetValue<string>()
                ?? DefaultConfiguration.DefaultScheduleName;
            var schedules = Child(scheduling, "Schedules");
            var target = schedules is null ? null : Child(schedules, scheduleName);
            if (target is null)
            {
                throw new UsageException($"--schedule '{scheduleName}' names no schedule in Scheduling:Schedules of {session.Data.ConfigPath}.");
            }

            if (Value(target, "BlackoutDates") is not JsonArray dates)
            {
                dates = [];
                target["BlackoutDates"] = dates;
            }

            var existing = dates.Select((d, i) => (Text: d?.GetValue<string>(), Index: i)).FirstOrDefault(x => string.Equals(x.Text, normalized, StringComparison.Ordinal));
            if (add)
            {
                if (existing.Text is not null)
                {
                    System.Console.Out.WriteLine($"{normalized} is already a blackout date of schedule '{scheduleName}'; nothing changed.");
                    return ExitCodes.Ok;
                }

                dates.Add(normalized);
            }
            else
            {
                if (existing.Text is null)
                {
                    throw new UsageException($"DATE '{text}' is not a blackout date of schedule '{scheduleName}'; nothing changed.");
                }

                dates.RemoveAt(existing.Index);
            }

            await using var candidate = Session.FromJson(session, json);
            var errors = await candidate.ValidateAsync();
            if (errors.Count > 0)
            {
                throw new UsageException($"The change would make the configuration invalid; nothing changed. {errors[0]}");
            }

            session.Data.Save(json);
            System.Console.Out.WriteLine(add
                ? $"Added blackout {normalized} to schedule '{scheduleName}' in {session.Data.ConfigPath} (previous file kept as {Path.GetFileName(session.Data.PreviousConfigPath)})."
                : $"Removed blackout {normalized} from schedule '{scheduleName}' in {session.Data.ConfigPath} (previous file kept as {Path.GetFileName(session.Data.PreviousConfigPath)}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string NormalizeDateOrRange(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Inputs.Date(Inputs.Date("DATE", text));
        }

        var from = Inputs.Date("DATE", text[..slash]);
        var to = Inputs.Date("DATE", text[(slash + 1)..]);
        if (to < from)
        {
            throw new UsageException($"DATE '{text}' ends before it starts.");
        }

        return $"{Inputs.Date(from)}/{Inputs.Date(to)}";
    }

    /// <summary>A child object by key, matched case-insensitively as configuration keys are.</summary>
    internal static JsonObject? Child(JsonObject parent, string key) => Value(parent, key) as JsonObject;

    internal static JsonNode? Value(JsonObject parent, string key)
    {
        foreach (var (k, v) in parent)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
