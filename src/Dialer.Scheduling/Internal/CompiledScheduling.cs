using Dialer.Core;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Scheduling.Internal;

/// <summary>A business schedule compiled for evaluation.</summary>
internal sealed class CompiledSchedule(string name, Layer layer, Layer? callbackLayer)
{
    public string Name { get; } = name;

    /// <summary>The schedule's layer (hours and blackouts in its zone).</summary>
    public Layer Layer { get; } = layer;

    /// <summary>When callbacks are enabled: the layer a callback sees (blackouts only, any hour).</summary>
    public Layer? CallbackLayer { get; } = callbackLayer;
}

/// <summary>
/// <see cref="SchedulingOptions"/> parsed, checked and compiled once: schedules, legal hours, jurisdiction rules by
/// region, zone maps. Compiling collects every problem into an <see cref="OptionsErrorList"/>; the validator reports
/// them and the services refuse to start with any.
/// </summary>
internal sealed class CompiledScheduling
{
    private static readonly string[] s_dayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly LocalTimePattern s_hm = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly LocalTimePattern s_hms = LocalTimePattern.CreateWithInvariantCulture("HH:mm:ss");

    private CompiledScheduling(IDateTimeZoneProvider provider) => Provider = provider;

    public IDateTimeZoneProvider Provider { get; }

