using System.Reflection;

namespace Dialer.Protection.Tests;

public sealed class ConventionTests
{
    private static readonly Type[] PublicTypes = typeof(ProtectionGate).Assembly.GetExportedTypes();

    [Fact]
    public void PublicTypes_LiveInThePackageNamespace_ExceptTheDiExtensions()
    {
        var misplaced = PublicTypes.Where(t => t.Namespace != "Dialer.Protection" && !(t.Namespace == "Dialer" && t.Name.StartsWith("DialerBuilder", StringComparison.Ordinal))).ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void PublicClasses_AreSealedOrStatic()
    {
        var open = PublicTypes.Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract).ToList();

        Assert.Empty(open);
    }

    [Fact]
    public void PublicValueTypes_AreReadOnlyWithEqualityOperators()
    {
        foreach (var type in PublicTypes.Where(t => t.IsValueType && !t.IsEnum))
        {
            Assert.True(type.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute)), $"{type} is not readonly");
            Assert.True(typeof(IEquatable<>).MakeGenericType(type).IsAssignableFrom(type), $"{type} is not IEquatable");
            Assert.NotNull(type.GetMethod("op_Equality", BindingFlags.Public | BindingFlags.Static));
            Assert.NotNull(type.GetMethod("op_Inequality", BindingFlags.Public | BindingFlags.Static));
        }
    }
}
