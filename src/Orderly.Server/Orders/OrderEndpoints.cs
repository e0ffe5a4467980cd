using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orderly.Domain.Orders;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Orders;

public static class OrderEndpoints
{
    public static void MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization(Policies.Read);
        orders.MapPost("/", CreateAsync).WithName("CreateOrder").AcceptsIdempotencyKey().RequireAuthorization(Policies.EnterOrders)
            .RequireRateLimiting(Hardening.OrderEntryLimit)
            .Produces<OrderDto>(StatusCodes.Status201Created)
            .WithSummary("Enters a draft order, or with \"submit\": true places and submits it in one transaction; send an Idempotency-Key to make retries safe.");
        orders.MapPost("/check", CheckAsync).WithName("CheckOrder").RequireAuthorization(Policies.EnterOrders)
            .WithSummary("Runs the entry checks on an order as typed, without saving it.");
        orders.MapGet("/{id:guid}", GetAsync).WithName("GetOrder").WithSummary("One order with lines, reservations, status history, allowed actions and its ETag.");
        orders.MapGet("/", ListAsync).WithName("ListOrders").WithSummary("Orders, filtered by status, customer, date and text, newest first, a page at a time; a sales rep sees their own.");
        orders.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateDraftOrder").WithSummary("Replaces the lines and header of a draft order; send the ETag you read in If-Match.").RequiresIfMatch().RequireAuthorization(Policies.EnterOrders);

