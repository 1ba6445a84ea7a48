using Dialer.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Properties;

/// <summary>
/// Properties over random schedules and instants 2000–2040, biased towards DST transition seasons and towards range
/// edges inside transition hours.
/// </summary>
public sealed class WindowProperties
{
    private static readonly string[] s_zones =
    [
        "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
        "America/Anchorage", "Pacific/Honolulu", "America/Indiana/Indianapolis", "Australia/Lord_Howe",
        "Europe/London", "Australia/Sydney",
    ];

    // Edges that fall into transition hours somewhere (00:00-03:00), plus anything on a 15-minute grid.
    private static readonly Gen<int> s_edge = Gen.OneOf(
        Gen.Elements(0, 60, 90, 105, 120, 135, 150, 180),
        Gen.Choose(0, 96).Select(q => q * 15));

    private static readonly Gen<(int, int)> s_range =
        from a in s_edge
        from b in s_edge
        where a != b
        select (Math.Min(a, b), Math.Max(a, b));

    private static readonly Gen<List<(int Start, int End)>[]> s_week =
        Gen.ArrayOf(Gen.ListOf(s_range).Select(l => l.Take(2).ToList()), 7);

    // 2000-2040, half of the time in a DST season (March-April or October-November).
    private static readonly Gen<Instant> s_instant =
        from year in Gen.Choose(2000, 2039)
        from season in Gen.Elements(0, 1, 2)
        from day in season == 0 ? Gen.Choose(0, 364) : Gen.Choose(season == 1 ? 59 : 273, season == 1 ? 110 : 320)
        from minute in Gen.Choose(0, 1439)
        select Instant.FromUtc(year, 1, 1, 0, 0) + Duration.FromDays(day) + Duration.FromMinutes(minute);

    private sealed record Case(string Zone, string CalleeZone, List<(int Start, int End)>[] Week, int[] BlackoutOffsets, Instant From)
    {
        public override string ToString() =>
            $"{Zone} callee {CalleeZone} from {From} blackouts {string.Join(",", BlackoutOffsets)} week [{string.Join(" | ", Week.Select(d => string.Join(",", d.Select(r => $"{WindowOracle.Format(r.Start)}-{WindowOracle.Format(r.End)}"))))}]";
    }

    private static readonly Gen<Case> s_case =
        from zone in Gen.Elements(s_zones)
        from callee in Gen.Elements(s_zones)
        from week in s_week
        from blackouts in Gen.ArrayOf(Gen.Choose(-2, 4)).Select(a => a.Take(3).ToArray())
        from start in s_instant
        select new Case(zone, callee, week, blackouts, start);

    private static (CallingWindowService Service, DialRequest Request, WindowOracle Business, WindowOracle Legal) Build(Case c, bool legal = true)
    {
        var schedule = new BusinessScheduleOptions { TimeZone = c.Zone };
        var names = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };
        var localFrom = c.From.InZone(DateTimeZoneProviders.Tzdb[c.Zone]).Date;
        var blackouts = c.BlackoutOffsets.Select(o => localFrom.PlusDays(o)).ToHashSet();
        for (var d = 0; d < 7; d++)
        {
            schedule.Schedule.Ranges[names[d]] = [.. c.Week[d].Select(r => $"{WindowOracle.Format(r.Start)}-{WindowOracle.Format(r.End)}")];
        }

