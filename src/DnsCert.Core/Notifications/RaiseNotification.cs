namespace DnsCert.Core.Notifications;

/// <summary>Where directives wait to be aggregated and turned into messages (a table in Infrastructure).</summary>
public interface IDirectiveStore
{
    Task AddAsync(IReadOnlyList<Directive> directives, CancellationToken cancellationToken);
}

/// <summary>The use case every feature calls when something happened: rules decide, the queue remembers.</summary>
public sealed class RaiseNotification(NotificationRules rules, IDirectiveStore queue)
{
    public async Task<IReadOnlyList<Directive>> HandleAsync(NotificationEvent notificationEvent, CancellationToken cancellationToken)
    {
        var directives = rules.Apply(notificationEvent);
        foreach (var directive in directives)
        {
            directive.Validate();
        }

        await queue.AddAsync(directives, cancellationToken);
        return directives;
    }
}
