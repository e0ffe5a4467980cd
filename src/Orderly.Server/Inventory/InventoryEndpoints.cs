using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

public sealed record WarehouseRequest(string Code, string Name, string? Region = null, bool? IsActive = null, string? NameEn = null);

public sealed record WarehouseDto(Guid Id, string Code, string Name, string? Region, bool IsActive, int Version, string? NameEn = null)
{
    public static WarehouseDto From(Warehouse w) => new(w.Id, w.Code, w.Name, w.Region, w.IsActive, w.Version, w.NameEn);
}

public sealed record ReceiptLineRequest(Guid ProductId, decimal Quantity);

public sealed record ReceiptRequest(Guid WarehouseId, ReceiptLineRequest[] Lines, string? Reference = null);

public sealed record ReceiptDto(Guid Id, Guid WarehouseId, string? Reference, DateTimeOffset ReceivedAt, IReadOnlyList<ReceiptLineRequest> Lines);

public sealed record StockItemDto(Guid ProductId, string Sku, string ProductName, Guid WarehouseId, string WarehouseCode, decimal OnHand, decimal Reserved, decimal Available, decimal Incoming = 0m);

public sealed record StockList(IReadOnlyList<StockItemDto> Items);

public sealed record LedgerEntryDto(
    Guid Id, Guid ProductId, Guid WarehouseId, StockMovementKind Kind, decimal OnHandDelta, decimal ReservedDelta,
    string CauseType, Guid CauseId, DateTimeOffset At, Guid? ActorId, string? Note);

public static class InventoryEndpoints
{
    public static void MapInventoryEndpoints(this IEndpointRouteBuilder app)
    {
        var warehouses = app.MapGroup("/api/warehouses").WithTags("Inventory").RequireAuthorization(Policies.Read);
        warehouses.MapPost("/", CreateWarehouseAsync).WithName("CreateWarehouse").WithSummary("Creates a warehouse; the code must be unused.").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageStock);
        warehouses.MapGet("/", ListWarehousesAsync).WithName("ListWarehouses").WithSummary("Warehouses, a page at a time.");
        warehouses.MapGet("/{id:guid}", GetWarehouseAsync).WithName("GetWarehouse").WithSummary("One warehouse.");
        warehouses.MapPut("/{id:guid}", UpdateWarehouseAsync).WithName("UpdateWarehouse").WithSummary("Changes a warehouse's name, region, priority or active flag.").RequireAuthorization(Policies.ManageStock);

