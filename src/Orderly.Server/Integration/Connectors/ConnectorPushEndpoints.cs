using System.Text.Json.Serialization;
using Orderly.Domain.Integration;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Integration;

/// <summary>Fxiaoke's callback body (integrations.md A2).</summary>
public sealed record FxiaokePushBody(string Nonce, string TimeStamp, string Content, string Sig);

/// <summary>Yonyou's event push body (integrations.md B2).</summary>
public sealed record YonyouPushBody(string MsgSignature, long Timestamp, string Nonce, string Encrypt);

/// <summary>Zoho CRM's notification body (integrations.md A1).</summary>
public sealed record ZohoNotificationBody(
    [property: JsonPropertyName("channel_id")] string ChannelId, string Token, string Module, string Operation, IReadOnlyList<string> Ids,
    [property: JsonPropertyName("server_time")] long? ServerTime);

/// <param name="NotifyUrl">Where Zoho posts: this server's <c>/api/integrations/zoho-crm/notify</c> as the internet reaches it.</param>
/// <param name="Events">Zoho event names, by default <c>Accounts.all</c>, <c>Products.all</c> and <c>Sales_Orders.all</c>.</param>
public sealed record ZohoWatchRequest(string NotifyUrl, IReadOnlyList<string>? Events = null);

public sealed record ZohoWatchResult(string ChannelId, IReadOnlyList<string> Events, DateTimeOffset Expiry);

