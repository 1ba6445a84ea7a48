namespace Dialer.Persistence.Sqlite;

/// <summary>
/// An <see cref="IAsyncEnumerable{T}"/> over a synchronous iterator (SQLite reads are synchronous I/O): every step
/// completes synchronously, as the house rules ask of stores that cannot do better. The iterator is created when the
/// enumeration starts, so a read that fails (a store that failed closed) throws from the first
/// <see cref="IAsyncEnumerator{T}.MoveNextAsync"/>.
/// </summary>
internal sealed class SyncAsyncEnumerable<T>(Func<CancellationToken, IEnumerable<T>> source, CancellationToken defaultToken) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(source, cancellationToken.CanBeCanceled ? cancellationToken : defaultToken);

    private sealed class Enumerator(Func<CancellationToken, IEnumerable<T>> source, CancellationToken cancellationToken) : IAsyncEnumerator<T>
    {
        private IEnumerator<T>? _inner;

        public T Current => _inner is null ? default! : _inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            try
            {
                _inner ??= source(cancellationToken).GetEnumerator();
                return ValueTask.FromResult(_inner.MoveNext());
            }
#pragma warning disable CA1031 // Handed to the awaiting caller unchanged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return ValueTask.FromException<bool>(ex);
            }
        }

        public ValueTask DisposeAsync()
        {
            _inner?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
