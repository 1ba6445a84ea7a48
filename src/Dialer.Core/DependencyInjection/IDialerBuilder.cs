using Microsoft.Extensions.DependencyInjection;

namespace Dialer;

/// <summary>
/// Composes the Dialer.Libraries packages: <c>services.AddDialer().AddScheduling(…).AddProtection(…)</c>.
/// Each package adds its own extension methods on this interface.
/// </summary>
public interface IDialerBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
