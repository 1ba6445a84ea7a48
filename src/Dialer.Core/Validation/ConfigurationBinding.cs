using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Core;

/// <summary>
/// Binds options from a configuration section and turns the binder's failures into options errors that name the key
/// and the value (<c>path = value: problem</c>). The binder's own message for an object or array where a single value
/// is expected ("Cannot create instance of type 'System.String'…") names neither; this finds the offending key by
/// walking the section against the options type. Every package's <c>AddXxx(IConfiguration)</c> binds through it.
/// </summary>
public static partial class ConfigurationBinding
{
    private const int MaxDepth = 16;

    /// <summary>Configures <typeparamref name="TOptions"/> from <paramref name="section"/> (reloading with it, as <c>Bind</c> does).</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="builder">The options builder.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static OptionsBuilder<TOptions> BindNamingErrors<TOptions>(this OptionsBuilder<TOptions> builder, IConfiguration section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(builder.Name, section));
        return builder.Configure(o => Bind(section, o));
    }

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>.</summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="section">The configuration section holding the options.</param>
    /// <param name="options">The options instance to fill.</param>
    /// <exception cref="OptionsValidationException">The section does not fit the options type; every failure names its key and value.</exception>
    public static void Bind<TOptions>(IConfiguration section, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        // An object or array where a single value is expected is an error even where the binder would silently keep
        // the default (a top-level string property) rather than throw (a string in a dictionary or list).
        var errors = new List<string>();
        Find(section, typeof(TOptions), errors, 0);
        if (errors.Count == 0)
        {
            try
            {
                section.Bind(options);
                return;
            }
            catch (InvalidOperationException ex)
            {
                var match = ConversionFailure().Match(ex.Message);
                errors.Add(match.Success
                    ? $"{match.Groups["path"].Value} = {match.Groups["value"].Value}: expected {Expected(match.Groups["type"].Value)}"
                    : $"{PathOf(section)} = (section): {ex.Message}");
            }
        }

        throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), errors);
    }

    /// <summary>Every key under <paramref name="section"/> whose value is an object or array where <paramref name="type"/> expects a single value.</summary>
    internal static void Find(IConfiguration section, Type type, List<string> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        foreach (var child in section.GetChildren())
        {
            if (MemberType(type, child.Key) is { } target)
            {
                Check(child, target, errors, depth);
            }
        }
    }

    private static void Check(IConfigurationSection child, Type target, List<string> errors, int depth)
    {
        var type = Nullable.GetUnderlyingType(target) ?? target;
        var children = child.GetChildren().ToList();
        if (IsScalar(type))
        {
            if (children.Count > 0)
            {
                var shape = children.TrueForAll(c => int.TryParse(c.Key, out _)) ? "(array)" : "(object)";
                errors.Add($"{child.Path} = {shape}: expected {Expected(type)}");
            }

            return;
        }

        if (children.Count == 0)
        {
            return;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in children)
            {
                Check(item, element, errors, depth + 1);
            }

            return;
        }

        Find(child, type, errors, depth + 1);
    }

    private static Type? MemberType(Type type, string key)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return property.PropertyType;
            }
        }

        return null;
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan) ||
        type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) ||
        type == typeof(Guid) || type == typeof(Uri) ||
        (!typeof(IEnumerable).IsAssignableFrom(type) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        Type? enumerable = null;
        foreach (var candidate in type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
        {
            if (!candidate.IsGenericType)
            {
                continue;
            }

            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                return candidate.GetGenericArguments()[1];
            }

            if (definition == typeof(IEnumerable<>))
            {
                enumerable ??= candidate.GetGenericArguments()[0];
            }
        }

        return enumerable;
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type))
        : type == typeof(TimeSpan) ? "a duration such as 00:10:00"
        : type.IsPrimitive || type == typeof(decimal) ? "a number"
        : "a single " + type.Name + " value";

    private static string Expected(string typeName) =>
        Type.GetType(typeName, throwOnError: false) is { } type ? Expected(Nullable.GetUnderlyingType(type) ?? type) : "a value of type " + typeName;

    private static string PathOf(IConfiguration section) => section is IConfigurationSection s ? s.Path : "(root)";

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ConversionFailure();
}
