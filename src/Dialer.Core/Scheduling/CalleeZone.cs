using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Dialer.Core;

/// <summary>Where a callee zone candidate came from, strongest evidence first.</summary>
public enum CalleeZoneSource
{
    /// <summary>The request named the zone explicitly (<see cref="DialRequest.CalleeZoneId"/>).</summary>
    Request = 0,

    /// <summary>The host mapped the request's region code to the zone.</summary>
    Region = 1,

    /// <summary>The host mapped the request's postal code to the zone.</summary>
    PostalCode = 2,

    /// <summary>Inferred from the phone number's prefix (area code).</summary>
    PhonePrefix = 3,

    /// <summary>The configured conservative fallback, used when nothing else is known.</summary>
    Fallback = 4,
}

/// <summary>A candidate time zone for a callee, with where it came from. Immutable.</summary>
public readonly struct CalleeZone : IEquatable<CalleeZone>
{
    /// <summary>Creates a candidate.</summary>
    public CalleeZone(DateTimeZone zone, CalleeZoneSource source, string? regionCode = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Zone = zone;
        Source = source;
        RegionCode = regionCode;
    }

    /// <summary>The zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Where the candidate came from.</summary>
    public CalleeZoneSource Source { get; }

    /// <summary>The region (e.g. US state code) the candidate stands for, when known.</summary>
    public string? RegionCode { get; }

    /// <inheritdoc/>
    public bool Equals(CalleeZone other) =>
        Equals(Zone, other.Zone) && Source == other.Source && string.Equals(RegionCode, other.RegionCode, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is CalleeZone other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Zone?.Id, Source, RegionCode);

    /// <inheritdoc/>
    public override string ToString() => RegionCode is null ? $"{Zone?.Id} ({Source})" : $"{Zone?.Id} ({Source}, {RegionCode})";

#pragma warning disable CS1591
    public static bool operator ==(CalleeZone left, CalleeZone right) => left.Equals(right);

    public static bool operator !=(CalleeZone left, CalleeZone right) => !left.Equals(right);
#pragma warning restore CS1591
}

/// <summary>
/// Resolves the candidate time zones of a callee: explicit zone on the request &gt; region/postal code mapped by the
/// host &gt; phone prefix &gt; a configured fallback. Offered by Dialer.Scheduling; used by Dialer.Protection for
/// calendar-day caps in the callee's zone. Implementations are thread-safe and cache per prefix.
/// </summary>
public interface ICalleeZoneResolver
{
    /// <summary>
    /// The candidate zones for <paramref name="request"/>, strongest first; never empty. When there are several,
    /// a calling window must be open in all of them; a consumer that needs one zone takes the first.
    /// </summary>
    IReadOnlyList<CalleeZone> Resolve(DialRequest request);
}
