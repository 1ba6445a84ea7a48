using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dialer.Core.Tests.Validation;

public sealed class ConfigurationBindingTests
{
    private sealed class SampleOptions
    {
        public string Zone { get; set; } = "UTC";

        public int Limit { get; set; } = 3;

        public IList<string> Codes { get; } = [];
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Sample:" + v.Key, v.Value)))
            .Build()
            .GetSection("Sample");

    [Fact]
    public void Bind_ValidSection_SetsEveryValue()
    {
        var options = new SampleOptions();

        ConfigurationBinding.Bind(Section(("Zone", "America/Chicago"), ("Limit", "5"), ("Codes:0", "sold")), options);

        Assert.Equal("America/Chicago", options.Zone);
        Assert.Equal(5, options.Limit);
        Assert.Equal(["sold"], options.Codes);
    }

    [Fact]
    public void Bind_ObjectWhereAStringIsExpected_NamesTheKeyAndLeavesTheOptionsUnchanged()
    {
        var options = new SampleOptions();

        var ex = Assert.Throws<OptionsValidationException>(() => ConfigurationBinding.Bind(Section(("Zone:Name", "x"), ("Limit", "5")), options));

        Assert.Equal(["Sample:Zone = (object): expected a string"], ex.Failures);
        Assert.Equal("UTC", options.Zone);
        Assert.Equal(3, options.Limit);
    }

    [Fact]
    public void Bind_ArrayWhereANumberIsExpected_And_ObjectInsideAStringList_AreAllNamed()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ConfigurationBinding.Bind(
            Section(("Limit:0", "1"), ("Limit:1", "2"), ("Codes:0:Code", "sold")),
            new SampleOptions()));

        Assert.Equal(["Sample:Codes:0 = (object): expected a string", "Sample:Limit = (array): expected a number"], ex.Failures);
    }

    [Fact]
    public void Bind_ValueThatDoesNotConvert_NamesThePathAndTheValue()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ConfigurationBinding.Bind(Section(("Limit", "abc")), new SampleOptions()));

        Assert.Equal(["Sample:Limit = abc: expected a number"], ex.Failures);
    }
}
