using System.Collections.Concurrent;
using System.Globalization;
using Dialer.Core;
using Dialer.Scheduling.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using PhoneNumbers;
using PhoneNumber = Dialer.Core.PhoneNumber;

namespace Dialer.Scheduling;

/// <summary>
/// Resolves a callee's candidate zones and regions, with provenance: explicit zone on the request &gt; region or postal
/// code mapped by the host (<see cref="CalleeZoneOptions"/>) &gt; the phone prefix (libphonenumber's
/// <see cref="PhoneNumberToTimeZonesMapper"/>, computed once per prefix and cached) &gt; the configured conservative
/// fallback. Never the server's local time.
/// </summary>
/// <remarks>
/// <para>
/// NANP numbers (+1) are cached per area code (the first four digits of the E.164 value) in an array; other numbers per
/// six-digit prefix. A prefix mapped to more than <see cref="CalleeZoneOptions.MaxPrefixZones"/> zones (a country-wide
/// answer, e.g. an unknown +1 area code) counts as unknown and the fallback applies. A US area code also yields the
/// state it presumes (from libphonenumber's geocoder), whose jurisdiction rules apply together with the host's region.
/// </para>
/// <para>Thread-safe. A cached resolution allocates nothing.</para>
/// </remarks>
public sealed partial class CalleeZoneResolver : ICalleeZoneResolver
{
    private const ulong NanpMin = 10_000_000_000UL;
    private const ulong NanpMax = 19_999_999_999UL;

    private readonly ConcurrentDictionary<long, CandidateSet> _sets = new();
    private readonly ConcurrentDictionary<ulong, PrefixEntry> _prefixes = new();
    private readonly PrefixEntry?[] _nanp = new PrefixEntry?[1000];
    private readonly Dictionary<string, RegionEntry> _regions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private Dictionary<string, ZoneEntry> _zones = new(StringComparer.Ordinal);
    private ZoneEntry? _lastZone;
    private int _nextZoneId;
    private int _nextPrefixId;

    /// <summary>Creates a resolver from options (validated here: every problem is reported at once).</summary>
    /// <param name="options">The options; copied.</param>
    /// <param name="zoneProvider">The zone provider; NodaTime's TZDB when null.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public CalleeZoneResolver(SchedulingOptions options, IDateTimeZoneProvider? zoneProvider = null)
        : this(CompiledScheduling.CompileOrThrow(options ?? throw new ArgumentNullException(nameof(options)), zoneProvider ?? DateTimeZoneProviders.Tzdb))
    {
    }

    /// <summary>Creates a resolver from DI options.</summary>
    /// <param name="options">The options; copied.</param>
    /// <param name="zoneProvider">The zone provider.</param>
    /// <param name="logger">Logs (at Warning) a request zone id the provider does not know, which is then ignored.</param>
    public CalleeZoneResolver(IOptions<SchedulingOptions> options, IDateTimeZoneProvider zoneProvider, ILogger<CalleeZoneResolver>? logger = null)
        : this(CompiledScheduling.CompileOrThrow(options?.Value ?? throw new ArgumentNullException(nameof(options)), zoneProvider ?? throw new ArgumentNullException(nameof(zoneProvider))), logger)
    {
    }

    internal CalleeZoneResolver(CompiledScheduling compiled, ILogger? logger = null)
    {
        Compiled = compiled;
        _logger = logger ?? NullLogger.Instance;
        var id = 0;
        foreach (var code in UsRegions.Codes.Concat(compiled.RegionZones.Keys).Concat(compiled.RulesByRegion.Keys))
        {
            if (!_regions.ContainsKey(code))
            {
                var upper = code.ToUpperInvariant();
                _regions[code] = new RegionEntry(
                    ++id,
                    upper,
                    compiled.RegionZones.GetValueOrDefault(code) ?? [],
                    compiled.RulesByRegion.GetValueOrDefault(code) ?? []);
            }
        }
    }

    internal CompiledScheduling Compiled { get; }

