using Dialer.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Samples.Console.Hosting;

/// <summary>
/// Composes the packages with DI from <c>dialer.json</c>: this is the reference wiring a production host copies.
/// <code>
/// services.AddDialer()
///     .AddScheduling(config.GetSection("Scheduling"))
///     .AddProtection(config.GetSection("Protection"))
///     .AddRedial(config.GetSection("Redial"))
///     .AddCampaigns(config.GetSection("Campaigns"))
///     .UseSqlite(dataDirectory/dialer.db)   // or .UsePostgreSql(connectionString)
///     .AddDailyStatistics(config.GetSection("Statistics"))   // when the store offers IStoreDataAccess
/// </code>
/// </summary>
internal static class DialerHost
{
    public static ServiceProvider Build(Session session)
    {
        var configuration = session.Configuration;
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (Environment.GetEnvironmentVariable("DIALER_DEBUG") == "1")
            {
                logging.AddProvider(new StderrLoggerProvider());
            }
        });
        services.AddSingleton(session.TimeProvider);
        var dialer = services.AddDialer();
        dialer.AddScheduling(configuration.GetSection("Scheduling"));
        dialer.AddProtection(configuration.GetSection("Protection"));
        dialer.AddRedial(configuration.GetSection("Redial"));
        dialer.AddCampaigns(configuration.GetSection("Campaigns"));
        StoreWiring.Apply(dialer, session);
        if (services.Any(d => d.ServiceType == typeof(IStoreDataAccess)))
        {
            // Daily statistics need the store's bulk port (SQLite, and PostgreSQL once it offers one): the collector
            // observes every AdmitAsync decision and outcome; commands flush it (there is no background host here).
            dialer.AddDailyStatistics(configuration.GetSection("Statistics"));
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false });
    }

    /// <summary>Validates every options type registered with <c>ValidateOnStart</c>; returns every error (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(IServiceProvider services)
    {
        var errors = new List<string>();
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            Collect(ex, errors);
        }
        catch (AggregateException ex)
        {
            foreach (var inner in ex.Flatten().InnerExceptions)
            {
                if (inner is OptionsValidationException ove)
                {
                    Collect(ove, errors);
                }
                else
                {
                    errors.Add(inner.Message);
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder reports a value it cannot convert (e.g. "abc" for a TimeSpan).
            errors.Add(ex.Message);
        }

        return errors;
    }

    private static void Collect(OptionsValidationException ex, List<string> errors)
    {
        foreach (var failure in ex.Failures)
        {
            errors.Add($"{ex.OptionsType.Name}: {failure}");
        }
    }
}
