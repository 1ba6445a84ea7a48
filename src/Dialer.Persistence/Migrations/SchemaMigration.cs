namespace Dialer.Persistence;

/// <summary>
/// One step of a store's schema: a version (1, 2, 3 … with no gaps), a short name, and a script that only adds
/// (creates tables, indexes, functions or columns if they do not exist). Scripts are idempotent and never drop,
/// rename or retype anything, so a migration can run again, and an older host can still read a newer schema's
/// tables it knows.
/// </summary>
public sealed class SchemaMigration
{
    /// <summary>Creates a migration.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The name or script is empty.</exception>
    public SchemaMigration(int version, string name, string script)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(script);
        Version = version;
        Name = name;
        Script = script;
    }

    /// <summary>The schema version this migration brings the store to.</summary>
    public int Version { get; }

    /// <summary>A short name, e.g. <c>attempt-ledger</c>.</summary>
    public string Name { get; }

    /// <summary>The provider-specific script.</summary>
    public string Script { get; }

    /// <inheritdoc/>
    public override string ToString() => $"v{Version} {Name}";
}