        var inventory = app.MapGroup("/api/inventory").WithTags("Inventory").RequireAuthorization(Policies.Read);
        inventory.MapPost("/receipts", ReceiveAsync).WithName("ReceiveStock").WithSummary("Books goods received into a warehouse: on hand goes up and backorders may be filled.").RequireAuthorization(Policies.ManageStock);
        inventory.MapGet("/stock", StockAsync).WithName("GetStock").WithSummary("On hand, reserved and available per product and warehouse.");
        inventory.MapGet("/ledger", LedgerAsync).WithName("GetStockLedger").WithSummary("The immutable stock movements (receipts, reservations, shipments, adjustments, transfers), newest first.");
    }

    private static async Task<Created<WarehouseDto>> CreateWarehouseAsync(WarehouseRequest request, WarehouseService warehouses, HttpContext http, CancellationToken ct)
    {
        var warehouse = await warehouses.AddAsync(request, ct);
        ETags.Write(http, warehouse.Version);
        return TypedResults.Created($"/api/warehouses/{warehouse.Id}", WarehouseDto.From(warehouse));
    }

    private static async Task<Ok<Page<WarehouseDto>>> ListWarehousesAsync(OrderlyDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.Warehouses.AsNoTracking();
        if (Paging.ParseCursor(cursor) is { } after)
        {
            query = query.Where(w => w.Id.CompareTo(after) > 0);
        }

        var fetched = await query.OrderBy(w => w.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(fetched.ConvertAll(WarehouseDto.From), take, w => w.Id));
    }

    private static async Task<Ok<WarehouseDto>> GetWarehouseAsync(Guid id, OrderlyDbContext db, HttpContext http, CancellationToken ct)
    {
        var warehouse = await db.Warehouses.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) ?? throw new NotFoundException("Warehouse", id);
        ETags.Write(http, warehouse.Version);
        return TypedResults.Ok(WarehouseDto.From(warehouse));
    }

    private static async Task<Ok<WarehouseDto>> UpdateWarehouseAsync(Guid id, WarehouseRequest request, OrderlyDbContext db, Writes writes, HttpContext http, CancellationToken ct)
    {
        var warehouse = await writes.RunAsync(async token =>
        {
            var warehouse = await db.Warehouses.FirstOrDefaultAsync(w => w.Id == id, token) ?? throw new NotFoundException("Warehouse", id);
            ETags.RequireMatch(http, warehouse);
            warehouse.Update(request.Code, request.Name, request.Region, request.IsActive ?? warehouse.IsActive, request.NameEn);
            await Uniqueness.EnsureFreeAsync(db.Warehouses.AnyAsync(w => w.Code == warehouse.Code && w.Id != id, token), "code", $"Warehouse code '{warehouse.Code}' is taken.");
            return warehouse;
        }, ct);
        ETags.Write(http, warehouse.Version);
        return TypedResults.Ok(WarehouseDto.From(warehouse));
    }

    private static async Task<Created<ReceiptDto>> ReceiveAsync(ReceiptRequest request, StockReceiving receiving, HttpContext http, CancellationToken ct)
    {
        var receipt = await receiving.ReceiveAsync(request, CurrentUser.IdOf(http.User), ct);
        return TypedResults.Created($"/api/inventory/receipts/{receipt.Id}",
            new ReceiptDto(receipt.Id, receipt.WarehouseId, receipt.Reference, receipt.ReceivedAt, [.. receipt.Lines.Select(l => new ReceiptLineRequest(l.ProductId, l.Quantity))]));
    }

    private static async Task<Ok<StockList>> StockAsync(OrderlyDbContext db, Guid? productId, Guid? warehouseId, CancellationToken ct)
    {
        var balances = db.StockBalances.AsNoTracking();
        if (productId is { } p)
        {
            balances = balances.Where(b => b.ProductId == p);
        }

        if (warehouseId is { } w)
        {
            balances = balances.Where(b => b.WarehouseId == w);
        }

        var rows = await balances
            .Join(db.ProductRefs(), b => b.ProductId, p => p.Id, (b, p) => new { b, p.Sku, p.Name })
            .Join(db.Warehouses, x => x.b.WarehouseId, w => w.Id, (x, w) => new { x.b, x.Sku, x.Name, w.Code })
            .OrderBy(x => x.Sku).ThenBy(x => x.Code)
            .Take(5000)
            .ToListAsync(ct);
        var incoming = await Availability.IncomingAsync(db, productId, warehouseId, ct);
        return TypedResults.Ok(new StockList([.. rows.Select(x =>
            new StockItemDto(x.b.ProductId, x.Sku, x.Name, x.b.WarehouseId, x.Code, x.b.OnHand, x.b.Reserved, x.b.Available,
                incoming.GetValueOrDefault((x.b.ProductId, x.b.WarehouseId))))]));
    }

    private static async Task<Ok<Page<LedgerEntryDto>>> LedgerAsync(
        OrderlyDbContext db, DataScope scope, Guid? productId, Guid? warehouseId, StockMovementKind? kind, DateTimeOffset? from, DateTimeOffset? to,
        int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = StockOperations.FilterLedger(db.StockLedger.AsNoTracking(), productId, warehouseId, kind, from, to);

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(e => e.Id.CompareTo(before) < 0);
        }

        // Stock is everyone's business, but whose order caused a movement is not: a rep sees movements caused by
        // other reps' orders without the order's id or number.
        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct);
        var hidden = await scope.HiddenOrderCausesAsync(rows.Where(e => e.CauseType == StockService.OrderCause).Select(e => e.CauseId), ct);
        var fetched = rows.ConvertAll(e => hidden.Contains(e.CauseId) && e.CauseType == StockService.OrderCause
            ? new LedgerEntryDto(e.Id, e.ProductId, e.WarehouseId, e.Kind, e.OnHandDelta, e.ReservedDelta, e.CauseType, Guid.Empty, e.At, e.ActorId, null)
            : new LedgerEntryDto(e.Id, e.ProductId, e.WarehouseId, e.Kind, e.OnHandDelta, e.ReservedDelta, e.CauseType, e.CauseId, e.At, e.ActorId, e.Note));
        return TypedResults.Ok(Paging.From(fetched, take, e => e.Id));
    }
}
