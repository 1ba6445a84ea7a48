using System.Diagnostics.CodeAnalysis;

namespace Dialer.Campaigns;

/// <summary>The kind of a concurrency scope. Scopes nest: global ⊃ client ⊃ campaign; a key scope is any host-named group.</summary>
public enum SlotScopeKind
{
    /// <summary>Every call of every client (the seeds' <c>GLOBAL_MAX_CALLS</c>).</summary>
    Global = 0,

    /// <summary>Every call of one client (the seeds' per-client <c>maxConcurrentCalls</c>).</summary>
    Client = 1,

    /// <summary>Every call of one campaign of one client.</summary>
    Campaign = 2,

    /// <summary>A host-named group (a trunk, a region, an agent pool…).</summary>
    Key = 3,
}

/// <summary>
/// One concurrency scope: a kind and a key. <see cref="Id"/> is its stable, store-friendly identity
/// (<c>global</c>, <c>client:acme</c>, <c>campaign:acme/spring</c>, <c>key:trunk-a</c>).
/// </summary>
/// <remarks>
/// Equality is by <see cref="Id"/> (ordinal). A campaign scope is qualified by its client because campaign ids are
/// only unique within a client (every client has a <c>default</c> campaign). <c>default(SlotScope)</c> is
/// <see cref="Global"/>'s kind with a null id and is never accepted by a store. Immutable and thread-safe.
/// </remarks>
public readonly struct SlotScope : IEquatable<SlotScope>
{
    private SlotScope(SlotScopeKind kind, string key, string id)
    {
        Kind = kind;
        Key = key;
        Id = id;
    }

    /// <summary>The scope holding every call.</summary>
    public static SlotScope Global { get; } = new(SlotScopeKind.Global, string.Empty, "global");

    /// <summary>The kind of scope.</summary>
    public SlotScopeKind Kind { get; }

    /// <summary>The key within the kind: empty for global, the client id, <c>client/campaign</c>, or the host's key.</summary>
    public string Key { get; }

    /// <summary>The stable identity used by stores, e.g. <c>client:acme</c>.</summary>
    public string Id { get; }

    /// <summary>Whether this is <c>default(SlotScope)</c> (not a usable scope).</summary>
    public bool IsDefault => Id is null;

    /// <summary>The scope of one client.</summary>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is null, empty or whitespace.</exception>
    public static SlotScope Client(string clientId)
    {
        CheckKey(clientId, nameof(clientId));
        return new(SlotScopeKind.Client, clientId, "client:" + clientId);
    }

    /// <summary>The scope of one campaign of one client.</summary>
    /// <exception cref="ArgumentException">An argument is null, empty or whitespace.</exception>
    public static SlotScope Campaign(string clientId, string campaignId)
    {
        CheckKey(clientId, nameof(clientId));
        CheckKey(campaignId, nameof(campaignId));
        var key = clientId + "/" + campaignId;
        return new(SlotScopeKind.Campaign, key, "campaign:" + key);
    }

    /// <summary>A host-named scope.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null, empty or whitespace.</exception>
    public static SlotScope ForKey(string key)
    {
        CheckKey(key, nameof(key));
        return new(SlotScopeKind.Key, key, "key:" + key);
    }

    /// <summary>Parses an <see cref="Id"/> written by a store back into a scope.</summary>
    public static bool TryParseId([NotNullWhen(true)] string? id, out SlotScope scope)
    {
        scope = default;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        if (id == "global")
        {
            scope = Global;
            return true;
        }

        var colon = id.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == id.Length - 1)
        {
            return false;
        }

        var key = id[(colon + 1)..];
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        switch (id.AsSpan(0, colon))
        {
            case "client":
                scope = new(SlotScopeKind.Client, key, id);
                return true;
            case "campaign":
                var slash = key.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == key.Length - 1)
                {
                    return false;
                }

                scope = new(SlotScopeKind.Campaign, key, id);
                return true;
            case "key":
                scope = new(SlotScopeKind.Key, key, id);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc/>
    public bool Equals(SlotScope other) => string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SlotScope other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Id is null ? 0 : StringComparer.Ordinal.GetHashCode(Id);

    /// <summary>The <see cref="Id"/>.</summary>
    public override string ToString() => Id ?? "(default)";

#pragma warning disable CS1591
    public static bool operator ==(SlotScope left, SlotScope right) => left.Equals(right);

    public static bool operator !=(SlotScope left, SlotScope right) => !left.Equals(right);
#pragma warning restore CS1591

    private static void CheckKey(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} must not be empty or whitespace; got '{value}'.", name);
        }
    }
}

/// <summary>A scope and the most leases it may hold at once.</summary>
/// <remarks>Equality compares both fields. A limit of 0 admits nothing in that scope.</remarks>
public readonly struct SlotScopeLimit : IEquatable<SlotScopeLimit>
{
    /// <summary>Creates a scope limit.</summary>
    /// <exception cref="ArgumentException"><paramref name="scope"/> is default.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is negative.</exception>
    public SlotScopeLimit(SlotScope scope, int limit)
    {
        if (scope.IsDefault)
        {
            throw new ArgumentException("scope is default(SlotScope); use SlotScope.Global, Client, Campaign or ForKey.", nameof(scope));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Scope = scope;
        Limit = limit;
    }

    /// <summary>The scope.</summary>
    public SlotScope Scope { get; }

    /// <summary>The most unexpired leases the scope may hold at once.</summary>
    public int Limit { get; }

    /// <inheritdoc/>
    public bool Equals(SlotScopeLimit other) => Scope == other.Scope && Limit == other.Limit;

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is SlotScopeLimit other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Scope, Limit);

    /// <inheritdoc/>
    public override string ToString() => $"{Scope} ≤ {Limit}";

#pragma warning disable CS1591
    public static bool operator ==(SlotScopeLimit left, SlotScopeLimit right) => left.Equals(right);

    public static bool operator !=(SlotScopeLimit left, SlotScopeLimit right) => !left.Equals(right);
#pragma warning restore CS1591
}