    /// <inheritdoc/>
    public IReadOnlyList<CalleeZone> Resolve(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value).Zones;
    }

    /// <summary>
    /// The candidate zones for an explicit location (any argument may be null / default), strongest first; never empty.
    /// </summary>
    public IReadOnlyList<CalleeZone> Resolve(string? zoneId, string? regionCode, string? postalCode = null, PhoneNumber phone = default) =>
        ResolveSet(zoneId, regionCode, postalCode, phone.Value).Zones;

    /// <summary>
    /// The regions whose jurisdiction rules apply to <paramref name="request"/>: the host's region (or the one its
    /// postal code maps to) and the region its area code presumes; empty when none is known.
    /// </summary>
    public IReadOnlyList<string> ResolveRegions(DialRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ResolveSet(request.CalleeZoneId, request.RegionCode, request.PostalCode, request.Phone.Value).Regions;
    }

    internal CandidateSet ResolveSet(string? zoneId, string? regionCode, string? postalCode, ulong phone)
    {
        var zone = zoneId is null ? null : LookupZone(zoneId);
        RegionEntry? region = null;
        var regionSource = CalleeZoneSource.Region;
        if (regionCode is not null)
        {
            _regions.TryGetValue(regionCode, out region);
        }

        if (region is null && postalCode is not null)
        {
            region = LookupPostal(postalCode);
            regionSource = CalleeZoneSource.PostalCode;
        }

        var c = Compiled;
        var prefix = phone != 0 && (c.UsePhonePrefix || c.ApplyAreaCodePresumption) ? LookupPrefix(phone) : null;
        var presumed = c.ApplyAreaCodePresumption ? prefix?.Presumed : null;
        if (ReferenceEquals(presumed, region))
        {
            presumed = null;
        }

        long kind, sourceId;
        if (zone is not null)
        {
            (kind, sourceId) = (1, zone.Id);
        }
        else if (region is { Zones.Length: > 0 })
        {
            (kind, sourceId) = (regionSource == CalleeZoneSource.Region ? 2 : 3, region.Id);
        }
        else if (c.UsePhonePrefix && prefix is { Zones.Length: > 0 })
        {
            (kind, sourceId) = (4, prefix.Id);
        }
        else
        {
            (kind, sourceId) = (5, 0);
        }

        var key = (kind << 60) | (sourceId << 40) | ((long)(region?.Id ?? 0) << 20) | (long)(presumed?.Id ?? 0);

        // One-entry cache on the explicit zone, or on the prefix when it is the only evidence: a reference read.
        var prefixOwns = zone is null && region is null && prefix is not null;
        var last = zone is not null ? zone.Last : prefixOwns ? prefix!.Last : null;
        if (last is not null && last.Key == key)
        {
            return last;
        }

        if (!_sets.TryGetValue(key, out var set))
        {
            set = AddSet(key, kind, zone, region, regionSource, prefix, presumed);
        }

        if (zone is not null)
        {
            zone.Last = set;
        }
        else if (prefixOwns)
        {
            prefix!.Last = set;
        }

        return set;
    }

    private CandidateSet AddSet(long key, long kind, ZoneEntry? zone, RegionEntry? region, CalleeZoneSource regionSource, PrefixEntry? prefix, RegionEntry? presumed) =>
        _sets.GetOrAdd(key, _ => BuildSet(key, kind, zone, region, regionSource, prefix, presumed));

    private CandidateSet BuildSet(long key, long kind, ZoneEntry? zone, RegionEntry? region, CalleeZoneSource regionSource, PrefixEntry? prefix, RegionEntry? presumed)
    {
        var c = Compiled;
        var (tables, source) = kind switch
        {
            1 => ([zone!.Table], CalleeZoneSource.Request),
            2 or 3 => (region!.Zones, regionSource),
            4 => (prefix!.Zones, CalleeZoneSource.PhonePrefix),
            _ => (c.FallbackZones, CalleeZoneSource.Fallback),
        };
        var regionCode = region?.Code ?? presumed?.Code;
        var zones = tables.Select(t => new CalleeZone(t.Zone, source, regionCode)).ToArray();
        var regions = new[] { region, presumed }.Where(r => r is not null).Select(r => r!).ToArray();

        var layers = new List<BoundLayer>();
        if (c.LegalLayer is not null)
        {
            layers.AddRange(tables.Select(t => new BoundLayer(c.LegalLayer, t)));
        }

        foreach (var r in regions)
        {
            foreach (var rule in r.Rules)
            {
                if (rule.FixedZone is not null)
                {
                    layers.Add(new BoundLayer(rule, rule.FixedZone));
                }
                else
                {
                    layers.AddRange(tables.Select(t => new BoundLayer(rule, t)));
                }
            }
        }

        return new CandidateSet(key, zones, [.. regions.Select(r => r.Code)], [.. layers]);
    }

    private ZoneEntry? LookupZone(string id)
    {
        var last = _lastZone;
        if (last is not null && string.Equals(last.Name, id, StringComparison.Ordinal))
        {
            return last;
        }

        if (Volatile.Read(ref _zones).TryGetValue(id, out var entry))
        {
            _lastZone = entry;
            return entry;
        }

        var zone = Compiled.Provider.GetZoneOrNull(id);
        if (zone is null)
        {
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                LogUnknownZone(_logger, id);
            }

            return null;
        }

        lock (_gate)
        {
            if (_zones.TryGetValue(id, out entry))
            {
                return entry;
            }

            entry = new ZoneEntry(++_nextZoneId, id, ZoneTable.For(zone));
            var copy = new Dictionary<string, ZoneEntry>(_zones, StringComparer.Ordinal) { [id] = entry };
            Volatile.Write(ref _zones, copy);
            return entry;
        }
    }

    private RegionEntry? LookupPostal(string postal)
    {
        var map = Compiled.PostalCodeRegions;
        if (map.Count == 0)
        {
            return null;
        }

        var lookup = map.GetAlternateLookup<ReadOnlySpan<char>>();
        var span = postal.AsSpan().Trim();
        if (lookup.TryGetValue(span, out var code) || (span.Length > 3 && lookup.TryGetValue(span[..3], out code)))
        {
            return _regions.GetValueOrDefault(code);
        }

        return null;
    }

    private PrefixEntry LookupPrefix(ulong phone)
    {
        if (phone is >= NanpMin and <= NanpMax)
        {
            var area = (int)(phone / 10_000_000UL % 1000UL);
            return Volatile.Read(ref _nanp[area]) ?? CreateNanp(area, phone);
        }

        var digits = CountDigits(phone);
        var keep = Math.Min(digits, 6);
        var prefix = phone;
        for (var i = keep; i < digits; i++)
        {
            prefix /= 10;
        }

        var key = ((ulong)digits << 56) | prefix;
        return _prefixes.TryGetValue(key, out var entry) ? entry : AddPrefix(key, phone);
    }

    private PrefixEntry AddPrefix(ulong key, ulong phone) => _prefixes.GetOrAdd(key, static (_, state) => state.Self.CreatePrefix(state.Phone), (Self: this, Phone: phone));

    private PrefixEntry CreateNanp(int area, ulong phone)
    {
        var entry = CreatePrefix(phone);
        return Interlocked.CompareExchange(ref _nanp[area], entry, null) ?? entry;
    }

    private PrefixEntry CreatePrefix(ulong phone)
    {
        var id = Interlocked.Increment(ref _nextPrefixId);
        PhoneNumbers.PhoneNumber number;
        try
        {
            number = PhoneNumberUtil.GetInstance().Parse("+" + phone.ToString(CultureInfo.InvariantCulture), null);
        }
        catch (NumberParseException)
        {
            return new PrefixEntry(id, [], null);
        }

        var tables = new List<ZoneTable>();
        foreach (var zoneId in PhoneNumberToTimeZonesMapper.GetInstance().GetTimeZonesForNumber(number))
        {
            var zone = Compiled.Provider.GetZoneOrNull(zoneId);
            if (zone is not null && !tables.Contains(ZoneTable.For(zone)))
            {
                tables.Add(ZoneTable.For(zone));
            }
        }

        if (tables.Count > Compiled.MaxPrefixZones)
        {
            tables.Clear();
        }

        RegionEntry? presumed = null;
        if (string.Equals(PhoneNumberUtil.GetInstance().GetRegionCodeForNumber(number), "US", StringComparison.Ordinal))
        {
            var description = PhoneNumberOfflineGeocoder.GetInstance().GetDescriptionForValidNumber(number, Locale.English);
            var code = UsRegions.FromGeocoderDescription(description);
            if (code is not null)
            {
                _regions.TryGetValue(code, out presumed);
            }
        }

        return new PrefixEntry(id, [.. tables], presumed);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Callee zone id '{ZoneId}' is not known to the time zone provider; it is ignored and the next evidence (region, prefix, fallback) applies.")]
    private static partial void LogUnknownZone(ILogger logger, string zoneId);

    private static int CountDigits(ulong value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }

        return count;
    }
}

