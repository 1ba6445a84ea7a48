using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Scheduling.Tests.DependencyInjection;

/// <summary>
/// A configuration document that puts an object or array where a single value is expected is rejected with an options
/// error naming the key and the value (the binder's own "Cannot create instance of type 'System.String'" names neither,
/// and for a top-level string property the binder silently keeps the default).
/// </summary>
public sealed class ConfigurationBindingTests
{
    [Fact]
    public void AddScheduling_ObjectWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Scheduling":{"CampaignSchedules":{"c1":{"x":"y"}}}}}"""));
        Assert.Equal(["Dialer:Scheduling:CampaignSchedules:c1 = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddScheduling_ObjectForAStringInsideASchedule_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Scheduling":{"Schedules":{"s1":{"TimeZone":{"x":"y"}}}}}}"""));
        Assert.Equal(["Dialer:Scheduling:Schedules:s1:TimeZone = (object): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddScheduling_ArrayWhereAStringIsExpected_ErrorNamesTheKey()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Scheduling":{"DefaultSchedule":["a","b"]}}}"""));
        Assert.Equal(["Dialer:Scheduling:DefaultSchedule = (array): expected a string"], ex.Failures);
    }

    [Fact]
    public void AddScheduling_ValueThatDoesNotConvert_ErrorNamesTheKeyAndValue()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve("""{"Dialer":{"Scheduling":{"Horizon":"abc"}}}"""));
        Assert.Equal(["Dialer:Scheduling:Horizon = abc: expected a duration such as 00:10:00"], ex.Failures);
    }

    [Fact]
    public void AddScheduling_WellFormedSection_BindsTheValue()
    {
        var options = Resolve("""{"Dialer":{"Scheduling":{"Horizon":"30.00:00:00"}}}""");
        Assert.Equal(TimeSpan.FromDays(30), options.Horizon);
    }

    private static Dialer.Scheduling.SchedulingOptions Resolve(string json)
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddScheduling(config.GetSection("Dialer:Scheduling"));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<Dialer.Scheduling.SchedulingOptions>>().Value;
    }
}
