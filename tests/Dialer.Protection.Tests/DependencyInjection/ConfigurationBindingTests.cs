using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Protection.Tests.DependencyInjection;

/// <summary>
/// A configuration document that puts an object or array where a single value is expected is rejected with an options
/// error naming the key and the value (the binder's own "Cannot create instance of type 'System.String'" names neither,
/// and for a top-level string property the binder silently keeps the default).
/// </summary>
public sealed class ConfigurationBindingTests
{
    [Fact]
    public void AddProtection_ObjectWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Protection":{"FallbackZoneId":{"x":"y"}}}}"""));
        Assert.Equal(["Dialer:Protection:FallbackZoneId = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddProtection_KeyWithAStrayColon_ErrorNamesTheKeyInsteadOfTheBindersMessage()
    {
        // The reliability suite's finding (seed 1861396288, case 6463): "DailyCapZoneId:" makes DailyCapZoneId a section,
        // and the binder alone throws "Cannot create instance of type 'System.String' …", naming no key.
        const string json = """{"Dialer":{"Protection":{"DailyCapZoneId:":null}}}""";
        var raw = Assert.Throws<InvalidOperationException>(() =>
            new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Dialer:Protection").Get<Dialer.Protection.ProtectionOptions>());
        Assert.StartsWith("Cannot create instance of type 'System.String'", raw.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("DailyCapZoneId", raw.Message, StringComparison.Ordinal);

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(json));
        Assert.Equal(["Dialer:Protection:DailyCapZoneId = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddProtection_ArrayWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Protection":{"FallbackZoneId":["a","b"]}}}"""));
        Assert.Equal(["Dialer:Protection:FallbackZoneId = (array): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddProtection_ValueThatDoesNotConvert_ErrorNamesTheKeyAndValue()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Protection":{"MaxDailyAttemptsPerNumber":"abc"}}}"""));
        Assert.Equal(["Dialer:Protection:MaxDailyAttemptsPerNumber = abc: expected a number"], ex.Failures);
    }

    [Fact]
    public void AddProtection_WellFormedSection_BindsTheValue()
    {
        var options = Resolve("""{"Dialer":{"Protection":{"FallbackZoneId":"Europe/Paris"}}}""");
        Assert.Equal("Europe/Paris", options.FallbackZoneId);
    }

    private static Dialer.Protection.ProtectionOptions Resolve(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddProtection(config.GetSection("Dialer:Protection"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<Dialer.Protection.ProtectionOptions>>().Value;
    }
}
