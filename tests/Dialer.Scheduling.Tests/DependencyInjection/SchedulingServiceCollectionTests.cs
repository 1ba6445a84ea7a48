using System.Text;
using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Scheduling.Tests.DependencyInjection;

public sealed class SchedulingServiceCollectionTests
{
    [Fact]
    public async Task AddScheduling_RegistersGateServiceResolverAndOptions_Once()
    {
        var clock = TestClock.At("2026-07-15T06:00:00Z");
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        var builder = services.AddDialer();
        builder.AddScheduling(o => o.Schedules["default"] = SchedulingTestData.Schedule("America/New_York", SchedulingTestData.Weekdays, "09:00", "17:00"));
        builder.AddScheduling();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var gate = Assert.Single(provider.GetServices<AdmissionGate>());
        Assert.IsType<CallingWindowGate>(gate);
        var service = provider.GetRequiredService<CallingWindowService>();
        Assert.Same(service, provider.GetRequiredService<ICallingWindow>());
        Assert.Same(service, provider.GetRequiredService<ICallingWindowEvaluator>());
        Assert.Same(service.ZoneResolver, provider.GetRequiredService<ICalleeZoneResolver>());
        Assert.Single(provider.GetServices<IValidateOptions<SchedulingOptions>>());

        Assert.Equal(clock.GetCurrentInstant(), service.Evaluate(SchedulingTestData.Request(zone: "America/New_York")).At);
        var decision = await provider.GetRequiredService<IDialAdmission>().AdmitAsync(SchedulingTestData.Request(zone: "America/New_York"));
        Assert.False(decision.IsAllowed);
        Assert.Equal(SchedulingTestData.At("2026-07-15T13:00:00Z"), decision.NextEligibleAt); // 09:00 EDT
    }

    [Fact]
    public void AddScheduling_FromConfigurationSection_BindsAndValidatesOnStart()
    {
        const string json = """{"Scheduling":{"Schedules":{"default":{"timezone":"Mars/Base","schedule":{"days":["monday"],"startTime":"09:00","endTime":"17:00"}}}}}""";
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddDialer().AddScheduling(config.GetSection("Scheduling"));
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
        Assert.Contains("Schedules:default:TimeZone = 'Mars/Base'", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }
}
