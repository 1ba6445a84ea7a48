using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Campaigns.Tests.DependencyInjection;

/// <summary>
/// A configuration document that puts an object or array where a single value is expected is rejected with an options
/// error naming the key and the value (the binder's own "Cannot create instance of type 'System.String'" names neither,
/// and for a top-level string property the binder silently keeps the default).
/// </summary>
public sealed class ConfigurationBindingTests
{
    [Fact]
    public void AddCampaigns_ObjectWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Campaigns":{"Runner":{"OwnerId":{"x":"y"}}}}}"""));
        Assert.Equal(["Dialer:Campaigns:Runner:OwnerId = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddCampaigns_ArrayWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Campaigns":{"Slots":{"Keys":{"k":["a"]}}}}}"""));
        Assert.Equal(["Dialer:Campaigns:Slots:Keys:k = (array): expected a number"], ex.Failures);
    }

    [Fact]
    public void AddCampaigns_ValueThatDoesNotConvert_ErrorNamesTheKeyAndValue()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Campaigns":{"Slots":{"GlobalMaxCalls":"abc"}}}}"""));
        Assert.Equal(["Dialer:Campaigns:Slots:GlobalMaxCalls = abc: expected a number"], ex.Failures);
    }

    [Fact]
    public void AddCampaigns_WellFormedSection_BindsTheValue()
    {
        var options = Resolve("""{"Dialer":{"Campaigns":{"Runner":{"OwnerId":"host-1"}}}}""");
        Assert.Equal("host-1", options.Runner.OwnerId);
    }

    private static Dialer.Campaigns.CampaignsOptions Resolve(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddCampaigns(config.GetSection("Dialer:Campaigns"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<Dialer.Campaigns.CampaignsOptions>>().Value;
    }
}
