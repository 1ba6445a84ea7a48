using NodaTime;

namespace Dialer.Core;

/// <summary>Bridges <see cref="TimeProvider"/> (what hosts inject and tests fake) and NodaTime.</summary>
public static class TimeProviderExtensions
{
    /// <summary>The provider's current time as an <see cref="Instant"/>. Allocates nothing.</summary>
    public static Instant GetCurrentInstant(this TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Instant.FromDateTimeOffset(timeProvider.GetUtcNow());
    }
}
