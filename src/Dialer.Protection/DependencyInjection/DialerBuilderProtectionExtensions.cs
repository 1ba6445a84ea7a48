using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers Dialer.Protection: the protection gate, the outcome handler, the do-not-call list and the in-memory ledger.</summary>
public static class DialerBuilderProtectionExtensions
{
    /// <summary>
    /// Adds protection to the composite admission. Idempotent: calling it again registers nothing twice (a
    /// <paramref name="configure"/> delegate given again is applied again).
    /// </summary>
    /// <remarks>
    /// Registers, each only if absent: <see cref="IAttemptLedger"/> (<see cref="InMemoryAttemptLedger"/>; a store
    /// provider registered before or after replaces it), <see cref="ProtectionGate"/> as an <see cref="AdmissionGate"/>,
    /// <see cref="ProtectionOutcomeHandler"/> as an <see cref="ICallOutcomeHandler"/>, <see cref="DoNotCallList"/>,
    /// and <see cref="ProtectionOptions"/> validated at start. The gate uses the <see cref="ICalleeZoneResolver"/> when
    /// one is registered (e.g. by Dialer.Scheduling).
    /// </remarks>
    public static IDialerBuilder AddProtection(this IDialerBuilder builder, Action<ProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var optionsBuilder = services.AddOptions<ProtectionOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ProtectionMarker)))
        {
            return builder;
        }

        services.AddSingleton<ProtectionMarker>();
        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProtectionOptions>, ProtectionOptionsValidator>(
            sp => new ProtectionOptionsValidator(sp.GetService<IDateTimeZoneProvider>())));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDateTimeZoneProvider>(DateTimeZoneProviders.Tzdb);
        services.TryAddSingleton<IAttemptLedger>(_ => new InMemoryAttemptLedger());
        services.TryAddSingleton(sp => new ProtectionGate(
            sp.GetRequiredService<IAttemptLedger>(),
            sp.GetRequiredService<IOptions<ProtectionOptions>>(),
            sp.GetRequiredService<IDateTimeZoneProvider>(),
            sp.GetService<ICalleeZoneResolver>(),
            sp.GetService<ILogger<ProtectionGate>>()));
        services.TryAddSingleton(sp => new ProtectionOutcomeHandler(
            sp.GetRequiredService<IAttemptLedger>(),
            sp.GetRequiredService<IOptions<ProtectionOptions>>(),
            sp.GetRequiredService<IDateTimeZoneProvider>(),
            sp.GetService<ILogger<ProtectionOutcomeHandler>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AdmissionGate, ProtectionGate>(sp => sp.GetRequiredService<ProtectionGate>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICallOutcomeHandler, ProtectionOutcomeHandler>(sp => sp.GetRequiredService<ProtectionOutcomeHandler>()));
        services.TryAddSingleton(sp => new DoNotCallList(sp.GetRequiredService<IAttemptLedger>(), sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// Adds protection with options bound from <paramref name="section"/> (e.g. <c>Dialer:Protection</c>). The seeds'
    /// snake_case keys (<c>duplicate_window_minutes</c>, <c>max_daily_attempts_per_number</c>,
    /// <c>allow_different_lead_ids</c>, <c>block_on_transferred</c>, <c>block_on_sold</c>,
    /// <c>block_on_not_interested</c>, <c>allow_voicemail_retry</c>, <c>allow_no_answer_retry</c>, <c>enabled</c>) are
    /// accepted too; a value that does not parse is reported by validation with every other error.
    /// </summary>
    public static IDialerBuilder AddProtection(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.AddProtection();
        builder.Services.AddOptions<ProtectionOptions>().Configure(o =>
        {
            ConfigurationBinding.Bind(section, o);
            ProtectionSeedKeys.Apply(section, o);
        });
        return builder;
    }

    private sealed class ProtectionMarker;
}
