using System.Reflection;
using static Dialer.Scheduling.Tests.SchedulingTestData;

namespace Dialer.Scheduling.Tests;

public sealed class ConventionTests
{
    private static readonly Type[] s_public = typeof(CallingWindowService).Assembly.GetExportedTypes();

    [Fact]
    public void PublicTypes_LiveInThePackageNamespace_ExceptTheDiExtensions()
    {
        Assert.All(s_public, t => Assert.True(
            t.Namespace == "Dialer.Scheduling" || (t.Namespace == "Dialer" && t.Name.StartsWith("DialerBuilder", StringComparison.Ordinal)),
            $"{t.FullName} is in the wrong namespace"));
    }

    [Fact]
    public void PublicClasses_AreSealedOrStatic_AndValueTypesHaveEquality()
    {
        foreach (var t in s_public)
        {
            if (t.IsClass && !t.IsAbstract)
            {
                Assert.True(t.IsSealed, $"{t.Name} is not sealed");
            }

            if (t.IsValueType && !t.IsEnum)
            {
                Assert.Contains(typeof(IEquatable<>).MakeGenericType(t), t.GetInterfaces());
                Assert.NotNull(t.GetMethod("op_Equality", BindingFlags.Public | BindingFlags.Static));
                Assert.NotNull(t.GetMethod("op_Inequality", BindingFlags.Public | BindingFlags.Static));
            }
        }
    }

    [Fact]
    public void IsOpenAndEvaluate_WithExplicitZone_AllocateNothingOnceCached()
    {
        var options = Options(legal: true, rules: true, configure: o => o.Schedules["default"] = Schedule("America/New_York", Weekdays, "09:00", "17:00"));
        var service = Service(options);
        var request = Request(zone: "America/Chicago", region: "MS", phone: "+13055550100");
        var prefixOnly = Request(phone: "+13125550100");
        var at = At("2026-07-15T15:00:00Z");
        Assert.True(service.IsOpen(request, at));
        service.Evaluate(request, at);
        service.ZoneResolver.Resolve(prefixOnly);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var open = 0;
        for (var i = 0; i < 1000; i++)
        {
            open += service.IsOpen(request, at) ? 1 : 0;
            open += service.Evaluate(request, at).IsOpen ? 1 : 0;
            open += service.ZoneResolver.Resolve(prefixOnly).Count;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3000, open);
    }
}
