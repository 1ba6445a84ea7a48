using System.Diagnostics.CodeAnalysis;

namespace Dialer.Core;

/// <summary>
/// The outcome of a call: a lower-case code (e.g. <c>no_answer</c>) and its <see cref="DispositionCategory"/>.
/// The well-known outcomes are static properties; hosts define their own codes with <see cref="Custom"/> or in
/// <see cref="DialerOptions.CustomDispositions"/>.
/// </summary>
/// <remarks>
/// Equality is by <see cref="Code"/> (ordinal). <c>default(Disposition)</c> has a null code and means
/// "unknown outcome" (<see cref="Category"/> is <see cref="DispositionCategory.Unknown"/>). Immutable and thread-safe.
/// </remarks>
public readonly struct Disposition : IEquatable<Disposition>
{
    private readonly string? _code;

    private Disposition(string code, DispositionCategory category, bool wellKnown)
    {
        _code = code;
        Category = category;
        IsWellKnown = wellKnown;
    }

    /// <summary>The lower-case code, e.g. <c>no_answer</c>; <see cref="UnknownOutcome"/>'s code for <c>default</c>.</summary>
    public string Code => _code ?? UnknownOutcomeCode;

    /// <summary>The category of this outcome.</summary>
    public DispositionCategory Category { get; }

    /// <summary>Whether this is one of the suite's well-known outcomes rather than a host-defined code.</summary>
    public bool IsWellKnown { get; }

    /// <summary>Whether this outcome is <see cref="DispositionCategory.Unknown"/> (including <c>default</c>).</summary>
    public bool IsUnknown => Category == DispositionCategory.Unknown;

    private const string UnknownOutcomeCode = "unknown_outcome";

    /// <summary>A conversation with a person.</summary>
    public static Disposition Conversation { get; } = new("conversation", DispositionCategory.Conversation, true);

    /// <summary>The call was transferred to an agent or another party.</summary>
    public static Disposition Transferred { get; } = new("transferred", DispositionCategory.Conversation, true);

    /// <summary>A sale was made.</summary>
    public static Disposition Sold { get; } = new("sold", DispositionCategory.Final, true);

    /// <summary>The callee said they are not interested.</summary>
    public static Disposition NotInterested { get; } = new("not_interested", DispositionCategory.Final, true);

    /// <summary>The callee asked not to be called again.</summary>
    public static Disposition DoNotCallRequest { get; } = new("do_not_call", DispositionCategory.Final, true);

    /// <summary>The number does not belong to the lead.</summary>
    public static Disposition WrongNumber { get; } = new("wrong_number", DispositionCategory.Final, true);

    /// <summary>An answering machine or voicemail answered.</summary>
    public static Disposition AnsweringMachine { get; } = new("answering_machine", DispositionCategory.Retryable, true);

    /// <summary>Nobody answered.</summary>
    public static Disposition NoAnswer { get; } = new("no_answer", DispositionCategory.Retryable, true);

    /// <summary>The line was busy.</summary>
    public static Disposition Busy { get; } = new("busy", DispositionCategory.Retryable, true);

    /// <summary>The call failed to connect (network or carrier error).</summary>
    public static Disposition Failed { get; } = new("failed", DispositionCategory.Retryable, true);

    /// <summary>The call connected but the dialer dropped it before a person was connected (an abandoned call).</summary>
    public static Disposition Abandoned { get; } = new("abandoned", DispositionCategory.Retryable, true);

    /// <summary>The callee asked to be called back later.</summary>
    public static Disposition CallbackRequested { get; } = new("callback_requested", DispositionCategory.Conversation, true);

    /// <summary>The outcome is not known (provider timeout); counts as an attempt and is never redialed automatically.</summary>
    public static Disposition UnknownOutcome { get; } = new(UnknownOutcomeCode, DispositionCategory.Unknown, true);

    /// <summary>Every well-known outcome.</summary>
    public static IReadOnlyList<Disposition> WellKnown { get; } =
    [
        Conversation, Transferred, Sold, NotInterested, DoNotCallRequest, WrongNumber,
        AnsweringMachine, NoAnswer, Busy, Failed, Abandoned, CallbackRequested, UnknownOutcome,
    ];

    /// <summary>Finds a well-known outcome by code (ordinal, case-insensitive).</summary>
    public static bool TryGetWellKnown(string? code, out Disposition disposition)
    {
        if (code is not null)
        {
            foreach (var d in WellKnown)
            {
                if (string.Equals(d.Code, code, StringComparison.OrdinalIgnoreCase))
                {
                    disposition = d;
                    return true;
                }
            }
        }

        disposition = default;
        return false;
    }

    /// <summary>Creates a host-defined outcome.</summary>
    /// <param name="code">Lower-case letters, digits and underscores, 1 to 64 characters; must not be a well-known code.</param>
    /// <param name="category">What kind of outcome it is.</param>
    /// <exception cref="ArgumentException">The code is malformed or names a well-known outcome, or the category is undefined.</exception>
    public static Disposition Custom(string code, DispositionCategory category)
    {
        var error = ValidateCustomCode(code);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(code));
        }

        if (!Enum.IsDefined(category))
        {
            throw new ArgumentException($"category = {(int)category} is not a defined {nameof(DispositionCategory)}.", nameof(category));
        }

        return new Disposition(code, category, false);
    }

    /// <summary>Returns why <paramref name="code"/> cannot be a host-defined code, or null if it can.</summary>
    public static string? ValidateCustomCode(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "A disposition code must not be empty.";
        }

        if (code.Length > 64)
        {
            return $"Disposition code '{code[..16]}…' is longer than 64 characters.";
        }

        foreach (var c in code)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return $"Disposition code '{code}' may contain only lower-case letters, digits and '_'.";
            }
        }

        return TryGetWellKnown(code, out _) ? $"Disposition code '{code}' is a well-known outcome and cannot be redefined." : null;
    }

    /// <inheritdoc/>
    public bool Equals(Disposition other) => string.Equals(Code, other.Code, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Disposition other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Code);

    /// <summary>The code.</summary>
    public override string ToString() => Code;

#pragma warning disable CS1591
    public static bool operator ==(Disposition left, Disposition right) => left.Equals(right);

    public static bool operator !=(Disposition left, Disposition right) => !left.Equals(right);
#pragma warning restore CS1591
}