        orders.MapPost("/{id:guid}/submit", (Guid id, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.SubmitAsync(id, Actor(h), p, ct), ct)).WithName("SubmitOrder").WithSummary("Submits a draft: confirmed and reserved at once, or sent for approval when a rule asks for it.").HonoursIfMatch().RequireAuthorization(Policies.EnterOrders);
        orders.MapPost("/{id:guid}/approve", (Guid id, ReasonInput? input, OrderService s, OrderQueries q, HttpContext h, Platform.PermissionTable t, CancellationToken ct) =>
            Transition(h, q, id, p => s.ApproveAsync(id, input?.Reason, Actor(h), ApproverRoles(h, t), p, ct), ct)).WithName("ApproveOrder").WithSummary("Approves an order pending approval; it is then confirmed and its stock reserved.").HonoursIfMatch().RequireAuthorization(Policies.ApproveOrders);
        orders.MapPost("/{id:guid}/reject", (Guid id, ReasonInput input, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.RejectAsync(id, input.Reason, Actor(h), p, ct), ct)).WithName("RejectOrder").WithSummary("Rejects an order pending approval, with a reason.").HonoursIfMatch().RequireAuthorization(Policies.ApproveOrders);
        orders.MapPost("/{id:guid}/hold", (Guid id, ReasonInput input, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.HoldAsync(id, input.Reason, Actor(h), p, ct), ct)).WithName("HoldOrder").WithSummary("Puts a confirmed order on hold, with a reason; nothing ships while it is held.").HonoursIfMatch().RequireAuthorization(Policies.ApproveOrders);
        orders.MapPost("/{id:guid}/release", (Guid id, ReasonInput? input, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.ReleaseAsync(id, input?.Reason, Actor(h), p, ct), ct)).WithName("ReleaseOrder").WithSummary("Releases an order from hold back to the status it had.").HonoursIfMatch().RequireAuthorization(Policies.ApproveOrders);
        orders.MapPost("/{id:guid}/cancel", (Guid id, ReasonInput input, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.CancelAsync(id, input.Reason, Actor(h), p, ct), ct)).WithName("CancelOrder").WithSummary("Cancels an order that has not shipped, with a reason; its reservations are released.").HonoursIfMatch().RequireAuthorization(Policies.EnterOrders);
        orders.MapPost("/{id:guid}/deliver", (Guid id, OrderService s, OrderQueries q, HttpContext h, CancellationToken ct) =>
            Transition(h, q, id, p => s.DeliverAsync(id, Actor(h), p, ct), ct)).WithName("DeliverOrder").WithSummary("Records that a shipped order was delivered.").HonoursIfMatch().RequireAuthorization(Policies.Fulfil);
        orders.MapPost("/{id:guid}/shipments", ShipAsync).WithName("ShipOrder").WithSummary("Records a shipment of some or all reserved quantities, with carrier and tracking number.").HonoursIfMatch().RequireAuthorization(Policies.Fulfil);
    }

    private static async Task<IResult> CreateAsync(
        OrderInput input, HttpContext http, OrderService orders, OrderQueries queries, Idempotency idempotency,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var actor = Actor(http);
        return await idempotency.CreateAsync<OrderInput, OrderDto>(http, json.Value.SerializerOptions, "orders", actor, input,
            async beforeCommit =>
            {
                // The reply is the order as this unit wrote it (not read back); the stored reply is built inside the
                // transaction, so a replay equals the first answer.
                OrderDto? stored = null;
                var order = await orders.CreateAsync(input, actor, beforeCommit is null ? null : async (order, token) =>
                {
                    await http.RequestServices.GetRequiredService<Data.OrderlyDbContext>().SaveChangesAsync(token);
                    stored = await queries.WrittenAsync(order, token);
                    await beforeCommit(stored, token);
                }, ct);
                return stored ?? await queries.WrittenAsync(order, ct);
            },
            dto => $"/api/orders/{dto.Id}", dto => ETags.Write(http, dto.Version));
    }

    private static async Task<Ok<EntryCheckDto>> CheckAsync(OrderInput input, OrderService orders, Inventory.Availability availability, CancellationToken ct)
    {
        var check = await orders.CheckAsync(input, null, ct);
        var promises = new List<LinePromiseDto>();
        var knownProducts = check.Lines.Select(l => l.ProductId).ToHashSet();
        for (var i = 0; i < input.Lines.Length; i++)
        {
            var line = input.Lines[i];
            if (knownProducts.Contains(line.ProductId) && line.Quantity > 0)
            {
                var found = await availability.ForAsync(line.ProductId, line.Quantity, ct);
                promises.Add(new LinePromiseDto(i, line.ProductId, line.Quantity, found.Warehouses.Sum(w => w.Available), found.EarliestDate, found.EarliestWarehouseId));
            }
        }

        return TypedResults.Ok(new EntryCheckDto(check.IsValid, check.Total.Amount, check.Currency, check.Errors, check.Warnings, promises));
    }

    private static async Task<Ok<OrderDto>> GetAsync(Guid id, OrderQueries queries, HttpContext http, CancellationToken ct)
    {
        var order = await queries.GetAsync(id, ct);
        ETags.Write(http, order.Version);
        return TypedResults.Ok(order);
    }

    private static async Task<Ok<Page<OrderSummaryDto>>> ListAsync(
        OrderQueries queries, OrderStatus? status, Guid? customerId, DateOnly? from, DateOnly? to, string? q, int? limit, string? cursor,
        CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(status, customerId, from, to, q, limit, cursor, ct));

    private static async Task<Ok<OrderDto>> UpdateAsync(Guid id, OrderInput input, OrderService orders, OrderQueries queries, HttpContext http, CancellationToken ct)
    {
        await orders.UpdateDraftAsync(id, input, order => ETags.RequireMatch(http, order), ct);
        return await Reply(http, queries, id, ct);
    }

    private static async Task<Created<ShipmentResult>> ShipAsync(
        Guid id, ShipmentInput input, OrderService orders, OrderQueries queries, HttpContext http, CancellationToken ct)
    {
        var shipments = await orders.ShipAsync(id, input, Actor(http), IfMatch(http), ct);
        var order = await queries.GetAsync(id, ct);
        ETags.Write(http, order.Version);
        var dtos = shipments.Select(s => new ShipmentDto(s.Id, s.WarehouseId, s.SupplierId, s.Carrier, s.TrackingNumber, s.ShippedAt,
            [.. s.Lines.Select(l => new ShipmentLineInput(l.OrderLineId, l.Quantity))])).ToList();
        return TypedResults.Created($"/api/orders/{id}", new ShipmentResult(dtos, order));
    }

    private static async Task<Ok<OrderDto>> Transition(HttpContext http, OrderQueries queries, Guid id, Func<Action<SalesOrder>?, Task> change, CancellationToken ct)
    {
        await change(IfMatch(http));
        return await Reply(http, queries, id, ct);
    }

    private static async Task<Ok<OrderDto>> Reply(HttpContext http, OrderQueries queries, Guid id, CancellationToken ct)
    {
        var order = await queries.GetAsync(id, ct);
        ETags.Write(http, order.Version);
        return TypedResults.Ok(order);
    }

    /// <summary>Transitions honour If-Match when the client sends it; the transition table guards them either way.</summary>
    private static Action<SalesOrder>? IfMatch(HttpContext http) =>
        http.Request.Headers.IfMatch.Count > 0 ? order => ETags.RequireMatch(http, order) : null;

    private static Guid? Actor(HttpContext http) => CurrentUser.PersonOf(http.User);

    /// <summary>The caller's roles that hold the approval policy: approval limits are per role.</summary>
    private static string[] ApproverRoles(HttpContext http, Platform.PermissionTable permissions) =>
        [.. permissions.RolesFor(Policies.ApproveOrders).Where(http.User.IsInRole)];
}
