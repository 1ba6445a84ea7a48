using Dialer.Persistence.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Dialer.Samples.Console.Hosting;

/// <summary>Chooses the store behind every port: SQLite in the data directory by default, or PostgreSQL.</summary>
internal static class StoreWiring
{
    public static void Apply(IDialerBuilder dialer, Session session)
    {
        ArgumentNullException.ThrowIfNull(dialer);
        ArgumentNullException.ThrowIfNull(session);
        switch (session.Store)
        {
            case StoreKind.Postgres:
                dialer.UsePostgreSql(session.Connection!, o =>
                {
                    if (session.TimeProvider is FakeTimeProvider)
                    {
                        // A simulation runs on a fake clock: attempts must be stamped with it, not with the database's now.
                        o.UseDatabaseClock = false;
                    }
                });
                break;
            case StoreKind.Memory:
                // The in-memory stores each package registers by default.
                break;
            default:
                dialer.UseSqlite(session.Data.DatabasePath, o =>
                {
                    if (!session.DurableWrites)
                    {
                        o.Synchronous = SqliteSynchronousMode.Normal;
                    }
                });
                break;
        }
    }
}
