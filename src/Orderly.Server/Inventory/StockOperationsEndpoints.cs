using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Common;
using Orderly.Domain.Inventory;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Inventory;

public sealed record StockLine(Guid ProductId, decimal Quantity);

public sealed record AdjustmentRequest(Guid WarehouseId, AdjustmentReason Reason, StockLine[] Lines, string? Note = null);

public sealed record AdjustmentLineDto(Guid ProductId, decimal Quantity, decimal? BookQuantity, decimal? CountedQuantity);

public sealed record AdjustmentDto(
    Guid Id, string Number, Guid WarehouseId, AdjustmentReason Reason, string? Note, DateTimeOffset At, Guid? ActorId, IReadOnlyList<AdjustmentLineDto> Lines)
{
    public static AdjustmentDto From(StockAdjustment a) => new(a.Id, a.Number, a.WarehouseId, a.Reason, a.Note, a.At, a.ActorId,
        [.. a.Lines.Select(l => new AdjustmentLineDto(l.ProductId, l.Quantity, l.BookQuantity, l.CountedQuantity))]);
}

public sealed record CountLineRequest(Guid ProductId, decimal CountedQuantity);

public sealed record CountRequest(Guid WarehouseId, CountLineRequest[] Lines, string? Note = null);

public sealed record CountLineDto(Guid ProductId, decimal BookQuantity, decimal CountedQuantity, decimal Difference);

public sealed record CountDto(Guid Id, string Number, Guid WarehouseId, string? Note, DateTimeOffset At, Guid? ActorId, IReadOnlyList<CountLineDto> Lines)
{
    public static CountDto From(StockAdjustment c) => new(c.Id, c.Number, c.WarehouseId, c.Note, c.At, c.ActorId,
        [.. c.Lines.Select(l => new CountLineDto(l.ProductId, l.BookQuantity ?? 0m, l.CountedQuantity ?? 0m, l.Quantity))]);
}

public sealed record TransferRequest(Guid FromWarehouseId, Guid ToWarehouseId, StockLine[] Lines, DateOnly? ExpectedArrival = null, string? Note = null);

public sealed record TransferCancelRequest(string? Reason = null);

public sealed record TransferDto(
    Guid Id, string Number, Guid FromWarehouseId, Guid ToWarehouseId, StockTransferStatus Status, DateOnly? ExpectedArrival, string? Note,
    DateTimeOffset CreatedAt, Guid? CreatedBy, DateTimeOffset? ReceivedAt, Guid? ReceivedBy, DateTimeOffset? CancelledAt, Guid? CancelledBy,
    string? CancelReason, int Version, IReadOnlyList<StockLine> Lines)
{
    public static TransferDto From(StockTransfer t) => new(t.Id, t.Number, t.FromWarehouseId, t.ToWarehouseId, t.Status, t.ExpectedArrival, t.Note,
        t.CreatedAt, t.CreatedBy, t.ReceivedAt, t.ReceivedBy, t.CancelledAt, t.CancelledBy, t.CancelReason, t.Version,
        [.. t.Lines.Select(l => new StockLine(l.ProductId, l.Quantity))]);
}

/// <summary>Adjustments, cycle counts, transfers between warehouses, the ledger export and availability-to-promise.</summary>
public static class StockOperationsEndpoints
{
    /// <summary>About 10 MB of CSV; a bigger export is refused (narrow the period) rather than silently cut short.</summary>
    public const int MaxExportRows = 100_000;

