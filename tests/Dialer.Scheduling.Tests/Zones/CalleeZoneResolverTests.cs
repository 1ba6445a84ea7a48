using Dialer.Core;
using Microsoft.Extensions.Logging;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests.Zones;

public sealed class CalleeZoneResolverTests
{
    private static readonly CalleeZoneResolver s_resolver = new(Options(configure: o =>
    {
        o.CalleeZones.RegionZones["ZZ"] = ["Europe/Berlin"];
        o.CalleeZones.PostalCodeRegions["392"] = "MS";
    }));

    [Fact]
    public void Resolve_ExplicitZone_WinsOverEverythingElse()
    {
        var zones = s_resolver.Resolve(Request(zone: "America/Denver", region: "FL", phone: "+13055550100"));
        var zone = Assert.Single(zones);
        Assert.Equal("America/Denver", zone.Zone.Id);
        Assert.Equal(CalleeZoneSource.Request, zone.Source);
        Assert.Equal("FL", zone.RegionCode);
    }

    [Fact]
    public void Resolve_Region_UsesTheRegionsZonesAllOfThem()
    {
        var zones = s_resolver.Resolve(Request(region: "fl", phone: "+12125550123"));
        Assert.Equal(["America/New_York", "America/Chicago"], zones.Select(z => z.Zone.Id));
        Assert.All(zones, z => Assert.Equal(CalleeZoneSource.Region, z.Source));
    }

    [Fact]
    public void Resolve_HostRegionMap_OverridesAndExtends()
    {
        var zone = Assert.Single(s_resolver.Resolve(zoneId: null, regionCode: "ZZ"));
        Assert.Equal("Europe/Berlin", zone.Zone.Id);
    }

    [Fact]
    public void Resolve_PostalCode_MapsThroughItsZip3Prefix()
    {
        var request = Request(phone: "+12125550123") is var r ? new DialRequest(r.CallId, r.LeadId, r.Phone) { PostalCode = "39201" } : null!;
        var zone = Assert.Single(s_resolver.Resolve(request));
        Assert.Equal("America/Chicago", zone.Zone.Id);
        Assert.Equal(CalleeZoneSource.PostalCode, zone.Source);
        Assert.Equal(["MS", "NY"], s_resolver.ResolveRegions(request));
    }

    [Fact]
    public void Resolve_PhonePrefix_UsesLibphonenumberAndPresumesTheState()
    {
        var zones = s_resolver.Resolve(Request(phone: "+13055550100"));
        var zone = Assert.Single(zones);
        Assert.Equal("America/New_York", zone.Zone.Id);
        Assert.Equal(CalleeZoneSource.PhonePrefix, zone.Source);
        Assert.Equal("FL", zone.RegionCode);
        Assert.Equal(["FL"], s_resolver.ResolveRegions(Request(phone: "+13055550199")));
    }

    [Fact]
    public void Resolve_AlaskaPrefix_GivesBothAlaskaZones() =>
        Assert.Equal(["America/Adak", "America/Anchorage"], s_resolver.Resolve(Request(phone: "+19075550100")).Select(z => z.Zone.Id).Order());

    [Fact]
    public void Resolve_UnknownAreaCode_FallsBackToEveryUsZone()
    {
        var zones = s_resolver.Resolve(Request(phone: "+19995550100"));
        Assert.Equal(CalleeZoneOptions.DefaultFallbackZones, zones.Select(z => z.Zone.Id));
        Assert.All(zones, z => Assert.Equal(CalleeZoneSource.Fallback, z.Source));
    }

    [Fact]
    public void Resolve_NonNanpNumber_UsesItsCountryZone() =>
        Assert.Equal("Europe/London", Assert.Single(s_resolver.Resolve(Request(phone: "+442071234567"))).Zone.Id);

    [Fact]
    public void Resolve_UnknownExplicitZone_FallsThroughToTheNextEvidence()
    {
        var zone = Assert.Single(s_resolver.Resolve(Request(zone: "Mars/Olympus_Mons", phone: "+14155550123")));
        Assert.Equal("America/Los_Angeles", zone.Zone.Id);
        Assert.Equal(CalleeZoneSource.PhonePrefix, zone.Source);
    }

    [Fact]
    public void Resolve_SamePrefixAgain_ReturnsTheCachedList()
    {
        var first = s_resolver.Resolve(Request(phone: "+13125550100"));
        var second = s_resolver.Resolve(Request(phone: "+13125559999"));
        Assert.Same(first, second);
    }

    [Fact]
    public void Resolve_NothingKnownAndPrefixDisabled_UsesConfiguredFallback()
    {
        var resolver = new CalleeZoneResolver(Options(configure: o =>
        {
            o.CalleeZones.UsePhonePrefix = false;
            o.CalleeZones.FallbackZones.Add("America/Chicago");
        }));
        var zone = Assert.Single(resolver.Resolve(Request(phone: "+13055550100")));
        Assert.Equal(("America/Chicago", CalleeZoneSource.Fallback, "FL"), (zone.Zone.Id, zone.Source, zone.RegionCode));
    }

    [Fact]
    public void Intersection_FallbackZones_OpenOnlyWhereEveryZoneIsInLegalHours()
    {
        // Unknown +1 area code: open only when 08:00-21:00 holds from New York to Honolulu.
        var service = Service(Options(legal: true));
        var request = Request(phone: "+19995550100");
        Assert.False(service.IsOpen(request, At("2026-07-15T17:59:00Z"))); // 07:59 HST
        Assert.True(service.IsOpen(request, At("2026-07-15T18:00:00Z")));  // 08:00 HST, 14:00 EDT
        Assert.False(service.IsOpen(request, At("2026-07-16T01:00:00Z"))); // 21:00 EDT
        Assert.Equal(At("2026-07-15T18:00:00Z"), service.NextOpen(request, At("2026-07-15T06:00:00Z")));
    }
}

public sealed class CalleeZoneResolverLoggingTests
{
    [Fact]
    public void Resolve_UnknownExplicitZone_LogsAWarningNamingTheZone()
    {
        var logger = new ListLogger();
        var resolver = new CalleeZoneResolver(Microsoft.Extensions.Options.Options.Create(new SchedulingOptions()), NodaTime.DateTimeZoneProviders.Tzdb, logger);
        resolver.Resolve(SchedulingTestData.Request(zone: "Mars/Olympus_Mons"));
        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("'Mars/Olympus_Mons'", message, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<CalleeZoneResolver>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
