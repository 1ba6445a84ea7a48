namespace Dialer.Persistence.Sqlite.Tests;

/// <summary>A fresh directory with a database path in it; deleted (with every store opened on it) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly List<SqliteDialerStore> _stores = [];

    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dialer-sqlite-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "dialer.db");
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>Opens a store on the file and remembers it for disposal.</summary>
    public SqliteDialerStore Open(Action<SqliteStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SqliteStoreOptions { Path = Path, BusyTimeout = TimeSpan.FromSeconds(60) };
        configure?.Invoke(options);
        var store = new SqliteDialerStore(options, time);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <summary>A plain connection to the file (no pooling), for raw SQL that corrupts or inspects it.</summary>
    public Microsoft.Data.Sqlite.SqliteConnection OpenRaw()
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path + ";Pooling=False;Default Timeout=60");
        connection.Open();
        return connection;
    }

    /// <summary>Runs raw SQL on the file and returns the number of rows changed.</summary>
    public int Exec(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a raw scalar query on the file.</summary>
    public object? Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Disposes <paramref name="store"/> and opens a new one on the same file (a process restart).</summary>
    public SqliteDialerStore Reopen(SqliteDialerStore store, Action<SqliteStoreOptions>? configure = null)
    {
        store.Dispose();
        return Open(configure);
    }

    /// <summary>The store that owns <paramref name="port"/>.</summary>
    public SqliteDialerStore OwnerOf(object port)
    {
        lock (_stores)
        {
            return _stores.Last(s => ReferenceEquals(s.AttemptLedger, port) || ReferenceEquals(s.RedialQueue, port) ||
                ReferenceEquals(s.AnsweringMachineTracker, port) || ReferenceEquals(s.SlotStore, port) || ReferenceEquals(s.CampaignStore, port));
        }
    }

    public void Dispose()
    {
        lock (_stores)
        {
            foreach (var store in _stores)
            {
                store.Dispose();
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
