namespace Dialer.Persistence;

/// <summary>What a store provider exposes for operations: schema version, migrations and a health probe.</summary>
public interface IStoreMaintenance
{
    /// <summary>The provider's name, e.g. <c>sqlite</c> or <c>postgresql</c>.</summary>
    string Provider { get; }

    /// <summary>The schema version this code writes (the last migration's version).</summary>
    int CurrentSchemaVersion { get; }

    /// <summary>Applies every missing migration (idempotent) and returns the resulting schema version.</summary>
    /// <exception cref="StoreSchemaException">The store's schema is newer than this code knows.</exception>
    ValueTask<int> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The store's schema version (0 when empty).</summary>
    ValueTask<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The state that blocks admissions, if any: null when the store is usable; otherwise what is wrong (a newer
    /// schema, corrupt rows found and quarantined, an unreachable server).
    /// </summary>
    string? FailClosedReason { get; }
}
