using System.Reflection;

namespace Dialer.Redial.Tests;

/// <summary>House conventions checked by reflection over the Dialer.Redial assembly.</summary>
public sealed class ConventionTests
{
    private static readonly Type[] PublicTypes = typeof(RedialPolicy).Assembly.GetExportedTypes();

    [Fact]
    public void PublicTypes_LiveInThePackageNamespace_ExceptTheDiExtensions()
    {
        var misplaced = PublicTypes
            .Where(t => t.Namespace != "Dialer.Redial" && !(t.Namespace == "Dialer" && t.Name.StartsWith("DialerBuilder", StringComparison.Ordinal)))
            .Select(t => t.FullName);

        Assert.Empty(misplaced);
    }

    [Fact]
    public void PublicClasses_AreSealedOrStatic()
    {
        var open = PublicTypes.Where(t => t.IsClass && !t.IsSealed && !(t.IsAbstract && t.IsSealed)).Select(t => t.FullName);

        Assert.Empty(open);
    }

    [Fact]
    public void PublicStructs_AreReadOnlyAndEquatableWithOperators()
    {
        var structs = PublicTypes.Where(t => t.IsValueType && !t.IsEnum).ToList();

        Assert.NotEmpty(structs);
        Assert.All(structs, t =>
        {
            Assert.True(t.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute)), $"{t.Name} is readonly");
            Assert.Contains(typeof(IEquatable<>).MakeGenericType(t), t.GetInterfaces());
            Assert.NotNull(t.GetMethod("op_Equality", BindingFlags.Public | BindingFlags.Static));
            Assert.NotNull(t.GetMethod("op_Inequality", BindingFlags.Public | BindingFlags.Static));
        });
    }
}