    public Dictionary<string, CompiledSchedule> Schedules { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CompiledSchedule> CampaignSchedules { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CompiledSchedule> ClientSchedules { get; } = new(StringComparer.Ordinal);

    public CompiledSchedule? DefaultSchedule { get; private set; }

    public Layer? LegalLayer { get; private set; }

    public Dictionary<string, Layer[]> RulesByRegion { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ZoneTable[]> RegionZones { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string> PostalCodeRegions { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ZoneTable[] FallbackZones { get; private set; } = [];

    public bool UsePhonePrefix { get; private set; }

    public bool ApplyAreaCodePresumption { get; private set; }

    public int MaxPrefixZones { get; private set; }

    public Duration Horizon { get; private set; }

    public static CompiledScheduling Compile(SchedulingOptions options, IDateTimeZoneProvider provider, OptionsErrorList errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var c = new CompiledScheduling(provider);
        c.CompileAll(options, errors);
        return c;
    }

    /// <summary>Compiles, throwing <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing every problem.</summary>
    public static CompiledScheduling CompileOrThrow(SchedulingOptions options, IDateTimeZoneProvider provider)
    {
        var errors = new OptionsErrorList();
        var compiled = Compile(options, provider, errors);
        errors.ThrowIfAny(typeof(SchedulingOptions));
        return compiled;
    }

    private void CompileAll(SchedulingOptions o, OptionsErrorList errors)
    {
        if (o.Horizon <= TimeSpan.Zero || o.Horizon > TimeSpan.FromDays(SchedulingOptions.MaxHorizonDays))
        {
            errors.Add(nameof(o.Horizon), o.Horizon, $"must be positive and at most {SchedulingOptions.MaxHorizonDays} days.");
        }

        Horizon = Duration.FromTimeSpan(o.Horizon > TimeSpan.Zero ? o.Horizon : TimeSpan.FromDays(1));

        var calendars = CompileCalendars(o.HolidayCalendars, errors);

        foreach (var (name, schedule) in o.Schedules ?? [])
        {
            var compiled = CompileSchedule(name, schedule, calendars, errors);
            if (compiled is not null)
            {
                Schedules[name] = compiled;
            }
        }

        MapSchedules(o.CampaignSchedules, nameof(o.CampaignSchedules), CampaignSchedules, o.Schedules, errors);
        MapSchedules(o.ClientSchedules, nameof(o.ClientSchedules), ClientSchedules, o.Schedules, errors);
        if (string.IsNullOrWhiteSpace(o.DefaultSchedule))
        {
            errors.Add(nameof(o.DefaultSchedule), o.DefaultSchedule, "must not be empty (name a schedule, or keep 'default').");
        }
        else
        {
            DefaultSchedule = Schedules.GetValueOrDefault(o.DefaultSchedule);
        }

        CompileLegal(o.LegalHours, errors);
        CompileZones(o.CalleeZones, errors);
        CompileRules(o.Jurisdictions, calendars, errors);
    }

    private static Dictionary<string, HolidayCalendar> CompileCalendars(Dictionary<string, HolidayCalendarOptions>? options, OptionsErrorList errors)
    {
        var calendars = new Dictionary<string, HolidayCalendar>(StringComparer.OrdinalIgnoreCase)
        {
            [HolidayCalendar.UsFederalName] = HolidayCalendar.UsFederal,
        };
        foreach (var (name, calendar) in options ?? [])
        {
            var path = $"{nameof(SchedulingOptions.HolidayCalendars)}:{name}";
            if (string.Equals(name, HolidayCalendar.UsFederalName, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(path, name, "redefines the built-in calendar; choose another name.");
                continue;
            }

            if (calendar?.Holidays is null)
            {
                errors.Add($"{path}:{nameof(HolidayCalendarOptions.Holidays)}", null, "must not be null.");
                continue;
            }

            var before = errors.Errors.Count;
            HolidayCalendar.Validate(calendar.Holidays, $"{path}:{nameof(HolidayCalendarOptions.Holidays)}", errors);
            if (errors.Errors.Count == before)
            {
                calendars[name] = new HolidayCalendar(name, calendar.Holidays);
            }
        }

        return calendars;
    }

    private CompiledSchedule? CompileSchedule(string name, BusinessScheduleOptions? s, Dictionary<string, HolidayCalendar> calendars, OptionsErrorList errors)
    {
        var path = $"{nameof(SchedulingOptions.Schedules)}:{name}";
        if (s is null)
        {
            errors.Add(path, null, "must not be null.");
            return null;
        }

        var zone = ResolveZone(s.TimeZone, $"{path}:{nameof(s.TimeZone)}", required: true, errors);
        if (s.EndBuffer < TimeSpan.Zero || s.EndBuffer >= TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:{nameof(s.EndBuffer)}", s.EndBuffer, "must be zero or positive and less than a day.");
        }

        var buffer = s.EndBuffer > TimeSpan.Zero && s.EndBuffer < TimeSpan.FromDays(1) ? s.EndBuffer.Ticks : 0;
        var week = ParseWeek(s.Schedule, $"{path}:{nameof(s.Schedule)}", buffer, errors);
        if (s.Enabled && week is { IsEmpty: true })
        {
            errors.Add($"{path}:{nameof(s.Schedule)}", name, "an enabled schedule has no calling hours (set days/startTime/endTime or ranges; with EndBuffer every range must stay non-empty).");
        }

        var ranges = new List<(long, long)>();
        var list = s.BlackoutDates ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (TryParseDateRange(list[i], out var from, out var to, out var problem))
            {
                ranges.Add((from, to));
            }
            else
            {
                errors.Add($"{path}:{nameof(s.BlackoutDates)}:{i}", list[i], problem);
            }
        }

        var blackoutCalendars = ResolveCalendars(s.BlackoutCalendars, $"{path}:{nameof(s.BlackoutCalendars)}", calendars, errors);
        if (zone is null || week is null)
        {
            return null;
        }

        var blocked = new DaySet(ranges, blackoutCalendars);
        var closed = new DenialReason(DenialCategory.CallingWindow, CallingWindowReasonCodes.BusinessHours, $"Outside the business hours of schedule '{name}' ({zone.Id}).", null);
        var blackout = new DenialReason(DenialCategory.CallingWindow, CallingWindowReasonCodes.Blackout, $"Schedule '{name}' is closed on this date (blackout, {zone.Id}).", null);
        if (!s.Enabled)
        {
            var disabled = new DenialReason(DenialCategory.CallingWindow, CallingWindowReasonCodes.ScheduleDisabled, $"Schedule '{name}' is disabled.", null);
            var layer = new Layer(week, null, long.MinValue, long.MaxValue, disabled: true, zone, disabled, disabled);
            return new CompiledSchedule(name, layer, null);
        }

        var main = new Layer(week, blocked, long.MinValue, long.MaxValue, disabled: false, zone, closed, blackout);
        var callback = s.CallbacksEnabled
            ? new Layer(WeekRanges.AllDay, blocked, long.MinValue, long.MaxValue, disabled: false, zone, closed, blackout)
            : null;
        return new CompiledSchedule(name, main, callback);
    }

    private void MapSchedules(Dictionary<string, string>? map, string path, Dictionary<string, CompiledSchedule> target, Dictionary<string, BusinessScheduleOptions>? schedules, OptionsErrorList errors)
    {
        foreach (var (key, scheduleName) in map ?? [])
        {
            if (scheduleName is null || schedules is null || !schedules.ContainsKey(scheduleName))
            {
                errors.Add($"{path}:{key}", scheduleName, "names no schedule in Schedules.");
            }
            else if (Schedules.TryGetValue(scheduleName, out var compiled))
            {
                target[key] = compiled;
            }
        }
    }

    private void CompileLegal(LegalHoursOptions? legal, OptionsErrorList errors)
    {
        const string path = nameof(SchedulingOptions.LegalHours);
        if (legal is null)
        {
            errors.Add(path, null, "must not be null.");
            return;
        }

        var start = ParseTime(legal.StartTime, $"{path}:{nameof(legal.StartTime)}", allow24: false, errors);
        var end = ParseTime(legal.EndTime, $"{path}:{nameof(legal.EndTime)}", allow24: true, errors);
        if (start is { } s && end is { } e && s >= e)
        {
            errors.Add($"{path}:{nameof(legal.EndTime)}", legal.EndTime, $"must be after StartTime ({legal.StartTime}).");
            return;
        }

        if (string.IsNullOrWhiteSpace(legal.Citation))
        {
            errors.Add($"{path}:{nameof(legal.Citation)}", legal.Citation, "is required.");
        }

        if (!legal.Enabled || start is null || end is null)
        {
            return;
        }

        var perDay = Enumerable.Range(0, 7).Select(_ => new List<(long, long)> { (start.Value, end.Value) }).ToArray();
        var reason = new DenialReason(
            DenialCategory.CallingWindow,
            CallingWindowReasonCodes.LegalHours,
            $"Outside the legal calling hours at the callee's location ({legal.StartTime}–{legal.EndTime} local; {legal.Citation}).",
            null);
        LegalLayer = new Layer(new WeekRanges(perDay, 0), null, long.MinValue, long.MaxValue, disabled: false, null, reason, reason);
    }

    private void CompileZones(CalleeZoneOptions? z, OptionsErrorList errors)
    {
        const string path = nameof(SchedulingOptions.CalleeZones);
        if (z is null)
        {
            errors.Add(path, null, "must not be null.");
            return;
        }

        UsePhonePrefix = z.UsePhonePrefix;
        ApplyAreaCodePresumption = z.ApplyAreaCodePresumption;
        if (z.MaxPrefixZones < 1)
        {
            errors.Add($"{path}:{nameof(z.MaxPrefixZones)}", z.MaxPrefixZones, "must be at least 1.");
        }

        MaxPrefixZones = z.MaxPrefixZones;
        if (z.UseBuiltInUsRegionZones)
        {
            foreach (var (code, zones) in UsRegions.Zones)
            {
                // A provider without some of these zones (not TZDB) just leaves them out of the built-in map.
                ZoneTable[] tables = [.. zones.Select(Provider.GetZoneOrNull).OfType<DateTimeZone>().Select(ZoneTable.For)];
                if (tables.Length > 0)
                {
                    RegionZones[code] = tables;
                }
            }
        }

        foreach (var (region, ids) in z.RegionZones ?? [])
        {
            var p = $"{path}:{nameof(z.RegionZones)}:{region}";
            if (ids is null || ids.Count == 0)
            {
                errors.Add(p, null, "must list at least one zone.");
                continue;
            }

            var before = errors.Errors.Count;
            var tables = ResolveZones(ids, p, errors);
            if (errors.Errors.Count == before)
            {
                RegionZones[region] = tables;
            }
        }

        foreach (var (postal, region) in z.PostalCodeRegions ?? [])
        {
            if (string.IsNullOrWhiteSpace(region) || !RegionZones.ContainsKey(region))
            {
                errors.Add($"{path}:{nameof(z.PostalCodeRegions)}:{postal}", region, "is not a region with zones (RegionZones or the built-in US map).");
            }
            else
            {
                PostalCodeRegions[postal] = region;
            }
        }

        var fallback = z.FallbackZones is { Count: > 0 } ? z.FallbackZones : [.. CalleeZoneOptions.DefaultFallbackZones];
        FallbackZones = ResolveZones(fallback, $"{path}:{nameof(z.FallbackZones)}", errors);
    }

    private void CompileRules(JurisdictionOptions? j, Dictionary<string, HolidayCalendar> calendars, OptionsErrorList errors)
    {
        const string path = nameof(SchedulingOptions.Jurisdictions);
        if (j is null)
        {
            errors.Add(path, null, "must not be null.");
            return;
        }

        var hostRules = j.Rules ?? [];
        var byRegion = new Dictionary<string, List<Layer>>(StringComparer.OrdinalIgnoreCase);
        var hostRegions = new HashSet<string>(hostRules.Where(r => r?.Region is not null).Select(r => r.Region!), StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < hostRules.Count; i++)
        {
            AddRule(hostRules[i], $"{path}:{nameof(j.Rules)}:{i}", calendars, byRegion, errors);
        }

        if (j.UseBuiltInUsRules)
        {
            var builtIn = UsJurisdictionRules.CreateRules();
            for (var i = 0; i < builtIn.Count; i++)
            {
                if (!hostRegions.Contains(builtIn[i].Region!))
                {
                    AddRule(builtIn[i], $"(built-in US rule {i})", calendars, byRegion, errors);
                }
            }
        }

        foreach (var (region, layers) in byRegion)
        {
            RulesByRegion[region] = [.. layers];
        }
    }

    private void AddRule(JurisdictionRuleOptions? r, string p, Dictionary<string, HolidayCalendar> calendars, Dictionary<string, List<Layer>> byRegion, OptionsErrorList errors)
    {
        if (r is null)
        {
            errors.Add(p, null, "must not be null.");
            return;
        }

        var ok = true;
        if (string.IsNullOrWhiteSpace(r.Region) || (!UsRegions.IsKnown(r.Region) && !RegionZones.ContainsKey(r.Region)))
        {
            errors.Add($"{p}:{nameof(r.Region)}", r.Region, "is not a known region code (a US state code, or a region in CalleeZones:RegionZones).");
            ok = false;
        }

        if (string.IsNullOrWhiteSpace(r.Citation))
        {
            errors.Add($"{p}:{nameof(r.Citation)}", r.Citation, "is required (the statute or regulation the rule comes from).");
            ok = false;
        }

        var week = ParseWeek(r.Hours, $"{p}:{nameof(r.Hours)}", 0, errors);
        if (week is { IsEmpty: true })
        {
            errors.Add($"{p}:{nameof(r.Hours)}", r.Region, "has no calling hours on any day.");
            ok = false;
        }

        ZoneTable? reference = null;
        if (r.ReferenceZone is not null)
        {
            reference = ResolveZone(r.ReferenceZone, $"{p}:{nameof(r.ReferenceZone)}", required: true, errors);
            ok &= reference is not null;
        }

        long from = long.MinValue, to = long.MaxValue;
        if (r.EffectiveFrom is not null)
        {
            if (TryParseDate(r.EffectiveFrom, out var f))
            {
                from = f;
            }
            else
            {
                errors.Add($"{p}:{nameof(r.EffectiveFrom)}", r.EffectiveFrom, "is not a date (yyyy-MM-dd).");
                ok = false;
            }
        }

        if (r.EffectiveTo is not null)
        {
            if (TryParseDate(r.EffectiveTo, out var t))
            {
                to = t;
                if (to < from)
                {
                    errors.Add($"{p}:{nameof(r.EffectiveTo)}", r.EffectiveTo, $"precedes EffectiveFrom ({r.EffectiveFrom}).");
                    ok = false;
                }
            }
            else
            {
                errors.Add($"{p}:{nameof(r.EffectiveTo)}", r.EffectiveTo, "is not a date (yyyy-MM-dd).");
                ok = false;
            }
        }

        var bans = ResolveCalendars(r.HolidayBans, $"{p}:{nameof(r.HolidayBans)}", calendars, errors);
        if (!ok || week is null || bans.Length != (r.HolidayBans?.Count ?? 0))
        {
            return;
        }

        var where = reference is null ? "callee-local time" : reference.Id;
        var closed = new DenialReason(DenialCategory.CallingWindow, CallingWindowReasonCodes.Jurisdiction, $"Outside the calling hours or days {r.Region!.ToUpperInvariant()} allows ({where}; {r.Citation}).", null);
        var holiday = new DenialReason(DenialCategory.CallingWindow, CallingWindowReasonCodes.JurisdictionHoliday, $"{r.Region!.ToUpperInvariant()} bans calls on this holiday ({r.Citation}).", null);
        var layer = new Layer(week, new DaySet([], bans), from, to, disabled: false, reference, closed, holiday);
        if (!byRegion.TryGetValue(r.Region!, out var layers))
        {
            byRegion[r.Region!] = layers = [];
        }

        layers.Add(layer);
    }

    private ZoneTable? ResolveZone(string? id, string path, bool required, OptionsErrorList errors)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            if (required)
            {
                errors.Add(path, id, "is required (an IANA zone id such as America/New_York).");
            }

            return null;
        }

        var zone = Provider.GetZoneOrNull(id);
        if (zone is null)
        {
            errors.Add(path, id, $"is not a zone id known to the time zone provider ({Provider.VersionId}).");
            return null;
        }

        return ZoneTable.For(zone);
    }

    private ZoneTable[] ResolveZones(List<string> ids, string path, OptionsErrorList errors)
    {
        var tables = new List<ZoneTable>();
        for (var i = 0; i < ids.Count; i++)
        {
            var t = ResolveZone(ids[i], $"{path}:{i}", required: true, errors);
            if (t is not null && !tables.Contains(t))
            {
                tables.Add(t);
            }
        }

        return [.. tables];
    }

    private static HolidayCalendar[] ResolveCalendars(List<string>? names, string path, Dictionary<string, HolidayCalendar> calendars, OptionsErrorList errors)
    {
        var result = new List<HolidayCalendar>();
        names ??= [];
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is not null && calendars.TryGetValue(names[i], out var calendar))
            {
                result.Add(calendar);
            }
            else
            {
                errors.Add($"{path}:{i}", names[i], "is not a holiday calendar (us-federal, or a name in HolidayCalendars).");
            }
        }

        return [.. result];
    }

    private static WeekRanges? ParseWeek(WeeklyHoursOptions? w, string path, long endBuffer, OptionsErrorList errors)
    {
        if (w is null)
        {
            errors.Add(path, null, "must not be null.");
            return null;
        }

        var before = errors.Errors.Count;
        var perDay = Enumerable.Range(0, 7).Select(_ => new List<(long, long)>()).ToArray();
        var days = w.Days ?? [];
        var simpleSet = days.Count > 0 || w.StartTime is not null || w.EndTime is not null;
        if (simpleSet)
        {
            var start = ParseTime(w.StartTime, $"{path}:{nameof(w.StartTime)}", allow24: false, errors);
            var end = ParseTime(w.EndTime, $"{path}:{nameof(w.EndTime)}", allow24: true, errors);
            if (start is { } s && end is { } e && s >= e)
            {
                errors.Add($"{path}:{nameof(w.EndTime)}", w.EndTime, $"must be after StartTime ({w.StartTime}); ranges are half-open [start, end) within one day.");
            }

            if (days.Count == 0)
            {
                errors.Add($"{path}:{nameof(w.Days)}", null, "must list at least one weekday when StartTime/EndTime are set.");
            }

            for (var i = 0; i < days.Count; i++)
            {
                var d = ParseDay(days[i]);
                if (d < 0)
                {
                    errors.Add($"{path}:{nameof(w.Days)}:{i}", days[i], "is not a weekday (monday … sunday).");
                }
                else if (start is { } s2 && end is { } e2 && s2 < e2)
                {
                    perDay[d].Add((s2, e2));
                }
            }
        }

        foreach (var (dayName, ranges) in w.Ranges ?? [])
        {
            var d = ParseDay(dayName);
            var p = $"{path}:{nameof(w.Ranges)}:{dayName}";
            if (d < 0)
            {
                errors.Add(p, dayName, "is not a weekday (monday … sunday).");
                continue;
            }

            var list = ranges ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (TryParseRange(list[i], out var s, out var e, out var problem))
                {
                    perDay[d].Add((s, e));
                }
                else
                {
                    errors.Add($"{p}:{i}", list[i], problem);
                }
            }
        }

        return errors.Errors.Count == before ? new WeekRanges(perDay, endBuffer) : null;
    }

