using Dialer.Reliability.Infrastructure;

namespace Dialer.Reliability.Racing;

/// <summary>What the campaign checker counted besides violations.</summary>
internal sealed record CampaignStats(int Claims, int Takeovers, int AcceptedWrites, int StaleRejected, int Placements, int InFlightUnplaced);

/// <summary>
/// Checks a multi-process campaign run from the hosts' logs (independently of the stores' own fencing):
/// <list type="bullet">
/// <item>fencing — no write carrying epoch e was accepted when it started after a claim with a higher epoch had returned
/// (real time: one machine's wall clock, so "after" is certain);</item>
/// <item>no call id (campaign:lead index) handed to the placer twice;</item>
/// <item>no lead skipped — each lead placed, or left in flight by a former owner at a takeover (unknown outcome: possibly
/// dialed, counted);</item>
/// <item>every campaign Completed with its cursor and processed count at the number of leads.</item>
/// </list>
/// </summary>
internal static class CampaignChecker
{
    public static (List<string> Violations, CampaignStats Stats) Check(RunLog log, IReadOnlyList<string> campaigns, int leads)
    {
        var violations = new List<string>();
        var takeovers = 0;
        foreach (var campaign in campaigns)
        {
            var claims = log.Claims.Where(c => c.Campaign == campaign).OrderBy(c => c.Epoch).ToList();
            for (var i = 1; i < claims.Count; i++)
            {
                takeovers += claims[i].Owner != claims[i - 1].Owner ? 1 : 0;
            }

            foreach (var w in log.Writes.Where(w => w.Campaign == campaign && w.Result == "ok"))
            {
                if (claims.FirstOrDefault(c => c.Epoch > w.Epoch && c.End < w.Start) is { } later)
                {
                    violations.Add($"fencing: {campaign}: {w.Op} by {w.Owner} at epoch {w.Epoch} accepted although {later.Owner} had claimed epoch {later.Epoch} {(w.Start - later.End) / TimeSpan.TicksPerMillisecond} ms before");
                }
            }

            if (!log.Finals.TryGetValue(campaign, out var final))
            {
                violations.Add($"no final state logged for {campaign}");
            }
            else if (final.State != "Completed" || final.Cursor != leads || final.Processed != leads)
            {
                violations.Add($"{campaign} ended {final.State} at cursor {final.Cursor} with {final.Processed} processed (expected Completed, {leads}, {leads})");
            }
        }

        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in log.Placements.GroupBy(p => p.CallId))
        {
            placed.Add(group.Key);
            if (group.Count() > 1)
            {
                violations.Add($"placed twice: {group.Key} by hosts {string.Join(", ", group.Select(p => p.Host))}");
            }
        }

        var inFlight = log.Claims.Where(c => c.InFlight is not null).Select(c => c.InFlight!).ToHashSet(StringComparer.Ordinal);
        var inFlightUnplaced = 0;
        foreach (var campaign in campaigns)
        {
            for (var i = 0; i < leads; i++)
            {
                var callId = $"{campaign}:{i}";
                if (placed.Contains(callId))
                {
                    continue;
                }

                if (inFlight.Contains(callId))
                {
                    inFlightUnplaced++; // unknown outcome at a takeover: possibly dialed, never dialed again
                }
                else
                {
                    violations.Add($"lead skipped: {callId} never placed");
                }
            }
        }

        var stats = new CampaignStats(
            log.Claims.Count, takeovers, log.Writes.Count(w => w.Result == "ok"), log.Writes.Count(w => w.Result == "StaleEpoch"),
            log.Placements.Count, inFlightUnplaced);
        return (violations, stats);
    }
}
