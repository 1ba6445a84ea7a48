using Dialer.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers Dialer.Core: the composite admission, the outcome reporter and the shared time services.</summary>
public static class DialerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the suite's core services and returns the builder the packages extend. Idempotent: calling it again
    /// registers nothing twice (a <paramref name="configure"/> delegate given again is applied again).
    /// </summary>
    /// <remarks>
    /// Registers, each only if absent: <see cref="TimeProvider.System"/>, NodaTime's TZDB
    /// <see cref="IDateTimeZoneProvider"/>, <see cref="DispositionCatalog"/>, <see cref="IDialAdmission"/>
    /// (<see cref="DialAdmission"/>) and <see cref="ICallOutcomeReporter"/> (<see cref="CallOutcomeDispatcher"/>);
    /// and <see cref="DialerOptions"/> validated at start.
    /// </remarks>
    public static IDialerBuilder AddDialer(this IServiceCollection services, Action<DialerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new DialerBuilder(services);
        var optionsBuilder = services.AddOptions<DialerOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(DialerMarker)))
        {
            return builder;
        }

        services.AddSingleton<DialerMarker>();
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DialerOptions>, DialerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDateTimeZoneProvider>(DateTimeZoneProviders.Tzdb);
        services.TryAddSingleton<DispositionCatalog>();
        services.TryAddSingleton<IDialAdmission>(sp => new DialAdmission(
            sp.GetServices<AdmissionGate>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<DialerOptions>>(),
            sp.GetService<ICallingWindow>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<DialAdmission>>(),
            sp.GetServices<IAdmissionObserver>()));
        services.TryAddSingleton<ICallOutcomeReporter, CallOutcomeDispatcher>();
        return builder;
    }

    private sealed class DialerBuilder(IServiceCollection services) : IDialerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    private sealed class DialerMarker;
}
