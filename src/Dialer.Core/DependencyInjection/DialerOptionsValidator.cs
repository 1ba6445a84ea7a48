using Microsoft.Extensions.Options;

namespace Dialer.Core;

/// <summary>Validates <see cref="DialerOptions"/>, reporting every problem at once.</summary>
public sealed class DialerOptionsValidator : IValidateOptions<DialerOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(options).ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Collect(options).ThrowIfAny(typeof(DialerOptions));
    }

    private static OptionsErrorList Collect(DialerOptions options)
    {
        var errors = new OptionsErrorList();
        if (options.CustomDispositions is null)
        {
            errors.Add(nameof(DialerOptions.CustomDispositions), null, "must not be null.");
            return errors;
        }

        foreach (var (code, category) in options.CustomDispositions)
        {
            var problem = Disposition.ValidateCustomCode(code);
            if (problem is not null)
            {
                errors.Add($"{nameof(DialerOptions.CustomDispositions)}:{code}", code, problem);
            }

            if (!Enum.IsDefined(category))
            {
                errors.Add($"{nameof(DialerOptions.CustomDispositions)}:{code}", (int)category, $"is not a defined {nameof(DispositionCategory)} (Unknown, Retryable, Conversation, Final).");
            }
        }

        return errors;
    }
}
