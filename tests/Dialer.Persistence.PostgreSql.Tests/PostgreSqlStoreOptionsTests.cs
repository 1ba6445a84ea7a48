using Microsoft.Extensions.Options;

namespace Dialer.Persistence.PostgreSql.Tests;

public sealed class PostgreSqlStoreOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedConstants()
    {
        var o = new PostgreSqlStoreOptions();
        Assert.Equal("dialer", o.Schema);
        Assert.True(o.MigrateOnStart);
        Assert.True(o.UseDatabaseClock);
        Assert.Equal(TimeSpan.FromSeconds(30), o.CommandTimeout);
        Assert.Equal(TimeSpan.FromDays(1), o.MaxClockSkew);
        Assert.Equal(64, o.MaxBatchSize);
        Assert.True(new PostgreSqlStoreOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Validate_EveryFieldInvalid_ReportsEveryProblemAtOnce()
    {
        var o = new PostgreSqlStoreOptions
        {
            Schema = "Dialer; DROP",
            CommandTimeout = TimeSpan.Zero,
            MaxClockSkew = TimeSpan.FromDays(8),
            MaxBatchSize = 0,
        };

        var ex = Assert.Throws<OptionsValidationException>(() => PostgreSqlStoreOptionsValidator.ThrowIfInvalid(o));

        Assert.Equal(
            [
                "Schema = 'Dialer; DROP': must be 1 to 63 characters of a-z, 0-9 and _, starting with a letter or _.",
                "CommandTimeout = 00:00:00: must be positive and at most 01:00:00.",
                "MaxClockSkew = 8.00:00:00: must be positive and at most 7.00:00:00.",
                "MaxBatchSize = 0: must be between 1 and 1024.",
            ],
            ex.Failures);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1abc")]
    [InlineData("has-dash")]
    [InlineData("x234567890123456789012345678901234567890123456789012345678901234")]
    public void Validate_BadSchemaNames_AreRejected(string schema)
    {
        Assert.False(new PostgreSqlStoreOptionsValidator().Validate(null, new PostgreSqlStoreOptions { Schema = schema }).Succeeded);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeTouchingTheServer()
    {
        Assert.Throws<OptionsValidationException>(() => new PostgreSqlStore("Host=127.0.0.1;Port=1", new PostgreSqlStoreOptions { Schema = "Bad" }));
    }
}
