using Microsoft.Extensions.Options;

namespace Dialer.Persistence.Sqlite.Tests.Storage;

public sealed class SqliteStoreOptionsTests
{
    [Fact]
    public void Defaults_AreDurableAndDocumented()
    {
        var o = new SqliteStoreOptions();

        Assert.Equal(string.Empty, o.Path);
        Assert.Equal(TimeSpan.FromSeconds(30), o.BusyTimeout);
        Assert.Equal(SqliteSynchronousMode.Full, o.Synchronous);
        Assert.Equal(256, o.MaxBatchSize);
        Assert.Equal(8, o.MaxReadConnections);
        Assert.True(o.MigrateOnOpen);
        Assert.False(o.QuickCheckOnOpen);
        Assert.True(o.ValidateRowsOnOpen);
    }

    [Fact]
    public void Validate_DefaultsWithAPath_Succeeds()
    {
        var result = new SqliteStoreOptionsValidator().Validate(null, new SqliteStoreOptions { Path = "dialer.db" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EveryFieldInvalid_ReportsEveryProblemAtOnce()
    {
        var options = new SqliteStoreOptions
        {
            Path = " ",
            BusyTimeout = TimeSpan.Zero,
            Synchronous = (SqliteSynchronousMode)7,
            MaxBatchSize = 0,
            MaxReadConnections = 1000,
        };

        var result = new SqliteStoreOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Path = ' ': is required: the path of the database file.",
                "BusyTimeout = 00:00:00: must be between 00:00:00.001 and 01:00:00.",
                "Synchronous = 7: is not a defined SqliteSynchronousMode (Full, Extra, Normal).",
                "MaxBatchSize = 0: must be between 1 and 10000.",
                "MaxReadConnections = 1000: must be between 1 and 256.",
            ],
            result.Failures);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsWithEveryProblem()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new SqliteDialerStore(new SqliteStoreOptions { MaxBatchSize = -1 }));

        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains("MaxBatchSize = -1: must be between 1 and 10000.", ex.Failures);
    }
}