/// <summary>A zone known by id, with the candidate set it last resolved to.</summary>
internal sealed class ZoneEntry(int id, string name, ZoneTable table)
{
    public int Id { get; } = id;

    /// <summary>The id as the caller spelled it (the dictionary key).</summary>
    public string Name { get; } = name;

    public ZoneTable Table { get; } = table;

    /// <summary>The candidate set this zone last resolved to (a racy one-entry cache: any value read is a valid set).</summary>
    public CandidateSet? Last { get; set; }
}

/// <summary>A region: its zones and its jurisdiction rules.</summary>
internal sealed class RegionEntry(int id, string code, ZoneTable[] zones, Layer[] rules)
{
    public int Id { get; } = id;

    public string Code { get; } = code;

    public ZoneTable[] Zones { get; } = zones;

    public Layer[] Rules { get; } = rules;
}

/// <summary>What a phone prefix says: zones (empty when unknown) and a presumed region.</summary>
internal sealed class PrefixEntry(int id, ZoneTable[] zones, RegionEntry? presumed)
{
    public int Id { get; } = id;

    /// <summary>The candidate set this prefix alone last resolved to (a racy one-entry cache).</summary>
    public CandidateSet? Last { get; set; }

    public ZoneTable[] Zones { get; } = zones;

    public RegionEntry? Presumed { get; } = presumed;
}

/// <summary>A resolved set of callee candidates with the callee-side layers (legal hours, jurisdiction rules) bound to zones.</summary>
internal sealed class CandidateSet(long key, CalleeZone[] zones, string[] regions, BoundLayer[] layers)
{
    public long Key { get; } = key;

    public CalleeZone[] Zones { get; } = zones;

    public string[] Regions { get; } = regions;

    public BoundLayer[] Layers { get; } = layers;
}
