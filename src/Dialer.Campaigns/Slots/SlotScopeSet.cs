using System.Collections;

namespace Dialer.Campaigns;

/// <summary>
/// The scopes one call holds a slot in, each with its limit, outermost first (e.g. global, client, campaign). A
/// lease is all-or-nothing over the set: it is granted only when every scope is under its limit.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Build one per distinct combination and reuse it (<c>SlotManager</c> caches one per
/// client and campaign); stores may cache per-set state, which keeps the in-memory acquire allocation-free.
/// </remarks>
public sealed class SlotScopeSet : IReadOnlyList<SlotScopeLimit>
{
    private readonly SlotScopeLimit[] _scopes;

    /// <summary>Creates a set.</summary>
    /// <exception cref="ArgumentException">The set is empty, holds a default scope, or names a scope twice.</exception>
    public SlotScopeSet(IEnumerable<SlotScopeLimit> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = [.. scopes];
        if (_scopes.Length == 0)
        {
            throw new ArgumentException("A slot scope set needs at least one scope.", nameof(scopes));
        }

        for (var i = 0; i < _scopes.Length; i++)
        {
            if (_scopes[i].Scope.IsDefault)
            {
                throw new ArgumentException($"scopes[{i}] is default(SlotScopeLimit).", nameof(scopes));
            }

            for (var j = 0; j < i; j++)
            {
                if (_scopes[j].Scope == _scopes[i].Scope)
                {
                    throw new ArgumentException($"scopes[{i}] repeats scope '{_scopes[i].Scope}'.", nameof(scopes));
                }
            }
        }
    }

    /// <summary>Creates a set from the given scope limits.</summary>
    public SlotScopeSet(params SlotScopeLimit[] scopes)
        : this((IEnumerable<SlotScopeLimit>)scopes)
    {
    }

    /// <summary>The number of scopes.</summary>
    public int Count => _scopes.Length;

    /// <summary>The scope limit at <paramref name="index"/>.</summary>
    public SlotScopeLimit this[int index] => _scopes[index];

    /// <summary>Per-store cached state (opaque to everyone but the store that wrote it).</summary>
    internal object? StoreCache { get; set; }

    /// <summary>Returns an enumerator over the scope limits.</summary>
    public IEnumerator<SlotScopeLimit> GetEnumerator() => ((IEnumerable<SlotScopeLimit>)_scopes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether the set contains <paramref name="scope"/>.</summary>
    public bool Contains(SlotScope scope) => IndexOf(scope) >= 0;

    /// <summary>The index of <paramref name="scope"/>, or -1.</summary>
    public int IndexOf(SlotScope scope)
    {
        for (var i = 0; i < _scopes.Length; i++)
        {
            if (_scopes[i].Scope == scope)
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", _scopes);
}
