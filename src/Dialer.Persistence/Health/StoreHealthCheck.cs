using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dialer.Persistence;

/// <summary>
/// Reports a store's reachability and schema version: healthy when reachable at the current schema version,
/// unhealthy when unreachable, at another version, or failing closed because of corrupt state.
/// </summary>
public sealed class StoreHealthCheck : IHealthCheck
{
    private readonly IStoreMaintenance _store;

    /// <summary>Creates the health check.</summary>
    public StoreHealthCheck(IStoreMaintenance store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["provider"] = _store.Provider };
        int version;
        try
        {
            version = await _store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure to reach the store is reported as unhealthy.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"{_store.Provider} store is unreachable: {ex.Message}", ex, data);
        }

        data["schemaVersion"] = version;
        data["expectedSchemaVersion"] = _store.CurrentSchemaVersion;
        if (_store.FailClosedReason is { } reason)
        {
            return HealthCheckResult.Unhealthy($"{_store.Provider} store refuses to admit calls: {reason}", data: data);
        }

        return version == _store.CurrentSchemaVersion
            ? HealthCheckResult.Healthy($"{_store.Provider} store reachable at schema version {version}.", data)
            : HealthCheckResult.Unhealthy($"{_store.Provider} store is at schema version {version}; this code expects {_store.CurrentSchemaVersion}.", data: data);
    }
}
