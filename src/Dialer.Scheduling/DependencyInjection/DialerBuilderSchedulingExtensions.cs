using Dialer.Core;
using Dialer.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers Dialer.Scheduling: <c>services.AddDialer().AddScheduling(o => …)</c>.</summary>
public static class DialerBuilderSchedulingExtensions
{
    /// <summary>
    /// Adds the calling-window services: <see cref="SchedulingOptions"/> (validated at start), the
    /// <see cref="CalleeZoneResolver"/> (also as Core's <see cref="ICalleeZoneResolver"/>), the
    /// <see cref="CallingWindowService"/> (also as <see cref="ICallingWindowEvaluator"/> and Core's
    /// <see cref="ICallingWindow"/>) and the <see cref="CallingWindowGate"/>. Idempotent; <paramref name="configure"/>
    /// given again is applied again. Uses <see cref="TimeProvider"/> and <see cref="IDateTimeZoneProvider"/> from DI.
    /// </summary>
    public static IDialerBuilder AddScheduling(this IDialerBuilder builder, Action<SchedulingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SchedulingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        Register(builder.Services, options);
        return builder;
    }

    /// <summary>
    /// Adds the calling-window services (see <see cref="AddScheduling(IDialerBuilder, Action{SchedulingOptions}?)"/>)
    /// with options bound from <paramref name="section"/>; the seeds' <c>scheduler-config.json</c> binds under
    /// <c>Schedules:&lt;name&gt;</c>.
    /// </summary>
    public static IDialerBuilder AddScheduling(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var options = builder.Services.AddOptions<SchedulingOptions>().BindNamingErrors(section);
        Register(builder.Services, options);
        return builder;
    }

    private static void Register(IServiceCollection services, OptionsBuilder<SchedulingOptions> options)
    {
        if (services.Any(d => d.ServiceType == typeof(SchedulingMarker)))
        {
            return;
        }

        services.AddSingleton<SchedulingMarker>();
        options.ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDateTimeZoneProvider>(DateTimeZoneProviders.Tzdb);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>(
            sp => new SchedulingOptionsValidator(sp.GetRequiredService<IDateTimeZoneProvider>())));
        services.TryAddSingleton(sp => new CalleeZoneResolver(
            sp.GetRequiredService<IOptions<SchedulingOptions>>(),
            sp.GetRequiredService<IDateTimeZoneProvider>(),
            sp.GetService<ILogger<CalleeZoneResolver>>()));
        services.TryAddSingleton<ICalleeZoneResolver>(sp => sp.GetRequiredService<CalleeZoneResolver>());
        services.TryAddSingleton(sp => new CallingWindowService(
            sp.GetRequiredService<CalleeZoneResolver>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICallingWindowEvaluator>(sp => sp.GetRequiredService<CallingWindowService>());
        services.TryAddSingleton<ICallingWindow>(sp => sp.GetRequiredService<CallingWindowService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AdmissionGate, CallingWindowGate>(
            sp => new CallingWindowGate(sp.GetRequiredService<ICallingWindowEvaluator>())));
    }

    private sealed class SchedulingMarker;
}
