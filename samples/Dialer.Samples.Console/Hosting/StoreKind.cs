namespace Dialer.Samples.Console.Hosting;

/// <summary>Where the suite keeps its state.</summary>
internal enum StoreKind
{
    /// <summary>The embedded default: <c>dialer.db</c> in the data directory.</summary>
    Sqlite = 0,

    /// <summary>A PostgreSQL database shared by many hosts (<c>--connection</c>).</summary>
    Postgres = 1,

    /// <summary>The packages' in-memory stores: nothing outlives the process (for trying things out).</summary>
    Memory = 2,
}
