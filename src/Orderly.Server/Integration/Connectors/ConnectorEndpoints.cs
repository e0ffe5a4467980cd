using Microsoft.AspNetCore.Http.HttpResults;

namespace Orderly.Server.Integration;

public static class ConnectorEndpoints
{
    public static void MapConnectorEndpoints(this IEndpointRouteBuilder app)
    {
        var connectors = app.MapGroup("/api/connectors").WithTags("Integration").RequireAuthorization(IntegrationPolicies.ManageConnectors);
        connectors.MapGet("/", ListAsync).WithName("ListConnectors").WithSummary("Every connector with its settings (never its secrets, only which are set) and last sync.");
        connectors.MapPut("/{kind}", SaveAsync).WithName("SaveConnector")
            .WithSummary("Sets a connector's settings and secrets (encrypted at rest; a secret sent empty is removed, one left out is kept).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        connectors.MapPost("/{kind}/test", TestAsync).WithName("TestConnector").WithSummary("Tries the connector's credentials with one cheap call.");
        connectors.MapPost("/{kind}/sync", SyncAsync).WithName("SyncConnector").WithSummary("Runs one sync now and answers its per-record counts; the log has each record's outcome.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        connectors.MapGet("/{kind}/log", LogAsync).WithName("GetConnectorLog").WithSummary("The sync log, newest first: one entry per record and run.");
    }

    private static async Task<Ok<List<ConnectorDto>>> ListAsync(ConnectorService connectors, CancellationToken ct) => TypedResults.Ok(await connectors.ListAsync(ct));

    private static async Task<Ok<ConnectorDto>> SaveAsync(string kind, ConnectorRequest request, ConnectorService connectors, CancellationToken ct) =>
        TypedResults.Ok(await connectors.SaveAsync(kind, request, ct));

    private static async Task<Ok<ConnectorTestResult>> TestAsync(string kind, ConnectorService connectors, CancellationToken ct) =>
        TypedResults.Ok(await connectors.TestAsync(kind, ct));

    private static async Task<Results<Ok<SyncResult>, ProblemHttpResult>> SyncAsync(string kind, ConnectorService connectors, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await connectors.SyncAsync(kind, ct));
        }
        catch (ConnectorException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "Connector failed", extensions: new Dictionary<string, object?> { ["code"] = e.Code });
        }
    }

    private static async Task<Ok<List<SyncLogDto>>> LogAsync(string kind, Guid? runId, int? limit, ConnectorService connectors, CancellationToken ct) =>
        TypedResults.Ok(await connectors.LogAsync(kind, runId, limit, ct));
}
