using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Dialer.Core;

/// <summary>
/// Resolves disposition codes (from a telephony webhook, a CSV, a store) to <see cref="Disposition"/> values:
/// the well-known outcomes plus the host's codes from <see cref="DialerOptions.CustomDispositions"/>.
/// Registered as a singleton by <c>AddDialer()</c>. Thread-safe.
/// </summary>
public sealed class DispositionCatalog
{
    private readonly FrozenDictionary<string, Disposition> _byCode;

    /// <summary>Creates a catalog from validated options.</summary>
    public DispositionCatalog(IOptions<DialerOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Creates a catalog; the options are validated and every error is reported at once.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public DispositionCatalog(DialerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DialerOptionsValidator.ThrowIfInvalid(options);
        var map = new Dictionary<string, Disposition>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in Disposition.WellKnown)
        {
            map[d.Code] = d;
        }

        foreach (var (code, category) in options.CustomDispositions)
        {
            map[code] = Disposition.Custom(code, category);
        }

        _byCode = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every disposition the catalog knows.</summary>
    public IEnumerable<Disposition> All => _byCode.Values;

    /// <summary>Finds a disposition by code (case-insensitive).</summary>
    public bool TryGet(string? code, [MaybeNullWhen(false)] out Disposition disposition)
    {
        if (code is null)
        {
            disposition = default;
            return false;
        }

        return _byCode.TryGetValue(code, out disposition);
    }

    /// <summary>Finds a disposition by code.</summary>
    /// <exception cref="ArgumentException">The code is not known; the message names it.</exception>
    public Disposition Get(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return TryGet(code, out var d)
            ? d
            : throw new ArgumentException($"Unknown disposition code '{code}'. Register host codes in {nameof(DialerOptions)}.{nameof(DialerOptions.CustomDispositions)}.", nameof(code));
    }
}
