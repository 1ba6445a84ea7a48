using System.CommandLine;
using System.Globalization;
using Dialer.Campaigns;
using Dialer.Persistence;
using Dialer.Samples.Console.Hosting;
using Dialer.Samples.Console.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spectre.Console;

namespace Dialer.Samples.Console.Commands;

/// <summary>
/// <c>dialer simulate [--leads FILE.csv | --generate N] [--days D] [--seed S]</c>: a campaign end to end against a
/// simulated telephony provider on a fake clock, on the store in <c>--data</c>. Running it again continues the campaign.
/// </summary>
internal static class SimulateCommand
{
    public const string DefaultCampaignId = "sim";
    public const int DefaultGenerate = 10_000;
    public const string DefaultStart = "2026-03-02T05:00:00Z";

    public static Command Create()
    {
        var leadsFile = new Option<string?>("--leads") { Description = "CSV of leads: lead_id,phone[,region][,zone] (E.164 phones)." };
        var generate = new Option<int?>("--generate") { Description = $"Generate N seeded leads over US states and zones (default {DefaultGenerate} for a new campaign)." };
        var days = new Option<int>("--days") { Description = "Simulated days to run.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed for leads and call outcomes.", DefaultValueFactory = _ => 42 };
        var campaign = new Option<string>("--campaign") { Description = "Campaign id; an existing one is continued.", DefaultValueFactory = _ => DefaultCampaignId };
        var start = new Option<string?>("--start") { Description = $"Simulated start of a new campaign, ISO-8601 (default {DefaultStart}, a Monday 00:00 in New York)." };
        var tick = new Option<int>("--tick") { Description = "Simulation step in seconds.", DefaultValueFactory = _ => 15 };

        var command = new Command("simulate", "Run a campaign against a simulated telephony provider on a fake clock (continues an existing campaign).");
        foreach (var option in new Option[] { leadsFile, generate, days, seed, campaign, start, tick })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var daysValue = parseResult.GetValue(days);
            if (daysValue is < 1 or > 366)
            {
                throw new UsageException($"--days '{daysValue}' must be between 1 and 366.");
            }

            var tickValue = parseResult.GetValue(tick);
            if (tickValue is < 1 or > 3600)
            {
                throw new UsageException($"--tick '{tickValue}' must be between 1 and 3600 seconds.");
            }

            var generateValue = parseResult.GetValue(generate);
            if (generateValue is < 1 or > 10_000_000)
            {
                throw new UsageException($"--generate '{generateValue}' must be between 1 and 10,000,000.");
            }

            var leadsPath = parseResult.GetValue(leadsFile);
            if (leadsPath is not null && generateValue is not null)
            {
                throw new UsageException($"--leads '{leadsPath}' and --generate '{generateValue}' cannot be combined; choose one.");
            }

            var campaignId = CheckCommand.Id("--campaign", parseResult.GetValue(campaign) ?? DefaultCampaignId);
            var startText = parseResult.GetValue(start);
            var startInstant = Inputs.Instant("--start", startText ?? DefaultStart);
            var seedValue = parseResult.GetValue(seed);
            List<CampaignLead>? imported = leadsPath is null ? null : LeadFile.Read("--leads", leadsPath);

            // The data directory (and a first run's default configuration) before anything else.
            var clock = new FakeTimeProvider(startInstant.ToDateTimeOffset());
            await using var session = Session.Open(parseResult, clock, durableWrites: false);
            var statePath = SimulationState.PathFor(session.Data.Path, campaignId);
            var state = SimulationState.Load(statePath);
            List<CampaignLead> leads;
            if (state is not null)
            {
                if (imported is not null || generateValue is not null || startText is not null)
                {
                    System.Console.Error.WriteLine($"Campaign '{campaignId}' exists in {session.Data.Path}; continuing it with its own leads (use --campaign ID for a new one).");
                }

                leads = LeadFile.Read("lead file", Path.Combine(session.Data.Path, state.LeadsFile));
                clock.SetUtcNow(state.ClockInstant.ToDateTimeOffset());
                seedValue = state.Seed;
            }
            else
            {
                leads = imported ?? LeadFile.Generate(generateValue ?? DefaultGenerate, seedValue);
                var leadsCopy = SimulationState.LeadsPathFor(session.Data.Path, campaignId);
                LeadFile.Write(leadsCopy, leads);
                state = new SimulationState { CampaignId = campaignId, LeadsFile = Path.GetFileName(leadsCopy), Seed = seedValue, Clock = Inputs.Iso(startInstant) };
                state.Save(statePath);
            }

            var simulation = new CampaignSimulation(session.Services, clock, new SimulatedTelephony(seedValue), leads, campaignId, "default", Duration.FromSeconds(tickValue));
            var runStart = Instant.FromDateTimeOffset(clock.GetUtcNow());
            var until = runStart + Duration.FromDays(daysValue);
            simulation.Continued = state.Runs > 0;

            // The daily statistics collector counts every decision and outcome; this host has no background flusher, so
            // the counts are written at every simulated hour and at the end (a killed run loses at most an hour of them).
            var collector = session.Services.GetService<DailyStatisticsCollector>();
            if (collector is not null)
            {
                simulation.HourlyCheckpoint = ct => collector.FlushAsync(ct);
            }
            SimulationResult result;
            try
            {
                if (System.Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
                {
                    var lastPrinted = Instant.MinValue;
                    simulation.Progress = (at, cursor, inFlight, r) =>
                    {
                        if (at - lastPrinted >= Duration.FromHours(6) || at >= until)
                        {
                            lastPrinted = at;
                            System.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"{Inputs.Iso(at)}  leads {cursor:N0}/{leads.Count:N0}  attempts {r.Admitted:N0}  denied {r.Denied:N0}  in flight {inFlight}"));
                        }
                    };
                    result = await simulation.RunAsync(until, cancellationToken);
                }
                else
                {
                    result = null!;
                    await AnsiConsole.Progress()
                        .AutoClear(false)
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                        .StartAsync(async ctx =>
                        {
                            var task = ctx.AddTask("simulating", maxValue: leads.Count);
                            simulation.Progress = (at, cursor, inFlight, r) =>
                            {
                                task.Value = cursor;
                                task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{Inputs.Iso(at)} attempts {r.Admitted:N0}, in flight {inFlight}"));
                            };
                            result = await simulation.RunAsync(until, cancellationToken);
                        });
                }
            }
            finally
            {
                // The simulated clock goes with the store: a stopped run continues from where it got to.
                state.Clock = Inputs.Iso(simulation.Now);
                state.Runs++;
                state.Save(statePath);
            }

            if (Environment.GetEnvironmentVariable("DIALER_DEBUG") == "1")
            {
                System.Console.Error.WriteLine($"phases ms: reports+claims {simulation.Phase[0] / 10_000}, admissions {simulation.Phase[2] / 10_000}, loops {simulation.Phase[4]}");
            }

            if (collector is not null)
            {
                await collector.FlushAsync(cancellationToken);
            }

            SimulationSummary.Write(result, campaignId, session.Store == StoreKind.Sqlite ? session.Data.DatabasePath : "PostgreSQL");
            if (collector is not null)
            {
                var zone = collector.ReportingZone;
                var days = new List<DailyStatistics>();
                var access = session.Services.GetRequiredService<IStoreDataAccess>();
                await foreach (var row in access.ReadDailyStatisticsAsync(runStart.InZone(zone).Date, simulation.Now.InZone(zone).Date, cancellationToken))
                {
                    if (string.Equals(row.CampaignId, campaignId, StringComparison.Ordinal))
                    {
                        days.Add(row);
                    }
                }

                AnsiConsole.MarkupLine(Markup.Escape($"Daily statistics of '{campaignId}' ({zone.Id} days, all runs; `dialer stats`):"));
                StatsCommand.Write(days);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
