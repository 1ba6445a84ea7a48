using Dialer.Core;
using Dialer.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer;

/// <summary>Registers the daily calls export (<see cref="DailyCallsExportService"/>).</summary>
public static class DialerBuilderDailyCallsExportExtensions
{
    /// <summary>
    /// Adds the daily <c>calls_YYYY-MM-DD.jsonl</c> export as a hosted service. Idempotent (a <paramref name="configure"/>
    /// given again is applied again). Needs an <see cref="IStoreDataAccess"/> (registered by the SQLite or PostgreSQL
    /// store's <c>Use…</c>); <see cref="DailyCallsExportOptions"/> are validated at start.
    /// </summary>
    public static IDialerBuilder AddDailyCallsExport(this IDialerBuilder builder, Action<DailyCallsExportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!OptionsRegistration.ConfigureAndRegisterOnce<DailyCallsExportOptions, DailyCallsExportMarker>(services, configure))
        {
            return builder;
        }

        services.TryAddSingleton<IDateTimeZoneProvider>(DateTimeZoneProviders.Tzdb);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DailyCallsExportOptions>, DailyCallsExportOptionsValidator>(
            sp => new DailyCallsExportOptionsValidator(sp.GetRequiredService<IDateTimeZoneProvider>())));
        services.TryAddSingleton(sp => new DailyCallsExportService(
            sp.GetRequiredService<IOptions<DailyCallsExportOptions>>().Value,
            sp.GetRequiredService<IStoreDataAccess>(),
            sp.GetService<IStoreMaintenance>(),
            sp.GetRequiredService<IDateTimeZoneProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<DailyCallsExportService>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DailyCallsExportService>(sp => sp.GetRequiredService<DailyCallsExportService>()));
        return builder;
    }

    /// <summary>Adds the daily calls export with options bound from <paramref name="section"/> (e.g. <c>Dialer:DailyCallsExport</c>).</summary>
    public static IDialerBuilder AddDailyCallsExport(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.AddDailyCallsExport();
        builder.Services.AddOptions<DailyCallsExportOptions>().BindNamingErrors(section);
        return builder;
    }

    private sealed class DailyCallsExportMarker;
}
