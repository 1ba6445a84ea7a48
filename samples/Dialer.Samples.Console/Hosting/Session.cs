using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Samples.Console.Hosting;

/// <summary>One command's view of the data directory, its configuration and the composed services.</summary>
internal sealed class Session : IAsyncDisposable
{
    private ServiceProvider? _services;

    private Session(DataDirectory data, JsonObject json, StoreKind store, string? connection, TimeProvider timeProvider, bool durableWrites = true)
    {
        DurableWrites = durableWrites;
        Data = data;
        Json = json;
        Store = store;
        Connection = connection;
        TimeProvider = timeProvider;
        Configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())))
            .Build();
    }

    public DataDirectory Data { get; }

    public JsonObject Json { get; }

    public IConfiguration Configuration { get; }

    public StoreKind Store { get; }

    public string? Connection { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>False for the simulation: SQLite commits with synchronous=NORMAL (WAL keeps each commit atomic; only a power cut can lose the last ones).</summary>
    public bool DurableWrites { get; }

    /// <summary>The composed services (built on first use, after the configuration was validated).</summary>
    public IServiceProvider Services => _services ??= BuildValidated();

    /// <summary>Opens the data directory named by <c>--data</c> (creating a default configuration on first run).</summary>
    public static Session Open(ParseResult parseResult, TimeProvider? timeProvider = null, bool durableWrites = true)
    {
        var (data, store, connection) = Target(parseResult);
        if (data.EnsureCreated())
        {
            System.Console.Error.WriteLine($"Created a default configuration at {data.ConfigPath}; edit it or use `dialer config`.");
        }

        return new Session(data, data.Load(), store, connection, timeProvider ?? TimeProvider.System, durableWrites);
    }

    /// <summary>The data directory and store named by the global options, checked but not created or opened.</summary>
    public static (DataDirectory Data, StoreKind Store, string? Connection) Target(ParseResult parseResult)
    {
        var dataPath = parseResult.GetValue(GlobalOptions.Data) ?? "./data";
        var storeText = parseResult.GetValue(GlobalOptions.Store) ?? "sqlite";
        var connection = parseResult.GetValue(GlobalOptions.Connection);
        var store = storeText switch
        {
            "sqlite" => StoreKind.Sqlite,
            "postgres" => StoreKind.Postgres,
            "memory" => StoreKind.Memory,
            _ => throw new UsageException($"--store '{storeText}' is not a store; use sqlite, postgres or memory."),
        };
        if (store == StoreKind.Postgres && string.IsNullOrWhiteSpace(connection))
        {
            throw new UsageException("--store 'postgres' needs --connection with a PostgreSQL connection string.");
        }

        if (File.Exists(dataPath))
        {
            throw new UsageException($"--data '{dataPath}' is a file; it must be a directory.");
        }

        return (new DataDirectory(dataPath), store, connection);
    }

    /// <summary>A session on the store named by the global options, composed from <paramref name="json"/> instead of the data directory's file (a restore's configuration).</summary>
    public static Session WithConfiguration(ParseResult parseResult, JsonObject json)
    {
        var (data, store, connection) = Target(parseResult);
        return new Session(data, json, store, connection, TimeProvider.System);
    }

    /// <summary>A session over a changed configuration that is not saved yet (to validate before writing).</summary>
    public static Session FromJson(Session current, JsonObject json) =>
        new(current.Data, json, current.Store, current.Connection, current.TimeProvider, current.DurableWrites);

    /// <summary>Every configuration error (empty when the configuration is valid).</summary>
    public async ValueTask<IReadOnlyList<string>> ValidateAsync()
    {
        await using var services = DialerHost.Build(this);
        return DialerHost.Validate(services);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ServiceProvider BuildValidated()
    {
        var services = DialerHost.Build(this);
        var errors = DialerHost.Validate(services);
        if (errors.Count > 0)
        {
            services.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new UsageException($"{Data.ConfigPath} is not a valid configuration ({errors.Count} error(s)); run `dialer config validate` to list them. First: {errors[0]}");
        }

        return services;
    }
}
