using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Core.Tests.DependencyInjection;

public sealed class AddDialerTests
{
    [Fact]
    public void AddDialer_RegistersCoreServices()
    {
        using var sp = new ServiceCollection().AddDialer().Services.BuildServiceProvider(validateScopes: true);

        Assert.IsType<DialAdmission>(sp.GetRequiredService<IDialAdmission>());
        Assert.IsType<CallOutcomeDispatcher>(sp.GetRequiredService<ICallOutcomeReporter>());
        Assert.Same(TimeProvider.System, sp.GetRequiredService<TimeProvider>());
        Assert.Same(DateTimeZoneProviders.Tzdb, sp.GetRequiredService<IDateTimeZoneProvider>());
        Assert.NotNull(sp.GetRequiredService<DispositionCatalog>());
    }

    [Fact]
    public void AddDialer_CalledTwice_RegistersNothingTwice()
    {
        var services = new ServiceCollection();
        services.AddDialer();
        var count = services.Count;

        services.AddDialer();

        Assert.Equal(count, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IDialAdmission));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<DialerOptions>));
    }

    [Fact]
    public void AddDialer_KeepsAHostsTimeProvider()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var sp = new ServiceCollection().AddSingleton<TimeProvider>(fake).AddDialer().Services.BuildServiceProvider();

        Assert.Same(fake, sp.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddDialer_InvalidOptions_FailWhenResolvedWithEveryError()
    {
        using var sp = new ServiceCollection()
            .AddDialer(o => o.CustomDispositions["BAD"] = DispositionCategory.Final)
            .Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DialerOptions>>().Value);
        Assert.Contains("CustomDispositions:BAD = 'BAD'", ex.Message, StringComparison.Ordinal);
    }
}
