using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Persistence;

/// <summary>The registration steps every <c>AddXxx</c> of this package shares: options configured on every call, services registered once.</summary>
internal static class OptionsRegistration
{
    /// <summary>
    /// Applies <paramref name="configure"/> to <typeparamref name="TOptions"/> (on every call, as the house style asks)
    /// and returns <see langword="true"/> only the first time for <typeparamref name="TMarker"/>, after marking the
    /// feature registered and its options validated at start; the caller then registers its services.
    /// </summary>
    public static bool ConfigureAndRegisterOnce<TOptions, TMarker>(IServiceCollection services, Action<TOptions>? configure)
        where TOptions : class
        where TMarker : class
    {
        var optionsBuilder = services.AddOptions<TOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(TMarker)))
        {
            return false;
        }

        services.AddSingleton<TMarker>();
        optionsBuilder.ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        return true;
    }
}
