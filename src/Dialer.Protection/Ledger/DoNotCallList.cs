using Dialer.Core;
using NodaTime;

namespace Dialer.Protection;

/// <summary>
/// The internal do-not-call list over the attempt ledger: add (with a reason and optional expiry), remove, list,
/// look up. Entries are <see cref="ProtectionBlock"/>s of kind <see cref="BlockKind.DoNotCall"/>, so the ledger
/// enforces them in the same atomic check as every other rule. Registered by <c>AddProtection()</c>. Thread-safe.
/// </summary>
public sealed class DoNotCallList
{
    private readonly IAttemptLedger _ledger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the list over <paramref name="ledger"/>, stamping entries with <paramref name="timeProvider"/>'s time.</summary>
    public DoNotCallList(IAttemptLedger ledger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ledger = ledger;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Adds <paramref name="phone"/> (for every client, or only <paramref name="clientId"/>), replacing its entry if it
    /// has one. Idempotent.
    /// </summary>
    /// <param name="phone">The number.</param>
    /// <param name="reason">Why it must not be called.</param>
    /// <param name="expiresAt">When the entry lapses; null for never.</param>
    /// <param name="clientId">Only this client's calls are blocked; null for every client.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>The stored entry.</returns>
    public async ValueTask<ProtectionBlock> AddAsync(PhoneNumber phone, string reason, Instant? expiresAt = null, string? clientId = null, CancellationToken cancellationToken = default)
    {
        var entry = ProtectionBlock.DoNotCall(phone, reason, _timeProvider.GetCurrentInstant(), expiresAt, clientId is null ? LimitScope.Global : LimitScope.Client, clientId);
        await _ledger.UpsertBlockAsync(entry, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>Removes the entry of <paramref name="phone"/> (the global one, or <paramref name="clientId"/>'s). Idempotent.</summary>
    /// <returns>Whether an entry was removed.</returns>
    public ValueTask<bool> RemoveAsync(PhoneNumber phone, string? clientId = null, CancellationToken cancellationToken = default) =>
        _ledger.RemoveBlockAsync(ProtectionBlock.DoNotCallId(phone, clientId is null ? LimitScope.Global : LimitScope.Client, clientId), cancellationToken);

    /// <summary>Every entry (including lapsed ones not yet purged), oldest first.</summary>
    public ValueTask<IReadOnlyList<ProtectionBlock>> ListAsync(CancellationToken cancellationToken = default) =>
        _ledger.ListBlocksAsync(BlockKind.DoNotCall, cancellationToken);

    /// <summary>Whether an entry blocks calls to <paramref name="phone"/> for <paramref name="clientId"/> now.</summary>
    public async ValueTask<bool> IsBlockedAsync(PhoneNumber phone, string? clientId = null, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetCurrentInstant();
        foreach (var block in await _ledger.GetBlocksAsync(phone, null, cancellationToken).ConfigureAwait(false))
        {
            if (block.Kind == BlockKind.DoNotCall && block.IsActiveAt(now) &&
                (block.Scope == LimitScope.Global || (block.Scope == LimitScope.Client && string.Equals(block.ScopeId, clientId, StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }
}
