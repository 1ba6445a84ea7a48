using Dialer.Core;
using Dialer.Redial;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers Dialer.Redial: the redial policy, the queue, the answering-machine tracker and the outcome handler.</summary>
public static class DialerBuilderRedialExtensions
{
    /// <summary>
    /// Adds redial scheduling. Idempotent: calling it again registers nothing twice (a <paramref name="configure"/>
    /// delegate given again is applied again).
    /// </summary>
    /// <remarks>
    /// Registers, each only if absent: <see cref="IRedialQueue"/> (<see cref="InMemoryRedialQueue"/>),
    /// <see cref="IAnsweringMachineTracker"/> (<see cref="InMemoryAnsweringMachineTracker"/>), <see cref="RedialPolicy"/>
    /// (using <see cref="ICallingWindow"/> and <see cref="ICalleeZoneResolver"/> when registered),
    /// <see cref="RedialService"/>, Dialer.Core's <see cref="IDueDialQueue"/> (<see cref="RedialDueDialQueue"/>) and an
    /// <see cref="ICallOutcomeHandler"/> at <see cref="CallOutcomeHandlerOrder.Redial"/>; and <see cref="RedialOptions"/>
    /// validated at start. A persistence package registered before or after replaces the in-memory stores.
    /// </remarks>
    public static IDialerBuilder AddRedial(this IDialerBuilder builder, Action<RedialOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var optionsBuilder = builder.Services.AddOptions<RedialOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        return AddCore(builder, optionsBuilder);
    }

    /// <summary>Adds redial scheduling with options bound from <paramref name="section"/> (e.g. <c>Dialer:Redial</c>).</summary>
    public static IDialerBuilder AddRedial(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var optionsBuilder = builder.Services.AddOptions<RedialOptions>().BindNamingErrors(section);
        return AddCore(builder, optionsBuilder);
    }

    private static IDialerBuilder AddCore(IDialerBuilder builder, OptionsBuilder<RedialOptions> optionsBuilder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RedialMarker)))
        {
            return builder;
        }

        services.AddSingleton<RedialMarker>();
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedialOptions>, RedialOptionsValidator>(
            sp => new RedialOptionsValidator(sp.GetService<IDateTimeZoneProvider>())));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRedialQueue, InMemoryRedialQueue>();
        services.TryAddSingleton<IAnsweringMachineTracker, InMemoryAnsweringMachineTracker>();
        services.TryAddSingleton(sp => new RedialPolicy(
            sp.GetRequiredService<IOptions<RedialOptions>>().Value,
            sp.GetService<ICallingWindow>(),
            sp.GetService<ICalleeZoneResolver>(),
            sp.GetService<IDateTimeZoneProvider>()));
        services.TryAddSingleton(sp => new RedialService(
            sp.GetRequiredService<IRedialQueue>(),
            sp.GetRequiredService<IAnsweringMachineTracker>(),
            sp.GetRequiredService<RedialPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RedialService>>()));
        services.TryAddSingleton<IDueDialQueue>(sp => new RedialDueDialQueue(
            sp.GetRequiredService<IRedialQueue>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<RedialOptions>>().Value.ClaimTtl));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICallOutcomeHandler, RedialOutcomeHandler>(
            sp => new RedialOutcomeHandler(sp.GetRequiredService<RedialService>())));
        return builder;
    }

    private sealed class RedialMarker;
}
