using Dialer.Campaigns;
using Dialer.Persistence;
using Dialer.Persistence.PostgreSql;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dialer;

/// <summary>Registers the PostgreSQL store for every port, replacing the in-memory defaults.</summary>
public static class DialerBuilderPostgreSqlExtensions
{
    /// <summary>The name of the health check registered by <c>UsePostgreSql</c>.</summary>
    public const string HealthCheckName = "dialer.postgresql";

    /// <summary>
    /// Stores everything in PostgreSQL at <paramref name="connectionString"/>: replaces the attempt ledger, redial queue,
    /// answering-machine tracker, slot store and campaign store (whichever order the packages were added in), and
    /// registers <see cref="IStoreMaintenance"/>, <see cref="PostgreSqlStore"/>, <see cref="IStoreDataAccess"/> (when none is registered yet) and a <see cref="StoreHealthCheck"/>
    /// named <see cref="HealthCheckName"/>. The store owns the data source it builds. Calling it again replaces the store.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    public static IDialerBuilder UsePostgreSql(this IDialerBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Register(builder, configure, (options, sp) => new PostgreSqlStore(
            connectionString, options, sp.GetService<ILogger<PostgreSqlStore>>(), sp.GetService<TimeProvider>()));
    }

    /// <summary>
    /// Stores everything in PostgreSQL through <paramref name="dataSource"/> (owned by the caller, who disposes it); see
    /// <see cref="UsePostgreSql(IDialerBuilder, string, Action{PostgreSqlStoreOptions}?)"/>.
    /// </summary>
    public static IDialerBuilder UsePostgreSql(this IDialerBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Register(builder, configure, (options, sp) => new PostgreSqlStore(
            dataSource, options, sp.GetService<ILogger<PostgreSqlStore>>(), sp.GetService<TimeProvider>()));
    }

    private static IDialerBuilder Register(IDialerBuilder builder, Action<PostgreSqlStoreOptions>? configure, Func<PostgreSqlStoreOptions, IServiceProvider, PostgreSqlStore> create)
    {
        var services = builder.Services;
        var optionsBuilder = services.AddOptions<PostgreSqlStoreOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        Replace<PostgreSqlStore>(services, sp => create(sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, sp));
        Replace<IStoreMaintenance>(services, sp => sp.GetRequiredService<PostgreSqlStore>());
        Replace<IAttemptLedger>(services, sp => sp.GetRequiredService<PostgreSqlStore>().AttemptLedger);
        Replace<IRedialQueue>(services, sp => sp.GetRequiredService<PostgreSqlStore>().RedialQueue);
        Replace<IAnsweringMachineTracker>(services, sp => sp.GetRequiredService<PostgreSqlStore>().AnsweringMachineTracker);
        Replace<ISlotStore>(services, sp => sp.GetRequiredService<PostgreSqlStore>().SlotStore);
        Replace<ICampaignStore>(services, sp => sp.GetRequiredService<PostgreSqlStore>().CampaignStore);
        services.TryAddSingleton<IStoreDataAccess>(sp => sp.GetRequiredService<PostgreSqlStore>().Data);
        Replace<StoreHealthCheck>(services, sp => new StoreHealthCheck(sp.GetRequiredService<PostgreSqlStore>()));

        if (!services.Any(d => d.ServiceType == typeof(HealthCheckMarker)))
        {
            services.AddSingleton<HealthCheckMarker>();
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                HealthCheckName, sp => sp.GetRequiredService<StoreHealthCheck>(), HealthStatus.Unhealthy, ["dialer", "store", "postgresql"]));
        }

        return builder;
    }

    private static void Replace<T>(IServiceCollection services, Func<IServiceProvider, T> factory)
        where T : class
    {
        services.RemoveAll<T>();
        services.AddSingleton(factory);
    }

    private sealed class HealthCheckMarker;
}
