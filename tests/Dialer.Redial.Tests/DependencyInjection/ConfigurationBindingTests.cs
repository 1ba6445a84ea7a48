using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Redial.Tests.DependencyInjection;

/// <summary>
/// A configuration document that puts an object or array where a single value is expected is rejected with an options
/// error naming the key and the value (the binder's own "Cannot create instance of type 'System.String'" names neither,
/// and for a top-level string property the binder silently keeps the default).
/// </summary>
public sealed class ConfigurationBindingTests
{
    [Fact]
    public void AddRedial_ObjectWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Redial":{"FallbackZoneId":{"x":"y"}}}}"""));
        Assert.Equal(["Dialer:Redial:FallbackZoneId = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddRedial_ArrayWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Redial":{"FallbackZoneId":["a","b"]}}}"""));
        Assert.Equal(["Dialer:Redial:FallbackZoneId = (array): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddRedial_ValueThatDoesNotConvert_ErrorNamesTheKeyAndValue()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Redial":{"MaxAttemptsPerLead":"abc"}}}"""));
        Assert.Equal(["Dialer:Redial:MaxAttemptsPerLead = abc: expected a number"], ex.Failures);
    }

    [Fact]
    public void AddRedial_WellFormedSection_BindsTheValue()
    {
        var options = Resolve("""{"Dialer":{"Redial":{"MaxAttemptsPerLead":"4"}}}""");
        Assert.Equal(4, options.MaxAttemptsPerLead);
    }

    private static Dialer.Redial.RedialOptions Resolve(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddRedial(config.GetSection("Dialer:Redial"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<Dialer.Redial.RedialOptions>>().Value;
    }
}
