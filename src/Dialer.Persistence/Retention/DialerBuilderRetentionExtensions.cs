using Dialer.Core;
using Dialer.Persistence;
using Dialer.Protection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers retention: <see cref="RetentionService"/> and a background service that purges daily.</summary>
public static class DialerBuilderRetentionExtensions
{
    /// <summary>
    /// Adds retention. Idempotent (a <paramref name="configure"/> given again is applied again). Needs an
    /// <see cref="IStoreDataAccess"/> (registered by the SQLite or PostgreSQL store's <c>Use…</c>). The rule horizon is
    /// taken from the registered <see cref="ProtectionGate"/> (zero without Dialer.Protection), so validation at start
    /// rejects an attempt retention shorter than it.
    /// </summary>
    /// <remarks>
    /// Registers, each only if absent: <see cref="RetentionOptions"/> validated at start by
    /// <see cref="RetentionOptionsValidator"/>, <see cref="RetentionPolicy"/>, <see cref="RetentionService"/>, and an
    /// <see cref="IHostedService"/> that runs it on start and every <see cref="RetentionOptions.RunInterval"/> when
    /// <see cref="RetentionOptions.RunInBackground"/> is set.
    /// </remarks>
    public static IDialerBuilder AddRetention(this IDialerBuilder builder, Action<RetentionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!OptionsRegistration.ConfigureAndRegisterOnce<RetentionOptions, RetentionMarker>(services, configure))
        {
            return builder;
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>(
            sp => new RetentionOptionsValidator(RuleHorizon(sp))));
        services.TryAddSingleton(sp => new RetentionPolicy(sp.GetRequiredService<IOptions<RetentionOptions>>().Value, RuleHorizon(sp)));
        services.TryAddSingleton(sp => new RetentionService(
            sp.GetRequiredService<IStoreDataAccess>(),
            sp.GetRequiredService<RetentionPolicy>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RetentionService>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RetentionBackgroundService>(sp => new RetentionBackgroundService(
            sp.GetRequiredService<RetentionService>(),
            sp.GetRequiredService<IOptions<RetentionOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RetentionBackgroundService>>())));
        return builder;
    }

    /// <summary>Adds retention with options bound from <paramref name="section"/> (e.g. <c>Dialer:Retention</c>).</summary>
    public static IDialerBuilder AddRetention(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.AddRetention();
        builder.Services.AddOptions<RetentionOptions>().BindNamingErrors(section);
        return builder;
    }

    private static Duration RuleHorizon(IServiceProvider sp) => sp.GetService<ProtectionGate>()?.Rules.Horizon ?? Duration.Zero;

    private sealed class RetentionMarker;
}
