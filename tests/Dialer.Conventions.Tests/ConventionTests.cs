using System.Reflection;
using System.Runtime.CompilerServices;

namespace Dialer.Conventions.Tests;

/// <summary>House conventions checked by reflection over every package in src/.</summary>
public sealed class ConventionTests
{
    private static readonly string[] PackageNames =
    [
        "Dialer.Core", "Dialer.Scheduling", "Dialer.Protection", "Dialer.Redial", "Dialer.Campaigns",
        "Dialer.Persistence", "Dialer.Persistence.Sqlite", "Dialer.Persistence.PostgreSql",
    ];

    public static TheoryData<string> Packages => new(PackageNames);

    private static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    private static IEnumerable<Type> PublicTypes(string package) =>
        Load(package).GetExportedTypes().Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), false));

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicTypes_LiveInTheirPackageNamespace(string package)
    {
        var offenders = PublicTypes(package)
            .Where(t => !(t.Namespace == package || (t.Namespace?.StartsWith(package + ".", StringComparison.Ordinal) ?? false)))
            // DI entry points live in namespace Dialer: the builder and the extension classes.
            .Where(t => !(t.Namespace == "Dialer" && (t.Name == "IDialerBuilder" || (t.IsAbstract && t.IsSealed && t.Name.EndsWith("Extensions", StringComparison.Ordinal)))))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, $"Public types outside namespace {package}: {string.Join(", ", offenders)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicClasses_AreSealed_UnlessAbstractOrStatic(string package)
    {
        var offenders = PublicTypes(package)
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !typeof(Delegate).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(offenders.Count == 0, $"Public classes that are neither sealed nor abstract: {string.Join(", ", offenders)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void PublicValueTypes_AreReadOnlyWithEqualityOperators(string package)
    {
        var offenders = new List<string>();
        foreach (var t in PublicTypes(package).Where(t => t.IsValueType && !t.IsEnum))
        {
            // Enumerators are mutable by nature and are not domain values.
            if (typeof(System.Collections.IEnumerator).IsAssignableFrom(t))
            {
                continue;
            }

            if (!t.IsDefined(typeof(IsReadOnlyAttribute), false))
            {
                offenders.Add($"{t.FullName} is not a readonly struct");
            }

            if (!typeof(IEquatable<>).MakeGenericType(t).IsAssignableFrom(t))
            {
                offenders.Add($"{t.FullName} does not implement IEquatable<{t.Name}>");
            }

            if (t.GetMethod("op_Equality", BindingFlags.Public | BindingFlags.Static, [t, t]) is null ||
                t.GetMethod("op_Inequality", BindingFlags.Public | BindingFlags.Static, [t, t]) is null)
            {
                offenders.Add($"{t.FullName} lacks == and !=");
            }
        }

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_HasOneMeterNamedAfterItself_WhenItHasMetrics(string package)
    {
        var assembly = Load(package);
        var meterNames = assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
            .Where(f => f.FieldType == typeof(System.Diagnostics.Metrics.Meter))
            .Select(f => ((System.Diagnostics.Metrics.Meter?)f.GetValue(null))?.Name)
            .Distinct()
            .ToList();

        Assert.True(meterNames.Count <= 1, $"{package} has several meters: {string.Join(", ", meterNames)}");
        if (meterNames.Count == 1)
        {
            Assert.Equal(package, meterNames[0]);
        }
    }

    [Fact]
    public void Packages_DomainPackagesDoNotReferenceEachOther()
    {
        string[] domain = ["Dialer.Scheduling", "Dialer.Protection", "Dialer.Redial", "Dialer.Campaigns"];
        foreach (var package in domain)
        {
            var references = Load(package).GetReferencedAssemblies().Select(a => a.Name).ToHashSet();
            var offenders = domain.Where(d => d != package && references.Contains(d)).ToList();
            Assert.True(offenders.Count == 0, $"{package} references {string.Join(", ", offenders)}; packages meet only through Dialer.Core.");
        }
    }
}
