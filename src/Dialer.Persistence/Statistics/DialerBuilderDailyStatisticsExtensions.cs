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

/// <summary>Registers the daily statistics: <see cref="DailyStatisticsCollector"/> and its background flusher.</summary>
public static class DialerBuilderDailyStatisticsExtensions
{
    /// <summary>
    /// Adds daily statistics per date, client and campaign (requests, admitted, denied by reason, outcomes by
    /// disposition). Idempotent (a <paramref name="configure"/> given again is applied again). Needs an
    /// <see cref="IStoreDataAccess"/> (registered by the SQLite or PostgreSQL store's <c>Use…</c>).
    /// </summary>
    /// <remarks>
    /// Registers, each only if absent: <see cref="DailyStatisticsOptions"/> validated at start,
    /// <see cref="DailyStatisticsCollector"/> (also as an <see cref="IAdmissionObserver"/> and an
    /// <see cref="ICallOutcomeHandler"/>), and an <see cref="IHostedService"/> that flushes every
    /// <see cref="DailyStatisticsOptions.FlushInterval"/> and when the host stops.
    /// </remarks>
    public static IDialerBuilder AddDailyStatistics(this IDialerBuilder builder, Action<DailyStatisticsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!OptionsRegistration.ConfigureAndRegisterOnce<DailyStatisticsOptions, DailyStatisticsMarker>(services, configure))
        {
            return builder;
        }

        services.TryAddSingleton<IDateTimeZoneProvider>(DateTimeZoneProviders.Tzdb);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DailyStatisticsOptions>, DailyStatisticsOptionsValidator>(
            sp => new DailyStatisticsOptionsValidator(sp.GetService<IDateTimeZoneProvider>())));
        services.TryAddSingleton(sp => new DailyStatisticsCollector(
            sp.GetRequiredService<IOptions<DailyStatisticsOptions>>().Value,
            sp.GetRequiredService<IStoreDataAccess>(),
            sp.GetRequiredService<IDateTimeZoneProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<DailyStatisticsCollector>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAdmissionObserver, DailyStatisticsCollector>(sp => sp.GetRequiredService<DailyStatisticsCollector>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICallOutcomeHandler, DailyStatisticsCollector>(sp => sp.GetRequiredService<DailyStatisticsCollector>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DailyStatisticsFlusher>(sp => new DailyStatisticsFlusher(
            sp.GetRequiredService<DailyStatisticsCollector>(),
            sp.GetRequiredService<TimeProvider>())));
        return builder;
    }

    /// <summary>Adds daily statistics with options bound from <paramref name="section"/> (e.g. <c>Dialer:DailyStatistics</c>).</summary>
    public static IDialerBuilder AddDailyStatistics(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.AddDailyStatistics();
        builder.Services.AddOptions<DailyStatisticsOptions>().BindNamingErrors(section);
        return builder;
    }

    private sealed class DailyStatisticsMarker;
}
