using BenchmarkDotNet.Attributes;
using Dialer.Core;
using Dialer.Scheduling;
using NodaTime;
using PhoneNumbers;
using PhoneNumber = Dialer.Core.PhoneNumber;

namespace Dialer.Benchmarks.Scheduling;

/// <summary>
/// Calling-window evaluation for a request with an explicit callee zone (business hours in New York Mon–Fri
/// 09:00–17:00, legal hours 08:00–21:00 in the callee's zone, the built-in US rule pack) against the same check
/// written with <see cref="TimeZoneInfo"/> (the baseline); plus next-open searches and zone resolution.
/// Goals: evaluation ≤ 50 ns and 0 B; cached prefix resolution ≤ 20 ns.
/// </summary>
[MemoryDiagnoser]
public class CallingWindowBenchmarks
{
    private readonly CallingWindowService _service;
    private readonly DialRequest _explicitZone;
    private readonly DialRequest _prefixOnly;
    private readonly CallingWindowGate _gate;
    private readonly TimeZoneInfo _businessTz = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private readonly TimeZoneInfo _calleeTz = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private readonly Instant _open = Instant.FromUtc(2026, 7, 15, 15, 0);       // Wednesday 11:00 EDT
    private readonly Instant _closed = Instant.FromUtc(2026, 7, 17, 23, 0);     // Friday 19:00 EDT: next open Monday
    private readonly DateTime _openUtc = new(2026, 7, 15, 15, 0, 0, DateTimeKind.Utc);
    private readonly PhoneNumber _phone = PhoneNumber.Parse("+13125550100");

    public CallingWindowBenchmarks()
    {
        var options = new SchedulingOptions();
        var schedule = new BusinessScheduleOptions { TimeZone = "America/New_York" };
        schedule.Schedule.Days.AddRange(["monday", "tuesday", "wednesday", "thursday", "friday"]);
        schedule.Schedule.StartTime = "09:00";
        schedule.Schedule.EndTime = "17:00";
        options.Schedules["default"] = schedule;
        _service = new CallingWindowService(options);
        _gate = new CallingWindowGate(_service);
        _explicitZone = new DialRequest("call-1", "lead-1", PhoneNumber.Parse("+14155550123")) { CalleeZoneId = "America/Chicago" };
        _prefixOnly = new DialRequest("call-2", "lead-2", _phone);

        // Warm the caches (zone id, prefix, candidate sets).
        _service.Evaluate(_explicitZone, _open);
        _service.ZoneResolver.Resolve(_prefixOnly);
    }

    [Benchmark(Baseline = true, Description = "TimeZoneInfo equivalent (open)")]
    public bool TimeZoneInfoEquivalent()
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(_openUtc, _businessTz);
        var minute = (local.Hour * 60) + local.Minute;
        var business = local.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && minute is >= 540 and < 1020;
        var callee = TimeZoneInfo.ConvertTimeFromUtc(_openUtc, _calleeTz);
        return business && callee.Hour is >= 8 and < 21;
    }

    [Benchmark(Description = "IsOpen, explicit zone (open)")]
    public bool IsOpenExplicitZone() => _service.IsOpen(_explicitZone, _open);

    [Benchmark(Description = "Evaluate, explicit zone (open)")]
    public bool EvaluateExplicitZone() => _service.Evaluate(_explicitZone, _open).IsOpen;

    [Benchmark(Description = "Gate CheckAsync, explicit zone (open)")]
    public bool GateCheck()
    {
        var pending = _gate.CheckAsync(_explicitZone, _open);
        return pending.IsCompletedSuccessfully && pending.Result.IsAllowed;
    }

    [Benchmark(Description = "Evaluate, closed (reasons + next open)")]
    public Instant? EvaluateClosed() => _service.Evaluate(_explicitZone, _closed).NextOpen;

    [Benchmark(Description = "NextOpen, Friday evening -> Monday")]
    public Instant? NextOpen() => _service.NextOpen(_explicitZone, _closed);

    [Benchmark(Description = "Zone resolution, cached prefix")]
    public int ResolveCachedPrefix() => _service.ZoneResolver.Resolve(_prefixOnly).Count;

    [Benchmark(Description = "Zone resolution, cold (libphonenumber parse + zone mapper)")]
    public int ResolveCold()
    {
        var number = PhoneNumberUtil.GetInstance().Parse("+13125550100", null);
        return PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number).Count;
    }
}
