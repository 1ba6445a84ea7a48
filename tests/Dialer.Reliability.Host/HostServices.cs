using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Reliability.Host;

/// <summary>Composes the suite the way a production host would: protection on the chosen store, a (possibly skewed) clock.</summary>
public static class HostServices
{
    /// <summary>The application name each host's PostgreSQL connections carry (the suite terminates some of them).</summary>
    public const string ApplicationName = "dialer-reliability-host";

    /// <summary>Builds the service provider for <paramref name="args"/>.</summary>
    public static ServiceProvider Build(HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(args.ClockOffsetMinutes == 0 ? TimeProvider.System : new OffsetTimeProvider(TimeSpan.FromMinutes(args.ClockOffsetMinutes)));
        var builder = services.AddDialer().AddProtection(o =>
        {
            o.DuplicateWindow = TimeSpan.FromMilliseconds(args.WindowMilliseconds);
            o.MaxDailyAttemptsPerNumber = args.Cap;
            o.DailyCapZoneId = "Etc/UTC";
        });
        AddStore(builder, args);
        return services.BuildServiceProvider();
    }

    /// <summary>Registers the store <paramref name="args"/> name (SQLite file or PostgreSQL schema) for every port.</summary>
    public static void AddStore(IDialerBuilder builder, HostArgs args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Store == "sqlite")
        {
            builder.UseSqlite(args.Target);
        }
        else
        {
            var connection = args.Target.Contains("Application Name", StringComparison.OrdinalIgnoreCase) ? args.Target : args.Target.TrimEnd(';') + ";Application Name=" + ApplicationName;
            builder.UsePostgreSql(connection, o =>
            {
                o.Schema = args.Schema;
                o.UseDatabaseClock = args.DatabaseClock;
                o.CommandTimeout = TimeSpan.FromSeconds(10);
            });
        }
    }
}

/// <summary>The system clock shifted by a fixed offset (a host whose clock is wrong).</summary>
public sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
{
    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
