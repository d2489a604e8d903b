using DnsCert.Core;
using DnsCert.Core.Accounts;
using DnsCert.Core.Notifications;
using DnsCert.Core.Visibility;
using DnsCert.Infrastructure.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DnsCert.Web.Notifications;

/// <summary>Delivery tracking, duty-officer alerts, directives, and the mail gateway's intake.</summary>
public static class NotificationsApi
{
    /// <summary>Who may see delivery tracking: the core team (it names recipients of every organisation).</summary>
    public static readonly string[] StaffRoles = [Roles.Administrator, Roles.DutyOfficer, Roles.IncidentHandler];

    public sealed record DirectiveRequest(
        Guid OrganisationId, string? ContactRole, string? Kind, string? Tlp, string? AggregationKey, DateTimeOffset? NotBefore,
        Dictionary<string, string>? Values, string? Reference);

    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/notifications").WithTags("Notifications");
        group.MapGet("/messages", async Task<Results<Ok<IReadOnlyList<DeliveryRecord>>, ValidationProblem>> (
                Guid? organisationId, string? status, int? limit, DeliveryTracking tracking, CancellationToken cancellationToken) =>
            {
                try
                {
                    return TypedResults.Ok(await tracking.ListAsync(organisationId, status, limit ?? 100, cancellationToken));
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Read).RequireAuthorization(p => p.RequireRole(StaffRoles))
            .WithName("ListNotificationMessages")
            .WithSummary("Outgoing messages with their delivery status (queued, sending, sent, failed, bounced, answered, unconfirmed).");
        group.MapGet("/alerts", async (DeliveryTracking tracking, CancellationToken cancellationToken) =>
                TypedResults.Ok(await tracking.OpenAlertsAsync(cancellationToken)))
            .RequireAuthorization(ApiScopes.Read).RequireAuthorization(p => p.RequireRole(StaffRoles))
            .WithName("ListNotificationAlerts")
            .WithSummary("Open alerts for the duty officer: dead letters and unconfirmed deliveries.");
        group.MapPost("/directives", async Task<Results<Accepted, ValidationProblem>> (
                DirectiveRequest request, IDirectiveStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                try
                {
                    var kind = NotificationKinds.Parse(request.Kind);
                    var directive = new Directive(request.OrganisationId, request.ContactRole ?? "", kind, TlpLabels.Parse(request.Tlp),
                        string.IsNullOrWhiteSpace(request.AggregationKey) ? $"api:{Guid.NewGuid():N}" : request.AggregationKey,
                        request.NotBefore ?? clock.GetUtcNow(), request.Values ?? [], request.Reference);
                    directive.Validate();
                    await store.AddAsync([directive], cancellationToken);
                    return TypedResults.Accepted((string?)null);
                }
                catch (ValidationException e)
                {
                    return Problem(e);
                }
            })
            .RequireAuthorization(ApiScopes.Write).RequireAuthorization(p => p.RequireRole(StaffRoles))
            .WithName("CreateNotificationDirective")
            .WithSummary("Tell an organisation's contact role something: queued, aggregated, rendered in their language, signed, sent.");

        endpoints.MapPost("/api/v1/mail/intake", async Task<Results<Ok<IntakeResult>, UnprocessableEntity<IntakeResult>, ValidationProblem>> (
                HttpRequest request, MailIntake intake, CancellationToken cancellationToken) =>
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, cancellationToken);
                if (buffer.Length == 0)
                {
                    return Problem(new ValidationException("body", "send one RFC 5322 message as the request body"));
                }

                var result = await intake.AcceptAsync(buffer.ToArray(), cancellationToken);
                return result.Disposition == "quarantined" ? TypedResults.UnprocessableEntity(result) : TypedResults.Ok(result);
            })
            .RequireAuthorization(ApiScopes.MailIntake)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(Infrastructure.Notifications.Mail.MailEntity.MaxSize))
            .WithTags("Notifications")
            .WithName("IntakeMail")
            .WithSummary("The mail gateway: one received message (message/rfc822). Replies are attached, other mail becomes a report.");
        return endpoints;
    }

    private static ValidationProblem Problem(ValidationException e) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Reason] });
}