        schedule.BlackoutDates.AddRange(blackouts.Select(b => b.ToString("uuuu-MM-dd", null)));
        var hasHours = c.Week.Any(d => d.Count > 0);
        var options = Options(legal: legal, configure: o =>
        {
            o.Horizon = TimeSpan.FromDays(3);
            if (hasHours)
            {
                o.Schedules["default"] = schedule;
            }
        });
        var business = hasHours
            ? new WindowOracle(DateTimeZoneProviders.Tzdb[c.Zone], c.Week, blackouts)
            : new WindowOracle(DateTimeZone.Utc, [.. Enumerable.Range(0, 7).Select(_ => new List<(int, int)> { (0, 1440) })], new HashSet<LocalDate>());
        var legalOracle = new WindowOracle(
            DateTimeZoneProviders.Tzdb[c.CalleeZone],
            [.. Enumerable.Range(0, 7).Select(_ => new List<(int, int)> { (legal ? 480 : 0, legal ? 1260 : 1440) })],
            new HashSet<LocalDate>());
        return (Service(options), Request(zone: c.CalleeZone), business, legalOracle);
    }

    [Property(MaxTest = 300)]
    public Property NextOpen_IsOpen_AndNothingOnTheMinuteGridBeforeItIs() =>
        Prop.ForAll(s_case.ToArbitrary(), c =>
        {
            var (service, request, _, _) = Build(c);
            var next = service.NextOpen(request, c.From);
            var end = next ?? c.From + service.Horizon;
            for (var m = c.From; m < end; m += Duration.FromMinutes(1))
            {
                if (service.IsOpen(request, m))
                {
                    return false.Label($"open at {m}, before NextOpen {next?.ToString() ?? "null"}");
                }
            }

            return (next is null || service.IsOpen(request, next.Value)).Label($"NextOpen {next} is not open");
        });

    [Property(MaxTest = 400)]
    public Property IsOpen_AgreesWithEveryLayerOracle_SoNothingOpenLiesOnABlackoutOrOutsideALayer() =>
        Prop.ForAll(s_case.ToArbitrary(), c =>
        {
            var (service, request, business, legal) = Build(c);
            var zone = DateTimeZoneProviders.Tzdb[c.Zone];
            var blackouts = c.BlackoutOffsets.Select(o => c.From.InZone(zone).Date.PlusDays(o)).ToHashSet();
            for (var i = 0; i < 48; i++)
            {
                var t = c.From + Duration.FromMinutes(i * 37);
                var open = service.IsOpen(request, t);
                var expected = business.IsOpen(t) && legal.IsOpen(t);
                if (open != expected)
                {
                    return false.Label($"at {t}: service {open}, oracle {expected}");
                }

                if (open && c.Week.Any(d => d.Count > 0) && blackouts.Contains(t.InZone(zone).Date))
                {
                    return false.Label($"open at {t} on a blackout date");
                }
            }

            return true.ToProperty();
        });

    [Property(MaxTest = 200)]
    public Property Intersection_OfCandidates_IsNeverWiderThanAnySingleCandidate() =>
        Prop.ForAll(
            (from c in s_case from other in Gen.Elements(s_zones) select (c, other)).ToArbitrary(),
            x =>
            {
                var (c, other) = x;
                var schedule = c.Week.Any(d => d.Count > 0);
                SchedulingOptions Make(params string[] zones) => Options(legal: true, configure: o =>
                {
                    o.CalleeZones.RegionZones["QQ"] = [.. zones];
                    if (schedule)
                    {
                        o.Schedules["default"] = Ranges(c.Zone, [.. c.Week.SelectMany((d, i) => d.Select(r => (new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }[i], $"{WindowOracle.Format(r.Start)}-{WindowOracle.Format(r.End)}")))]);
                    }
                });
                var both = Service(Make(c.CalleeZone, other));
                var a = Service(Make(c.CalleeZone));
                var b = Service(Make(other));
                var request = Request(region: "QQ");
                for (var i = 0; i < 48; i++)
                {
                    var t = c.From + Duration.FromMinutes(i * 31);
                    var open = both.IsOpen(request, t);
                    if (open != (a.IsOpen(request, t) && b.IsOpen(request, t)))
                    {
                        return false.Label($"at {t}: intersection {open}, singles {a.IsOpen(request, t)}/{b.IsOpen(request, t)}");
                    }
                }

                var next = both.NextOpen(request, c.From);
                return (next is null || (a.IsOpen(request, next.Value) && b.IsOpen(request, next.Value))).Label($"NextOpen {next} not open in a single candidate");
            });

    [Property(MaxTest = 200)]
    public Property IsOpen_WithAJurisdictionRule_AgreesWithTheOracleOfEveryLayer() =>
        Prop.ForAll(
            (from c in s_case
             from ruleWeek in s_week
             from reference in Gen.Elements<string?>(null, "Etc/GMT+6", "Australia/Lord_Howe", "America/Denver")
             select (c, ruleWeek, reference)).ToArbitrary(),
            x =>
            {
                var (c, ruleWeek, reference) = x;
                if (!ruleWeek.Any(d => d.Count > 0))
                {
                    return true.ToProperty(); // a rule needs hours on some day (validation)
                }

                var (baseService, _, business, legal) = Build(c);
                var names = new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };
                var rule = new JurisdictionRuleOptions { Region = "QQ", Citation = "test rule", ReferenceZone = reference };
                for (var d = 0; d < 7; d++)
                {
                    rule.Hours.Ranges[names[d]] = [.. ruleWeek[d].Select(r => $"{WindowOracle.Format(r.Start)}-{WindowOracle.Format(r.End)}")];
                }

                var localFrom = c.From.InZone(DateTimeZoneProviders.Tzdb[c.Zone]).Date;
                var options = Options(legal: true, configure: o =>
                {
                    o.Horizon = TimeSpan.FromDays(3);
                    o.CalleeZones.RegionZones["QQ"] = [c.CalleeZone];
                    o.Jurisdictions.Rules.Add(rule);
                    if (c.Week.Any(d => d.Count > 0))
                    {
                        o.Schedules["default"] = Ranges(c.Zone, [.. c.Week.SelectMany((d, i) => d.Select(r => (names[i], $"{WindowOracle.Format(r.Start)}-{WindowOracle.Format(r.End)}")))]);
                        o.Schedules["default"].BlackoutDates.AddRange(c.BlackoutOffsets.Select(b => localFrom.PlusDays(b).ToString("uuuu-MM-dd", null)));
                    }
                });
                var service = Service(options);
                var request = Request(zone: c.CalleeZone, region: "QQ");
                var ruleOracle = new WindowOracle(DateTimeZoneProviders.Tzdb[reference ?? c.CalleeZone], ruleWeek, new HashSet<LocalDate>());
                for (var i = 0; i < 48; i++)
                {
                    var t = c.From + Duration.FromMinutes(i * 41);
                    var expected = business.IsOpen(t) && legal.IsOpen(t) && ruleOracle.IsOpen(t);
                    var evaluation = service.Evaluate(request, t);
                    if (evaluation.IsOpen != expected)
                    {
                        return false.Label($"at {t}: service {evaluation.IsOpen}, oracle {expected}");
                    }

                    if (!evaluation.IsOpen && evaluation.Reasons.Contains(CallingWindowReasonCodes.Jurisdiction) == ruleOracle.IsOpen(t))
                    {
                        return false.Label($"at {t}: jurisdiction reason present = {!ruleOracle.IsOpen(t)} expected");
                    }
                }

                return true.ToProperty();
            });

    [Property(MaxTest = 150)]
    public Property OpenIntervals_CoverExactlyTheOpenMinutes() =>
        Prop.ForAll(s_case.ToArbitrary(), c =>
        {
            var (service, request, _, _) = Build(c);
            var to = c.From + Duration.FromDays(2);
            var intervals = service.OpenIntervals(request, c.From, to);
            for (var i = 1; i < intervals.Count; i++)
            {
                if (intervals[i].Start <= intervals[i - 1].End)
                {
                    return false.Label("intervals overlap or touch");
                }
            }

            for (var m = c.From; m < to; m += Duration.FromMinutes(5))
            {
                if (service.IsOpen(request, m) != intervals.Any(iv => iv.Contains(m)))
                {
                    return false.Label($"interval list disagrees with IsOpen at {m}");
                }
            }

            return true.ToProperty();
        });
}
