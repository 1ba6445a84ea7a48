using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Core;

/// <summary>
/// The default <see cref="ICallOutcomeReporter"/>: hands an outcome to every <see cref="ICallOutcomeHandler"/> in
/// <see cref="ICallOutcomeHandler.Order"/>. Idempotency is each handler's (by attempt id).
/// </summary>
public sealed class CallOutcomeDispatcher : ICallOutcomeReporter
{
    private readonly ICallOutcomeHandler[] _handlers;
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher.</summary>
    public CallOutcomeDispatcher(IEnumerable<ICallOutcomeHandler> handlers, ILogger<CallOutcomeDispatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _handlers = [.. handlers.Select((h, i) => (h ?? throw new ArgumentException($"handlers[{i}] is null.", nameof(handlers)), i))
            .OrderBy(x => x.Item1.Order).ThenBy(x => x.i).Select(x => x.Item1)];
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The handlers in the order they run.</summary>
    public IReadOnlyList<ICallOutcomeHandler> Handlers => _handlers;

    /// <inheritdoc/>
    public async ValueTask ReportAsync(CallOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        List<Exception>? failures = null;
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(outcome, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Every handler must run; failures are rethrown together below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CoreLog.OutcomeHandlerFailed(_logger, ex, handler.GetType().Name, outcome.AttemptId);
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException($"{failures.Count} outcome handler(s) failed for attempt {outcome.AttemptId}.", failures);
        }
    }
}