    internal static int ParseDay(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return -1;
        }

        var n = name.Trim();
        for (var i = 0; i < 7; i++)
        {
            if (string.Equals(n, s_dayNames[i], StringComparison.OrdinalIgnoreCase) ||
                (n.Length == 3 && s_dayNames[i].StartsWith(n, StringComparison.OrdinalIgnoreCase)))
            {
                return i;
            }
        }

        return -1;
    }

    private static long? ParseTime(string? text, string path, bool allow24, OptionsErrorList errors)
    {
        if (TryParseTime(text, allow24, out var ticks))
        {
            return ticks;
        }

        errors.Add(path, text, allow24 ? "is not a time of day (HH:mm or HH:mm:ss, up to 24:00)." : "is not a time of day (HH:mm or HH:mm:ss).");
        return null;
    }

    internal static bool TryParseTime(string? text, bool allow24, out long ticks)
    {
        ticks = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var t = text.Trim();
        if (allow24 && (t == "24:00" || t == "24:00:00"))
        {
            ticks = TimeMath.TicksPerDay;
            return true;
        }

        var r = s_hm.Parse(t);
        if (!r.Success)
        {
            r = s_hms.Parse(t);
        }

        if (!r.Success)
        {
            return false;
        }

        ticks = r.Value.TickOfDay;
        return true;
    }

    private static bool TryParseRange(string? text, out long start, out long end, out string problem)
    {
        start = end = 0;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (text is null || dash < 0)
        {
            problem = "is not a range (HH:mm-HH:mm).";
            return false;
        }

        if (!TryParseTime(text[..dash], false, out start) || !TryParseTime(text[(dash + 1)..], true, out end))
        {
            problem = "is not a range (HH:mm-HH:mm, end up to 24:00).";
            return false;
        }

        if (start >= end)
        {
            problem = "starts at or after its end; ranges are half-open [start, end) within one day.";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    internal static bool TryParseDate(string? text, out long day)
    {
        day = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var r = LocalDatePattern.Iso.Parse(text.Trim());
        if (!r.Success)
        {
            return false;
        }

        day = TimeMath.DayNumber(r.Value);
        return true;
    }

    private static bool TryParseDateRange(string? text, out long from, out long to, out string problem)
    {
        from = to = 0;
        problem = "is not a date (yyyy-MM-dd) or date range (yyyy-MM-dd/yyyy-MM-dd).";
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!TryParseDate(text, out from))
            {
                return false;
            }

            to = from;
            return true;
        }

        if (!TryParseDate(text[..slash], out from) || !TryParseDate(text[(slash + 1)..], out to))
        {
            return false;
        }

        if (to < from)
        {
            problem = "ends before it starts.";
            return false;
        }

        return true;
    }
}