    public static void MapStockOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var inventory = app.MapGroup("/api/inventory").WithTags("Inventory").RequireAuthorization(Policies.Read);
        inventory.MapPost("/adjustments", AdjustAsync).WithName("AdjustStock").WithSummary("Corrects stock up or down with a reason; send an Idempotency-Key to make retries safe.").AcceptsIdempotencyKey().RequireAuthorization(Policies.ManageStock)
            .Produces<AdjustmentDto>(StatusCodes.Status201Created);
        inventory.MapGet("/adjustments", ListAdjustmentsAsync).WithName("ListStockAdjustments").WithSummary("Stock adjustments, newest first, a page at a time.");
        inventory.MapGet("/adjustments/{id:guid}", GetAdjustmentAsync).WithName("GetStockAdjustment").WithSummary("One stock adjustment with its lines.");
        inventory.MapPost("/counts", CountAsync).WithName("CountStock").WithSummary("Books a cycle count: the counted quantity becomes on hand, the difference is a ledger entry.").AcceptsIdempotencyKey().ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(Policies.ManageStock)
            .Produces<CountDto>(StatusCodes.Status201Created);
        inventory.MapGet("/counts/{id:guid}", GetCountAsync).WithName("GetStockCount").WithSummary("One cycle count with its counted and booked quantities.");
        inventory.MapPost("/transfers", SendAsync).WithName("TransferStock").WithSummary("Sends stock from one warehouse to another; it is in transit until received.").AcceptsIdempotencyKey().RequireAuthorization(Policies.ManageStock)
            .Produces<TransferDto>(StatusCodes.Status201Created);
        inventory.MapGet("/transfers", ListTransfersAsync).WithName("ListStockTransfers").WithSummary("Transfers between warehouses, by status, a page at a time.");
        inventory.MapGet("/transfers/{id:guid}", GetTransferAsync).WithName("GetStockTransfer").WithSummary("One transfer with its lines and status.");
        inventory.MapPost("/transfers/{id:guid}/receive", ReceiveAsync).WithName("ReceiveStockTransfer").WithSummary("Receives a transfer at its destination; 409 when it is no longer in transit.").HonoursIfMatch().RequireAuthorization(Policies.ManageStock);
        inventory.MapPost("/transfers/{id:guid}/cancel", CancelAsync).WithName("CancelStockTransfer").WithSummary("Cancels a transfer in transit and returns its stock to the source; 409 when already received.").HonoursIfMatch().RequireAuthorization(Policies.ManageStock);
        inventory.MapGet("/ledger/export", ExportLedgerAsync).WithName("ExportStockLedger").WithSummary("The stock ledger of a period as CSV; a period too large to export is refused, never cut short.").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        inventory.MapGet("/availability", AvailabilityAsync).WithName("GetAvailability").WithSummary("Available-to-promise for a product: per warehouse now, and the earliest date the quantity can be had.");
    }

    private static async Task<IResult> AdjustAsync(
        AdjustmentRequest request, StockOperations operations, StockMovements movements, Idempotency idempotency, IOptions<JsonOptions> json, HttpContext http,
        CancellationToken ct)
    {
        var lines = await operations.CheckAdjustmentAsync(request, ct);
        var actor = CurrentUser.IdOf(http.User);
        return await idempotency.CreateAsync<AdjustmentRequest, AdjustmentDto>(http, json.Value.SerializerOptions, "inventory-adjustments", actor, request,
            async beforeCommit => AdjustmentDto.From(await movements.AdjustAsync(request.WarehouseId, request.Reason, request.Note, lines, actor,
                Map<StockAdjustment, AdjustmentDto>(beforeCommit, AdjustmentDto.From), ct)),
            dto => $"/api/inventory/adjustments/{dto.Id}");
    }

    private static async Task<Ok<Page<AdjustmentDto>>> ListAdjustmentsAsync(
        OrderlyDbContext db, Guid? warehouseId, Guid? productId, AdjustmentReason? reason, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.StockAdjustments.AsNoTracking();
        if (warehouseId is { } w)
        {
            query = query.Where(a => a.WarehouseId == w);
        }

        if (productId is { } p)
        {
            query = query.Where(a => a.Lines.Any(l => l.ProductId == p));
        }

        if (reason is { } r)
        {
            query = query.Where(a => a.Reason == r);
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(a => a.Id.CompareTo(before) < 0);
        }

        var fetched = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(fetched.ConvertAll(AdjustmentDto.From), take, a => a.Id));
    }

    private static async Task<Ok<AdjustmentDto>> GetAdjustmentAsync(Guid id, OrderlyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(AdjustmentDto.From(await db.StockAdjustments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct)
            ?? throw new NotFoundException("Stock adjustment", id)));

    private static async Task<IResult> CountAsync(
        CountRequest request, StockOperations operations, StockMovements movements, Idempotency idempotency, IOptions<JsonOptions> json, HttpContext http,
        CancellationToken ct)
    {
        var lines = await operations.CheckCountAsync(request, ct);
        var actor = CurrentUser.IdOf(http.User);
        return await idempotency.CreateAsync<CountRequest, CountDto>(http, json.Value.SerializerOptions, "inventory-counts", actor, request,
            async beforeCommit => CountDto.From(await movements.CountAsync(request.WarehouseId, request.Note, lines, actor, Map<StockAdjustment, CountDto>(beforeCommit, CountDto.From), ct)),
            dto => $"/api/inventory/counts/{dto.Id}");
    }

    private static async Task<Ok<CountDto>> GetCountAsync(Guid id, OrderlyDbContext db, CancellationToken ct) =>
        TypedResults.Ok(CountDto.From(await db.StockAdjustments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.Reason == AdjustmentReason.Count, ct)
            ?? throw new NotFoundException("Stock count", id)));

    private static async Task<IResult> SendAsync(
        TransferRequest request, StockOperations operations, StockMovements movements, Idempotency idempotency,
        IOptions<JsonOptions> json, HttpContext http, CancellationToken ct)
    {
        var lines = await operations.CheckTransferAsync(request, ct);
        var actor = CurrentUser.IdOf(http.User);
        return await idempotency.CreateAsync<TransferRequest, TransferDto>(http, json.Value.SerializerOptions, "inventory-transfers", actor, request,
            async beforeCommit => TransferDto.From(await movements.SendAsync(request.FromWarehouseId, request.ToWarehouseId, request.ExpectedArrival,
                request.Note, lines, actor, Map<StockTransfer, TransferDto>(beforeCommit, TransferDto.From), ct)),
            dto => $"/api/inventory/transfers/{dto.Id}");
    }

    private static async Task<Ok<Page<TransferDto>>> ListTransfersAsync(
        OrderlyDbContext db, StockTransferStatus? status, Guid? warehouseId, Guid? productId, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = db.StockTransfers.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(t => t.Status == s);
        }

        if (warehouseId is { } w)
        {
            query = query.Where(t => t.FromWarehouseId == w || t.ToWarehouseId == w);
        }

        if (productId is { } p)
        {
            query = query.Where(t => t.Lines.Any(l => l.ProductId == p));
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(t => t.Id.CompareTo(before) < 0);
        }

        var fetched = await query.OrderByDescending(t => t.Id).Take(take + 1).ToListAsync(ct);
        return TypedResults.Ok(Paging.From(fetched.ConvertAll(TransferDto.From), take, t => t.Id));
    }

    private static async Task<Ok<TransferDto>> GetTransferAsync(Guid id, OrderlyDbContext db, HttpContext http, CancellationToken ct)
    {
        var transfer = await db.StockTransfers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Stock transfer", id);
        ETags.Write(http, transfer.Version);
        return TypedResults.Ok(TransferDto.From(transfer));
    }

    private static async Task<Ok<TransferDto>> ReceiveAsync(Guid id, StockMovements movements, HttpContext http, CancellationToken ct) =>
        Reply(http, await movements.ReceiveAsync(id, IfMatch(http), CurrentUser.IdOf(http.User), ct));

    private static async Task<Ok<TransferDto>> CancelAsync(Guid id, TransferCancelRequest? request, StockMovements movements, HttpContext http, CancellationToken ct) =>
        Reply(http, await movements.CancelAsync(id, request?.Reason, IfMatch(http), CurrentUser.IdOf(http.User), ct));

    private static async Task<Ok<AvailabilityDto>> AvailabilityAsync(Guid productId, decimal? quantity, Availability availability, CancellationToken ct)
    {
        var wanted = quantity ?? 1m;
        if (wanted <= 0 || wanted > Quantity.Max || !Quantity.HasAtMostMaxDecimals(wanted))
        {
            throw new RuleViolationException("quantity", "InvalidQuantity", $"The quantity is positive, at most {Quantity.Max}, with at most {Quantity.MaxDecimals} decimals.");
        }

        return TypedResults.Ok(await availability.ForAsync(productId, wanted, ct));
    }

    /// <summary>
    /// The ledger as CSV for Excel: UTF-8 with a byte order mark (else Excel guesses a legacy code page and garbles
    /// Chinese), CRLF line ends, RFC 4180 quoting, streamed row by row.
    /// </summary>
    private static async Task<PushStreamHttpResult> ExportLedgerAsync(
        OrderlyDbContext db, DataScope scope, BusinessCalendar calendar, Guid? productId, Guid? warehouseId, StockMovementKind? kind, DateTimeOffset? from,
        DateTimeOffset? to, CancellationToken ct)
    {
        var entries = StockOperations.FilterLedger(db.StockLedger.AsNoTracking(), productId, warehouseId, kind, from, to);

        if (await entries.OrderBy(e => e.Id).Skip(MaxExportRows).AnyAsync(ct))
        {
            throw new RuleViolationException("to", "ExportTooLarge",
                $"More than {MaxExportRows} ledger entries match; narrow the period, product or warehouse.");
        }

        // A scoped caller (a rep) sees movements caused by other reps' orders without the order's id or number.
        var hidden = await scope.HiddenOrderCausesAsync(
            await entries.Where(e => e.CauseType == StockService.OrderCause).Select(e => e.CauseId).Distinct().ToListAsync(ct), ct);
        var rows = entries
            .Join(db.ProductRefs(), e => e.ProductId, pr => pr.Id, (e, pr) => new { e, pr.Sku, ProductName = pr.Name })
            .Join(db.Warehouses, x => x.e.WarehouseId, wh => wh.Id, (x, wh) => new { x.e, x.Sku, x.ProductName, wh.Code, WarehouseName = wh.Name })
            .OrderBy(x => x.e.Id)
            .Take(MaxExportRows)
            .AsAsyncEnumerable();
        var fileName = $"stock-ledger-{calendar.Today:yyyyMMdd}.csv";
        return TypedResults.Stream(async stream =>
        {
            await stream.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16) { NewLine = "\r\n" };
            await writer.WriteLineAsync(
                "at_utc,local_time,kind,sku,product_name,warehouse_code,warehouse_name,on_hand_delta,reserved_delta,cause_type,cause_id,note,actor_id,entry_id");
            await foreach (var x in rows.WithCancellation(ct))
            {
                var e = x.e;
                var isHidden = e.CauseType == StockService.OrderCause && hidden.Contains(e.CauseId);
                await writer.WriteLineAsync(string.Join(',',
                    e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                    TimeZoneInfo.ConvertTime(e.At, calendar.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    e.Kind.ToString(),
                    CsvText(x.Sku),
                    CsvText(x.ProductName),
                    CsvText(x.Code),
                    CsvText(x.WarehouseName),
                    CsvNumber(e.OnHandDelta),
                    CsvNumber(e.ReservedDelta),
                    CsvText(e.CauseType),
                    isHidden ? "" : e.CauseId.ToString("D"),
                    CsvText(isHidden ? null : e.Note),
                    e.ActorId?.ToString("D") ?? "",
                    e.Id.ToString("D")));
            }

            await writer.FlushAsync(ct);
        }, "text/csv; charset=utf-8", fileName);
    }

    /// <summary>
    /// One RFC 4180 field. Text that a spreadsheet would run as a formula (leading =, +, -, @, tab, CR) gets a
    /// leading apostrophe: a note typed by one user must not execute on another's machine when opened in Excel.
    /// </summary>
    public static string CsvText(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string CsvNumber(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static Func<T, CancellationToken, Task>? Map<T, TDto>(Func<TDto, CancellationToken, Task>? beforeCommit, Func<T, TDto> toDto) =>
        beforeCommit is null ? null : (value, token) => beforeCommit(toDto(value), token);

    private static Ok<TransferDto> Reply(HttpContext http, StockTransfer transfer)
    {
        ETags.Write(http, transfer.Version);
        return TypedResults.Ok(TransferDto.From(transfer));
    }

    /// <summary>Transitions honour If-Match when the client sends it; the status check guards them either way.</summary>
    private static Action<StockTransfer>? IfMatch(HttpContext http) =>
        http.Request.Headers.IfMatch.Count > 0 ? transfer => ETags.RequireMatch(http, transfer) : null;
}
