using Dialer.Persistence.Sqlite;

namespace Dialer.Persistence.Tests;

/// <summary>A fresh directory, with SQLite stores opened in it; everything is deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private readonly List<SqliteDialerStore> _stores = [];

    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dialer-persistence-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Opens (creating) a SQLite store in this directory.</summary>
    public SqliteDialerStore OpenSqlite(string name = "dialer.db", TimeProvider? time = null)
    {
        var store = new SqliteDialerStore(new SqliteStoreOptions { Path = Combine(name), BusyTimeout = TimeSpan.FromSeconds(60) }, time);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
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
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
