using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Persistence;
using Dialer.Persistence.Sqlite;
using Dialer.Protection;
using Dialer.Redial;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer;

/// <summary>Registers the SQLite store as the implementation of every store port.</summary>
public static class DialerBuilderSqliteExtensions
{
    /// <summary>
    /// Stores everything in the SQLite file at <paramref name="path"/>: replaces the in-memory defaults of
    /// <see cref="IAttemptLedger"/>, <see cref="IRedialQueue"/>, <see cref="IAnsweringMachineTracker"/>,
    /// <see cref="ISlotStore"/> and <see cref="ICampaignStore"/> (whether called before or after <c>AddProtection</c>,
    /// <c>AddRedial</c> or <c>AddCampaigns</c>), and registers <see cref="SqliteDialerStore"/>, <see cref="IStoreMaintenance"/>, <see cref="IStoreDataAccess"/>
    /// and <see cref="StoreHealthCheck"/> (add it with <c>services.AddHealthChecks().AddCheck&lt;StoreHealthCheck&gt;("sqlite")</c>).
    /// Options are validated at start (every problem at once).
    /// </summary>
    public static IDialerBuilder UseSqlite(this IDialerBuilder builder, string path, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        var options = builder.Services.AddOptions<SqliteStoreOptions>().Configure(o => o.Path = path);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(builder, options);
    }

    /// <summary>Like <see cref="UseSqlite(IDialerBuilder, string, Action{SqliteStoreOptions}?)"/> with options bound from <paramref name="section"/> (e.g. <c>Dialer:Sqlite</c>, with a <c>Path</c>).</summary>
    public static IDialerBuilder UseSqlite(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return Register(builder, builder.Services.AddOptions<SqliteStoreOptions>().BindNamingErrors(section));
    }

    private static IDialerBuilder Register(IDialerBuilder builder, OptionsBuilder<SqliteStoreOptions> options)
    {
        var services = builder.Services;
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SqliteDialerStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SqliteDialerStore>>()));
        Replace<IAttemptLedger>(services, static store => store.AttemptLedger);
        Replace<IRedialQueue>(services, static store => store.RedialQueue);
        Replace<IAnsweringMachineTracker>(services, static store => store.AnsweringMachineTracker);
        Replace<ISlotStore>(services, static store => store.SlotStore);
        Replace<ICampaignStore>(services, static store => store.CampaignStore);
        Replace<IStoreMaintenance>(services, static store => store);
        Replace<IStoreDataAccess>(services, static store => store.Data);
        services.TryAddSingleton<StoreHealthCheck>();
        return builder;
    }

    private static void Replace<TService>(IServiceCollection services, Func<SqliteDialerStore, TService> select)
        where TService : class
    {
        services.RemoveAll<TService>();
        services.AddSingleton(sp => select(sp.GetRequiredService<SqliteDialerStore>()));
    }
}
