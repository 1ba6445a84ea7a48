using System.Globalization;
using Microsoft.Extensions.Options;

namespace Dialer.Core;

/// <summary>
/// Collects every problem found in an options object so that validation reports them all at once, each naming
/// the field (as a configuration path) and the offending value. Used by every package's options validator.
/// </summary>
public sealed class OptionsErrorList
{
    private readonly List<string> _errors = [];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Whether any problem was found.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Adds a problem: <c>{path} = {value}: {problem}</c>.</summary>
    /// <param name="path">The field as a configuration path, e.g. <c>Schedules:acme:TimeZone</c>.</param>
    /// <param name="value">The offending value (formatted invariantly; strings are quoted; null shows as <c>null</c>).</param>
    /// <param name="problem">What is wrong and, where useful, what is expected.</param>
    public void Add(string path, object? value, string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        _errors.Add($"{path} = {Format(value)}: {problem}");
    }

    /// <summary>The result for <see cref="IValidateOptions{TOptions}"/>.</summary>
    public ValidateOptionsResult ToResult() => HasErrors ? ValidateOptionsResult.Fail(_errors) : ValidateOptionsResult.Success;

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if there are any.</summary>
    public void ThrowIfAny(Type optionsType, string? optionsName = null)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        if (HasErrors)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, optionsType, [.. _errors]);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, _errors);

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
