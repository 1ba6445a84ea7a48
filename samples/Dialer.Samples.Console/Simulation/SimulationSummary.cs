using System.Globalization;
using Dialer.Samples.Console.Hosting;
using Spectre.Console;

namespace Dialer.Samples.Console.Simulation;

/// <summary>The summary table at the end of <c>dialer simulate</c>.</summary>
internal static class SimulationSummary
{
    public static void Write(SimulationResult r, string campaignId, string storeWhere)
    {
        static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var table = new Table().Title($"Campaign '{Markup.Escape(campaignId)}' — {(r.Continued ? "continued" : "new")}, now {Markup.Escape(r.CampaignState)}")
            .AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("Leads (dialed this run / total)", $"{N(r.LeadsStarted)} / {N(r.Leads)}  (cursor {N(r.CursorAtStart)} → {N(r.CursorAtEnd)})");
        table.AddRow("Admission decisions", N(r.Admissions));
        table.AddRow("Admitted = attempts placed", N(r.Admitted));
        table.AddRow("  of which redials", N(r.RedialsPlaced));
        table.AddRow("  of which deferred leads", N(r.DeferredPlaced));
        table.AddRow("Denied", N(r.Denied));
        foreach (var (code, count) in r.DeniedByReason.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.AddRow($"  {Markup.Escape(code)}", N(count));
        }

        table.AddRow("Leads deferred to a later opening", N(r.Deferred));
        table.AddRow("Redials/deferrals still queued", N(r.RedialsPending));
        table.AddRow("Outcomes this run", string.Empty);
        foreach (var (code, count) in r.Outcomes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            table.AddRow($"  {Markup.Escape(code)}", N(count));
        }

        table.AddRow("Peak concurrency (limit)", $"{N(r.PeakConcurrency)} ({N(r.ConcurrencyLimit)})");
        var simulated = r.SimulatedTo - r.SimulatedFrom;
        table.AddRow("Simulated time", $"{Inputs.Iso(r.SimulatedFrom)} → {Inputs.Iso(r.SimulatedTo)} ({simulated.TotalHours.ToString("0.0", CultureInfo.InvariantCulture)} h)");
        table.AddRow("Wall time", $"{r.WallTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        table.AddRow("Store", Markup.Escape(storeWhere));
        AnsiConsole.Write(table);
    }
}
