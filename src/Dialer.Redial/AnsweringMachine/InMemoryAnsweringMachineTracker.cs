using Dialer.Core;
using NodaTime;

namespace Dialer.Redial;

/// <summary>
/// The in-memory <see cref="IAnsweringMachineTracker"/>, registered by default. Thread-safe (one lock); every operation
/// completes synchronously. Nothing survives the process.
/// </summary>
public sealed class InMemoryAnsweringMachineTracker : IAnsweringMachineTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PhoneNumber, Entry> _numbers = [];

    /// <inheritdoc/>
    public ValueTask<AnsweringMachineStats> RecordAsync(PhoneNumber phone, string attemptId, bool isMachine, Instant at, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        lock (_lock)
        {
            if (!_numbers.TryGetValue(phone, out var entry))
            {
                entry = new Entry();
                _numbers.Add(phone, entry);
            }

            if (entry.Attempts.Add(attemptId))
            {
                entry.Consecutive = isMachine ? entry.Consecutive + 1 : 0;
                entry.Machines += isMachine ? 1 : 0;
                entry.Outcomes++;
                if (entry.LastOutcomeAt is not { } last || at > last)
                {
                    entry.LastOutcomeAt = at;
                }
            }

            return new ValueTask<AnsweringMachineStats>(entry.ToStats(phone));
        }
    }

    /// <inheritdoc/>
    public ValueTask<AnsweringMachineStats> GetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        lock (_lock)
        {
            return new ValueTask<AnsweringMachineStats>(_numbers.TryGetValue(phone, out var entry)
                ? entry.ToStats(phone)
                : new AnsweringMachineStats(phone, 0, 0, 0, null));
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> ResetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        lock (_lock)
        {
            return new ValueTask<bool>(_numbers.Remove(phone));
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        long removed = 0;
        lock (_lock)
        {
            List<PhoneNumber>? doomed = null;
            foreach (var (phone, entry) in _numbers)
            {
                if (entry.LastOutcomeAt is not { } last || last < olderThan)
                {
                    (doomed ??= []).Add(phone);
                }
            }

            if (doomed is not null)
            {
                foreach (var phone in doomed)
                {
                    _numbers.Remove(phone);
                    removed++;
                }
            }
        }

        return new ValueTask<long>(removed);
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }
    }

    private sealed class Entry
    {
        public HashSet<string> Attempts { get; } = new(StringComparer.Ordinal);

        public int Consecutive { get; set; }

        public int Machines { get; set; }

        public int Outcomes { get; set; }

        public Instant? LastOutcomeAt { get; set; }

        public AnsweringMachineStats ToStats(PhoneNumber phone) => new(phone, Consecutive, Machines, Outcomes, LastOutcomeAt);
    }
}