/// <summary>The vendors' push endpoints (anonymous: each checks the vendor's signature or token) and the Zoho watch registration.</summary>
public static class ConnectorPushEndpoints
{
    public static void MapConnectorPushEndpoints(this IEndpointRouteBuilder app)
    {
        var pushes = app.MapGroup("/api/integrations").WithTags("Integration").AllowAnonymous().DisableAntiforgery();
        pushes.MapPost("/fxiaoke/callback", (HttpRequest r, ConnectorPushes p, CancellationToken ct) => AnswerAsync(r, p.FxiaokeAsync, ct))
            .WithName("FxiaokeCallback").Accepts<FxiaokePushBody>("application/json").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Fxiaoke's signed and encrypted callback: sig checked with the callback token, content decrypted with the encodingAesKey, recorded once per event id and answered `success` at once; the records are re-read later.");
        pushes.MapPost("/yonyou/callback", (HttpRequest r, ConnectorPushes p, CancellationToken ct) => AnswerAsync(r, p.YonyouAsync, ct))
            .WithName("YonyouCallback").Accepts<YonyouPushBody>("application/json").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Yonyou's event push: msgSignature checked with the app secret, encrypt decrypted with the encodingAesKey, recorded once per eventId and answered `success` at once.");
        pushes.MapPost("/zoho-crm/notify", (HttpRequest r, ConnectorPushes p, CancellationToken ct) => AnswerAsync(r, p.ZohoAsync, ct))
            .WithName("ZohoCrmNotify").Accepts<ZohoNotificationBody>("application/json").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Zoho CRM's change notification (actions/watch): the token checked, recorded once, answered at once; the named records are re-read later.");

        app.MapPost("/api/connectors/zoho-crm/watch", WatchAsync).WithTags("Integration").RequireAuthorization(IntegrationPolicies.ManageConnectors)
            .WithName("WatchZohoCrm").ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway)
            .WithSummary("Registers (or renews) Orderly's Zoho notification channel with actions/watch, with a token Zoho echoes in every notification; the job connector-channels keeps it alive.");
        app.MapGet("/api/connectors/zoho-crm/watch", GetWatchAsync).WithTags("Integration").RequireAuthorization(IntegrationPolicies.ManageConnectors)
            .WithName("GetZohoCrmWatch").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The registered Zoho notification channel: its events, URL, expiry, last renewal and the last renewal error.");
    }

    private static async Task<IResult> AnswerAsync(HttpRequest request, Func<byte[], CancellationToken, Task<PushAnswer>> handle, CancellationToken ct)
    {
        if (request.ContentLength > ConnectorPushes.MaxBody)
        {
            return Problem(new PushAnswer(StatusCodes.Status413PayloadTooLarge, "TooLarge", $"A push is at most {ConnectorPushes.MaxBody} bytes."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > ConnectorPushes.MaxBody)
            {
                return Problem(new PushAnswer(StatusCodes.Status413PayloadTooLarge, "TooLarge", $"A push is at most {ConnectorPushes.MaxBody} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        PushAnswer answer;
        try
        {
            answer = await handle(buffer.ToArray(), ct);
        }
        catch (InvalidOperationException e) when (e.Source == "System.Text.Json")
        {
            // A JSON string that escapes a lone surrogate (\ud800) parses but cannot be read as text.
            answer = PushAnswer.Malformed("The body holds a string that is not valid Unicode.");
        }
        // The vendors want the plain word "success" (Fxiaoke and Yonyou retry otherwise; Zoho wants any 2xx).
        return answer.Status == StatusCodes.Status200OK ? TypedResults.Text("success", "text/plain") : Problem(answer);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Problem(PushAnswer answer) =>
        TypedResults.Problem(answer.Message, statusCode: answer.Status, title: answer.Code, extensions: new Dictionary<string, object?> { ["code"] = answer.Code });

    private static async Task<IResult> WatchAsync(ZohoWatchRequest request, ZohoChannels channels, CancellationToken ct)
    {
        if (!Uri.TryCreate(request.NotifyUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || request.NotifyUrl.Length > Domain.Integration.ConnectorChannel.NotifyUrlMaxLength)
        {
            throw new Domain.Common.RuleViolationException("notifyUrl", "InvalidUrl", "notifyUrl is the absolute http(s) URL Zoho posts to.");
        }

        var events = request.Events is { Count: > 0 } given ? given : ["Accounts.all", "Products.all", "Sales_Orders.all"];
        if (events.Count > 50 || events.Any(e => e is null || e.Length is 0 or > 100 || !System.Text.RegularExpressions.Regex.IsMatch(e, @"^[A-Za-z0-9_]+\.(all|create|edit|delete)$")))
        {
            throw new Domain.Common.RuleViolationException("events", "InvalidEvents", "events are at most 50 names like Sales_Orders.all or Accounts.edit.");
        }

        try
        {
            return TypedResults.Ok(await channels.RegisterAsync(url.ToString(), events, ct));
        }
        catch (ConnectorException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Connector failed", extensions: new Dictionary<string, object?> { ["code"] = e.Code });
        }
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.Ok<ZohoChannelDto>> GetWatchAsync(ZohoChannels channels, CancellationToken ct) =>
        TypedResults.Ok(await channels.GetAsync(ct) ?? throw new Infrastructure.NotFoundException("Zoho notification channel", ConnectorKinds.ZohoCrm));
}

/// <summary>
/// Re-reads what a vendor push named, through the outbox (so the push is answered at once and the work is retried with
/// backoff when the vendor is down): one inbound sync of the object type the push concerns, the same sweep as a
/// scheduled or manual sync, idempotent through the external-id map.
/// </summary>
public sealed class ConnectorPushSync(string kind, ConnectorService connectors, ILogger<ConnectorPushSync> log) : IEventSubscriber
{
    private sealed record Payload(string Connector, string? ObjectType);

    public string Name => $"connector-pull:{kind}";

    public bool Wants(EventEnvelope e) => e.Type == nameof(ConnectorChangeReceived) && e.Data<Payload>().Connector == kind;

    public async Task HandleAsync(EventEnvelope e, CancellationToken ct)
    {
        if (await connectors.EnabledClientAsync(kind, ct) is null)
        {
            return;
        }

        var change = e.Data<Payload>();
        var result = await connectors.SyncAsync(kind, ct, change.ObjectType, incremental: true);
        log.LogInformation("{Connector} push {Event}: {Created} created, {Updated} updated, {Failed} failed", kind, e.Id, result.Created, result.Updated, result.Failed);
    }
}
