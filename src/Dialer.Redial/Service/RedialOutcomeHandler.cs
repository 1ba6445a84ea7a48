using Dialer.Core;

namespace Dialer.Redial;

/// <summary>Schedules the next attempt when an outcome is reported (<see cref="RedialService.HandleOutcomeAsync"/>).</summary>
internal sealed class RedialOutcomeHandler(RedialService service) : ICallOutcomeHandler
{
    public int Order => CallOutcomeHandlerOrder.Redial;

    public async ValueTask HandleAsync(CallOutcome outcome, CancellationToken cancellationToken) =>
        await service.HandleOutcomeAsync(outcome, cancellationToken).ConfigureAwait(false);
}
