using System.Text;
using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using static Dialer.Redial.Tests.RedialTestData;

namespace Dialer.Redial.Tests.DependencyInjection;

public sealed class DialerBuilderRedialExtensionsTests
{
    [Fact]
    public void AddRedial_RegistersTheDefaultsOnce()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddRedial().AddRedial(o => o.MaxAttemptsPerLead = 3);

        using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryRedialQueue>(provider.GetRequiredService<IRedialQueue>());
        Assert.IsType<InMemoryAnsweringMachineTracker>(provider.GetRequiredService<IAnsweringMachineTracker>());
        Assert.IsType<RedialDueDialQueue>(provider.GetRequiredService<IDueDialQueue>());
        Assert.Single(provider.GetServices<ICallOutcomeHandler>(), h => h.Order == CallOutcomeHandlerOrder.Redial);
        Assert.Single(provider.GetServices<IValidateOptions<RedialOptions>>());
        Assert.Same(provider.GetRequiredService<RedialService>().Queue, provider.GetRequiredService<IRedialQueue>());
        Assert.Equal(3, provider.GetRequiredService<IOptions<RedialOptions>>().Value.MaxAttemptsPerLead);
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IDueDialQueue)));
    }

    [Fact]
    public void AddRedial_StoresRegisteredBefore_AreKept()
    {
        var queue = new InMemoryRedialQueue();
        var tracker = new InMemoryAnsweringMachineTracker();
        var services = new ServiceCollection();
        services.AddSingleton<IRedialQueue>(queue);
        services.AddSingleton<IAnsweringMachineTracker>(tracker);

        services.AddDialer().AddRedial();

        using var provider = services.BuildServiceProvider();
        Assert.Same(queue, provider.GetRequiredService<IRedialQueue>());
        Assert.Same(tracker, provider.GetRequiredService<IAnsweringMachineTracker>());
    }

    [Fact]
    public void AddRedial_InvalidOptions_FailStartupValidationWithEveryProblem()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddRedial(o =>
        {
            o.MaxAttemptsPerLead = 0;
            o.FallbackZoneId = "Nowhere/Land";
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            ["MaxAttemptsPerLead = 0: must be between 1 and 1000.", "FallbackZoneId = 'Nowhere/Land': is not a known IANA time zone id (e.g. 'America/New_York')."],
            ex.Failures);
    }

    [Fact]
    public void AddRedial_FromConfiguration_BindsTheSection()
    {
        const string Json = """{ "Dialer": { "Redial": { "MaxAttemptsPerLead": 2, "Delays": [ "00:07:00" ], "ClaimTtl": "00:01:00" } } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))).Build();
        var services = new ServiceCollection();

        services.AddDialer().AddRedial(configuration.GetSection("Dialer:Redial"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<RedialOptions>>().Value;
        Assert.Equal(2, options.MaxAttemptsPerLead);
        Assert.Equal([TimeSpan.FromMinutes(7)], options.Delays);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ClaimTtl);
    }

    [Fact]
    public async Task AddRedial_CallingWindowAndClockFromDi_AreUsedEndToEnd()
    {
        var clock = TestClock.At(T0);
        var window = new FakeCallingWindow(16, 20);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<ICallingWindow>(window);
        services.AddDialer().AddRedial(o => o.ClaimTtl = TimeSpan.FromMinutes(3));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ICallOutcomeReporter>().ReportAsync(Outcome(Disposition.NoAnswer));

        var queue = provider.GetRequiredService<IDueDialQueue>();
        var open = Instant.FromUtc(2026, 3, 2, 16, 0);
        Assert.Empty(await queue.ClaimDueAsync(open - Duration.FromSeconds(1), 10));
        var due = Assert.Single(await queue.ClaimDueAsync(open, 10));
        Assert.Equal(("call-1/r2", open + Duration.FromMinutes(3)), (due.Request.CallId, due.ClaimExpiresAt));
        clock.SetUtcNow(open.ToDateTimeOffset());
        await queue.CompleteAsync(due);
        var item = await provider.GetRequiredService<IRedialQueue>().GetAsync("lead-1");
        Assert.Equal((RedialItemState.Completed, open), (item!.State, item.UpdatedAt));
    }

    [Fact]
    public void AddRedial_ZoneResolverFromDi_IsUsedForDayparts()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICalleeZoneResolver>(new FixedZoneResolver("Asia/Tokyo"));
        services.AddDialer().AddRedial();
        using var provider = services.BuildServiceProvider();

        Assert.Equal("Asia/Tokyo", provider.GetRequiredService<RedialPolicy>().ResolveZone(Request(zone: "Europe/Paris")).Id);
    }

    [Fact]
    public void AddRedial_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => DialerBuilderRedialExtensions.AddRedial(null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddDialer().AddRedial((IConfiguration)null!));
    }
}
