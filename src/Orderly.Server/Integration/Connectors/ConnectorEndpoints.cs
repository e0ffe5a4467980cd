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
        connectors.MapGet("/{kind}/stock", StockAsync).WithName("GetConnectorStockReconciliation")
            .WithSummary("Orderly's on-hand stock against the ERP's latest complete stock read, per warehouse and SKU (a report: Orderly's ledger is never changed by it).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        connectors.MapGet("/mappings", MappingsAsync).WithName("ListConnectorMappings")
            .WithSummary("For each connector and object, in and out, which Orderly field maps to which field of the vendor (the maps the connectors use).");
    }

    private static async Task<Ok<StockReconciliationDto>> StockAsync(string kind, string? status, int? limit, string? cursor, ErpStocks stocks, CancellationToken ct) =>
        TypedResults.Ok(await stocks.ReconcileAsync(kind, status, limit, cursor, ct));

    private static Task<Ok<List<ConnectorMappingDto>>> MappingsAsync() => Task.FromResult(TypedResults.Ok(ConnectorMappings.All()));

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
