using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Orders;
using Orderly.Domain.Purchasing;
using Orderly.Server.Catalog;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Inventory;

namespace Orderly.Server.Purchasing;

/// <summary>
/// The purchase order road: created (by hand, for a sales line, or from reorder suggestions), approved within the
/// approver's limit, sent (the PurchaseOrderSent event: Communication e-mails it), confirmed with promised dates,
/// received in parts through the one stock receiving flow (so backorders fill), or shipped by the supplier straight
/// to the customer (drop-ship), then closed or cancelled. Each change is one unit of work on a locked order.
/// </summary>
public sealed class PurchaseOrderService(
    OrderlyDbContext db, Writes writes, BusinessCalendar calendar, StockReceiving receiving, Reordering reordering,
    ScorecardService scorecards, IOptionsMonitor<PurchasingOptions> options)
{
    public async Task<(PurchaseOrder Order, IReadOnlyList<string> Warnings)> CreateAsync(
        PurchaseOrderRequest request, Guid? actor, Func<PurchaseOrder, IReadOnlyList<string>, CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.SupplierId, ct)
            ?? throw new RuleViolationException("supplierId", "UnknownSupplier", $"Supplier {request.SupplierId} does not exist.");
        var warnings = await CheckSupplierAsync(supplier, ct);
        if (!await db.Warehouses.AnyAsync(w => w.Id == request.WarehouseId, ct))
        {
            throw new RuleViolationException("warehouseId", "UnknownWarehouse", $"Warehouse {request.WarehouseId} does not exist.");
        }

        var lines = request.Lines ?? [];
        Guid? salesOrderId = null;
        var dropShip = false;
        if (request.SalesOrderLineId is { } salesLineId)
        {
            var salesLine = await db.OrderLines.AsNoTracking().Where(l => l.Id == salesLineId).Select(l => new { l.OrderId, l.ProductId }).FirstOrDefaultAsync(ct)
                ?? throw new RuleViolationException("salesOrderLineId", "UnknownSalesOrderLine", $"Sales order line {salesLineId} does not exist.");
            if (lines.Length != 1 || lines[0].ProductId != salesLine.ProductId)
            {
                throw new RuleViolationException("lines", "SalesLineMismatch", "A purchase order for a sales line has one line, of the sales line's product.");
            }

            salesOrderId = salesLine.OrderId;
            dropShip = await db.DropShipRequests.AnyAsync(r => r.OrderLineId == salesLineId && r.SupplierId == supplier.Id && r.Status == RequestStatus.Open, ct);
        }

        var inputs = await PriceAsync(supplier, lines.Select(l => (l.ProductId, l.Quantity, l.UnitPrice)).ToList(), request.SalesOrderLineId, ct);
        var order = await writes.RunAsync(async token =>
        {
            var number = await NextNumberAsync(token);
            var po = new PurchaseOrder(number, supplier.Id, request.WarehouseId, supplier.Currency, inputs, salesOrderId, dropShip, calendar.Now, actor);
            db.Set<PurchaseOrder>().Add(po);
            if (beforeCommit is not null)
            {
                await beforeCommit(po, warnings, token);
            }

            return po;
        }, ct);
        return (order, warnings);
    }

    /// <summary>
    /// One purchase order per supplier and warehouse from the reorder suggestions (all, or the picked ones): the
    /// preferred supplier for the product and warehouse, else the suggestion's; quantities rounded up to the MOQ and
    /// pack size. Suggestions without a supplier or price are skipped, with the reason.
    /// </summary>
    public async Task<FromSuggestionsResult> FromSuggestionsAsync(FromSuggestionsRequest request, Guid? actor, CancellationToken ct)
    {
        var suggestions = (await reordering.SuggestAsync(null, null, ct)).Items;
        var picks = request.Items;
        if (picks is { Length: > 500 })
        {
            throw new RuleViolationException("items", "TooMany", "At most 500 suggestions at once.");
        }

        var chosen = picks is null
            ? suggestions.Select(s => (s.ProductId, s.WarehouseId, Quantity: s.SuggestedQuantity, s.SupplierId)).ToList()
            : [.. picks.Select((p, i) =>
            {
                var s = suggestions.FirstOrDefault(x => x.ProductId == p.ProductId && x.WarehouseId == p.WarehouseId)
                    ?? throw new RuleViolationException($"items[{i}]", "NoSuggestion", $"No reorder suggestion for product {p.ProductId} in warehouse {p.WarehouseId}.");
                if (p.Quantity is { } q && (q <= 0 || q > Quantity.Max || !Quantity.HasAtMostMaxDecimals(q)))
                {
                    throw new RuleViolationException($"items[{i}].quantity", "InvalidQuantity", "A quantity is positive with at most 3 decimals.");
                }

                return (s.ProductId, s.WarehouseId, Quantity: p.Quantity ?? s.SuggestedQuantity, s.SupplierId);
            })];
        var productIds = chosen.Select(c => c.ProductId).Distinct().ToList();
        var preferred = await db.Set<PreferredSupplier>().AsNoTracking().Where(p => productIds.Contains(p.ProductId)).ToListAsync(ct);
        var skipped = new List<SkippedSuggestion>();
        var groups = new Dictionary<(Guid Supplier, Guid Warehouse), List<(Guid ProductId, decimal Quantity)>>();
        foreach (var c in chosen)
        {
            var supplierId = preferred.FirstOrDefault(p => p.ProductId == c.ProductId && p.WarehouseId == c.WarehouseId)?.SupplierId
                ?? preferred.FirstOrDefault(p => p.ProductId == c.ProductId && p.WarehouseId == null)?.SupplierId
                ?? c.SupplierId;
            if (supplierId is not { } s)
            {
                skipped.Add(new(c.ProductId, c.WarehouseId, "NoSupplier", "No active supplier lists the product."));
                continue;
            }

            (groups.TryGetValue((s, c.WarehouseId), out var list) ? list : groups[(s, c.WarehouseId)] = []).Add((c.ProductId, c.Quantity));
        }

        var created = new List<PurchaseOrderDto>();
        foreach (var ((supplierId, warehouseId), items) in groups.OrderBy(g => g.Key.Supplier).ThenBy(g => g.Key.Warehouse))
        {
            var supplier = await db.Suppliers.AsNoTracking().FirstAsync(x => x.Id == supplierId, ct);
            var lines = items.Select(i => new PurchaseOrderLineRequest(i.ProductId, supplier.ProductTerms(i.ProductId)?.RoundUp(i.Quantity) ?? i.Quantity)).ToArray();
            try
            {
                var (po, warnings) = await CreateAsync(new PurchaseOrderRequest(supplierId, warehouseId, lines), actor, null, ct);
                created.Add(PurchaseOrderDto.From(po, warnings));
            }
            catch (RuleViolationException e)
            {
                skipped.AddRange(items.Select(i => new SkippedSuggestion(i.ProductId, warehouseId, e.Code, e.Message)));
            }
        }

        return new FromSuggestionsResult(created, skipped);
    }

    public Task<PurchaseOrder> ApproveAsync(Guid id, Caller caller, CancellationToken ct) => ChangeAsync(id, null, (po, _) =>
    {
        if (!caller.IsInRole(Roles.Admin))
        {
            var limits = options.CurrentValue.ApproverLimits;
            var allowed = limits.Where(l => caller.IsInRole(l.Key)).Select(l => l.Value.TryGetValue(po.Currency, out var v) ? v : 0m).DefaultIfEmpty(-1m).Max();
            if (po.Total.Amount > allowed)
            {
                throw new RuleViolationException("total", "ApprovalLimitExceeded",
                    allowed < 0 ? "Your roles may not approve purchase orders." : $"{po.Total} is above your approval limit of {allowed} {po.Currency}.");
            }
        }

        po.Approve(calendar.Now, caller.PersonId);
        return Task.CompletedTask;
    }, ct);

    public Task<PurchaseOrder> SendAsync(Guid id, Guid? actor, CancellationToken ct) => ChangeAsync(id, null, async (po, token) =>
    {
        var email = await db.Suppliers.Where(s => s.Id == po.SupplierId).Select(s => s.Email).FirstOrDefaultAsync(token);
        po.Send(email, options.CurrentValue.Language, calendar.Now, actor);
    }, ct);

    public Task<PurchaseOrder> ConfirmAsync(Guid id, Guid? supplierScope, ConfirmRequest request, Guid? actor, CancellationToken ct) =>
        ChangeAsync(id, supplierScope, (po, _) =>
        {
            var lines = request.Lines ?? [];
            var today = calendar.Today;
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].PromisedDate < today.AddYears(-1) || lines[i].PromisedDate > today.AddYears(3))
                {
                    throw new RuleViolationException($"lines[{i}].promisedDate", "OutOfRange", "A promised date is within a year back and three years ahead.");
                }
            }

            po.Confirm([.. lines.Select(l => (l.LineId, l.Quantity, l.PromisedDate))], calendar.Now, actor);
            return Task.CompletedTask;
        }, ct);

    public Task<PurchaseOrder> ProposeAsync(Guid id, Guid supplierScope, ProposeRequest request, CancellationToken ct) =>
        ChangeAsync(id, supplierScope, (po, _) =>
        {
            var lines = request.Lines ?? [];
            if (lines.Length is 0 or > PurchaseOrder.MaxLines)
            {
                throw new RuleViolationException("lines", "LineCount", "1 to 500 lines.");
            }

            po.Propose([.. lines.Select(l => (l.LineId, l.ProposedDate))]);
            return Task.CompletedTask;
        }, ct);

    public Task<PurchaseOrder> CancelAsync(Guid id, string? reason, CancellationToken ct) =>
        ChangeAsync(id, null, (po, _) => { po.Cancel(Text.Optional(reason, "reason", 500), calendar.Now); return Task.CompletedTask; }, ct);

    public Task<PurchaseOrder> CloseAsync(Guid id, string? reason, CancellationToken ct) =>
        ChangeAsync(id, null, (po, _) => { po.Close(Text.Optional(reason, "reason", 500), calendar.Now); return Task.CompletedTask; }, ct);

    /// <summary>
    /// Goods arrived: the purchase order's quantities, then the accepted part through the stock receiving flow
    /// (stock in, backorders filled), all in one transaction. Rejected goods never enter stock.
    /// </summary>
    public async Task<(PurchaseOrder Order, PurchaseReceipt Receipt)> ReceiveAsync(Guid id, PurchaseReceiptRequest request, Guid? actor, CancellationToken ct)
    {
        var lines = request.Lines ?? [];
        var violations = new List<RuleViolation>();
        var reasons = lines.Select((l, i) => Text.Optional(l.Reason, $"lines[{i}].reason", 200, violations)).ToList();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Rejected is > 0 && reasons[i] is null)
            {
                violations.Add(new($"lines[{i}].reason", "Required", "A rejected quantity needs its reason."));
            }
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        PurchaseReceipt? receipt = null;
        var order = await ChangeAsync(id, null, async (po, token) =>
        {
            var received = po.Receive([.. lines.Select(l => new ReceiptLineInput(l.LineId, l.Quantity, l.Rejected ?? 0m))], options.CurrentValue.OverReceiptTolerancePercent, calendar.Now, actor);
            var accepted = received.Where(r => r.Accepted > 0).GroupBy(r => r.ProductId).Select(g => new ReceiptLineRequest(g.Key, g.Sum(r => r.Accepted))).ToArray();
            Guid? stockReceiptId = null;
            if (accepted.Length > 0)
            {
                stockReceiptId = (await receiving.ReceiveWithinAsync(new ReceiptRequest(po.WarehouseId, accepted, po.Number), actor, token)).Id;
            }

            receipt = new PurchaseReceipt(po.Id, po.SupplierId, po.WarehouseId, calendar.Today,
                lines.Select((l, i) => new PurchaseReceiptLine(l.LineId, po.LineById(l.LineId).ProductId, l.Quantity, l.Rejected ?? 0m, reasons[i], po.LineById(l.LineId).DueDate)),
                stockReceiptId, calendar.Now, actor);
            db.Set<PurchaseReceipt>().Add(receipt);
        }, ct);
        return (order, receipt!);
    }

    /// <summary>
    /// An advance shipping notice. For a drop-ship order it is the shipment to our customer: the sales lines are
    /// shipped from the supplier's drop-ship requests (never from our stock) with the carrier and tracking given.
    /// </summary>
    public async Task<(PurchaseOrder Order, ShippingNotice Notice)> NoticeAsync(Guid id, Guid? supplierScope, ShippingNoticeRequest request, Guid? actor, CancellationToken ct)
    {
        var lines = request.Lines ?? [];
        var resolved = Domain.Logistics.Carriers.Resolve(request.Carrier, request.TrackingNumber);
        if (resolved.Name is null)
        {
            throw new RuleViolationException("carrier", "Required", "A shipping notice names its carrier.");
        }

        ShippingNotice? notice = null;
        var order = await ChangeAsync(id, supplierScope, async (po, token) =>
        {
            var shipDate = request.ShipDate ?? calendar.Today;
            Guid? shipmentId = null;
            if (po.DropShip)
            {
                po.RecordSupplierShipment([.. lines.Select(l => (l.LineId, l.Quantity))]);
                shipmentId = await ShipToCustomerAsync(po, lines, request, actor, token);
            }
            else if (po.Status is not (PurchaseOrderStatus.Sent or PurchaseOrderStatus.Confirmed or PurchaseOrderStatus.PartiallyReceived))
            {
                throw new IllegalTransitionException("purchase order", po.Status.ToString(), "post a shipping notice for");
            }
            else
            {
                foreach (var l in lines)
                {
                    po.LineById(l.LineId);
                }
            }

            notice = new ShippingNotice(po.Id, po.SupplierId, resolved.Name, resolved.TrackingNumber, shipDate, request.Eta,
                lines.Select(l => new ShippingNoticeLine(l.LineId, l.Quantity)), shipmentId, calendar.Now, actor);
            db.Set<ShippingNotice>().Add(notice);
        }, ct);
        return (order, notice!);
    }

    private async Task<Guid> ShipToCustomerAsync(PurchaseOrder po, NoticeLineRequest[] lines, ShippingNoticeRequest request, Guid? actor, CancellationToken ct)
    {
        await RowLocks.LockOrderAsync(db, po.SalesOrderId!.Value, ct);
        var order = await db.SalesOrders.Include(o => o.Lines).FirstAsync(o => o.Id == po.SalesOrderId, ct);
        var requests = await db.DropShipRequests.Where(r => r.OrderId == order.Id && r.SupplierId == po.SupplierId && r.Status == RequestStatus.Open).ToListAsync(ct);
        var shipped = new List<(Guid LineId, decimal Quantity)>();
        var shipmentLines = new List<ShipmentLine>();
        foreach (var l in lines)
        {
            var salesLineId = po.LineById(l.LineId).SalesOrderLineId!.Value;
            var salesLine = order.Lines.First(x => x.Id == salesLineId);
            if (salesLine.Reserved > 0)
            {
                // The line is partly served from our stock: ship that first, so the two never mix.
                throw new ConflictException("ReservedFromStock", $"Sales line {salesLine.LineNumber} still has stock reserved; ship our part first.");
            }

            var left = l.Quantity;
            foreach (var r in requests.Where(r => r.OrderLineId == salesLineId).OrderBy(r => r.Id))
            {
                left -= r.Ship(left);
            }

            if (left > 0)
            {
                throw new ConflictException("AlreadyShipped", $"Sales line {salesLine.LineNumber} has less than {l.Quantity} left to drop-ship: it was shipped already.");
            }

            shipped.Add((salesLineId, l.Quantity));
            shipmentLines.Add(new ShipmentLine(salesLineId, salesLine.ProductId, l.Quantity));
        }

        order.RecordShipment(shipped, calendar.Now, actor, request.Carrier, request.TrackingNumber);
        var shipment = Shipment.FromSupplier(order.Id, po.SupplierId, request.Carrier, request.TrackingNumber, shipmentLines, calendar.Now, actor);
        shipment.Plan(request.Eta, []);
        db.Shipments.Add(shipment);
        return shipment.Id;
    }

    /// <summary>Makes the supplier the preferred one for a product in a warehouse (or all); replaces the previous choice.</summary>
    public async Task SetPreferredAsync(Guid supplierId, PreferredSupplierRequest request, CancellationToken ct)
    {
        if (!await db.ProductRefs().AnyAsync(p => p.Id == request.ProductId, ct))
        {
            throw new RuleViolationException("productId", "UnknownProduct", $"Product {request.ProductId} does not exist.");
        }

        if (request.WarehouseId is { } w && !await db.Warehouses.AnyAsync(x => x.Id == w, ct))
        {
            throw new RuleViolationException("warehouseId", "UnknownWarehouse", $"Warehouse {w} does not exist.");
        }

        await writes.RunAsync(async token =>
        {
            var existing = await db.Set<PreferredSupplier>().Where(p => p.ProductId == request.ProductId && p.WarehouseId == request.WarehouseId).ToListAsync(token);
            db.Set<PreferredSupplier>().RemoveRange(existing);
            if (existing.Count > 0)
            {
                await db.SaveChangesAsync(token);
            }

            db.Set<PreferredSupplier>().Add(new PreferredSupplier(request.ProductId, request.WarehouseId, supplierId));
        }, ct);
    }

    private async Task<PurchaseOrder> ChangeAsync(Guid id, Guid? supplierScope, Func<PurchaseOrder, CancellationToken, Task> change, CancellationToken ct) =>
        await writes.RunAsync(async token =>
        {
            if (db.Database.IsNpgsql())
            {
                // Receipts and cancellations of one order queue here instead of both reading the same quantities.
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM purchase_orders WHERE id = {id} FOR UPDATE", token);
            }

            var po = await db.Set<PurchaseOrder>().FirstOrDefaultAsync(o => o.Id == id && (supplierScope == null || o.SupplierId == supplierScope), token)
                ?? throw new NotFoundException("Purchase order", id);
            await change(po, token);
            return po;
        }, ct);

    private async Task<IReadOnlyList<string>> CheckSupplierAsync(Supplier supplier, CancellationToken ct)
    {
        if (!supplier.IsActive)
        {
            throw new RuleViolationException("supplierId", "SupplierInactive", $"Supplier {supplier.Code} is inactive.");
        }

        var standing = await scorecards.CurrentStandingAsync(supplier.Id, ct);
        return standing switch
        {
            SupplierStanding.Block => throw new RuleViolationException("supplierId", "SupplierBlocked",
                $"Supplier {supplier.Code} scored below the blocking threshold in its latest scorecard; purchase orders are blocked."),
            SupplierStanding.Warn => ["SupplierStandingWarn"],
            _ => [],
        };
    }

    private async Task<List<PurchaseOrderLineInput>> PriceAsync(Supplier supplier, List<(Guid ProductId, decimal Quantity, decimal? UnitPrice)> lines, Guid? salesLineId, CancellationToken ct)
    {
        if (lines.Count is 0 or > PurchaseOrder.MaxLines)
        {
            throw new RuleViolationException("lines", "LineCount", $"A purchase order has 1 to {PurchaseOrder.MaxLines} lines.");
        }

        var ids = lines.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.ProductRefs().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var prices = await db.Set<SupplierPrice>().AsNoTracking().Where(p => p.SupplierId == supplier.Id && ids.Contains(p.ProductId)).ToListAsync(ct);
        var today = calendar.Today;
        var violations = new List<RuleViolation>();
        var inputs = new List<PurchaseOrderLineInput>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (productId, quantity, unitPrice) = lines[i];
            if (!products.TryGetValue(productId, out var product))
            {
                violations.Add(new($"lines[{i}].productId", "UnknownProduct", $"Product {productId} does not exist."));
                continue;
            }

            if (product.IsWholeUnit && !Quantity.IsWhole(quantity))
            {
                violations.Add(new($"lines[{i}].quantity", "FractionalQuantity", $"{product.Sku} is counted in whole pieces."));
            }

            var listed = SupplierPrice.PriceOf(prices, productId, quantity, today);
            long? minor = null;
            if (unitPrice is { } given)
            {
                if (given <= 0 || given > 1_000_000_000m || !new Money(given, supplier.Currency).IsWholeMinorUnits)
                {
                    violations.Add(new($"lines[{i}].unitPrice", "InvalidPrice", $"A unit price is positive in whole {supplier.Currency} minor units."));
                    continue;
                }

                minor = new Money(given, supplier.Currency).MinorUnits;
            }

            minor ??= listed ?? supplier.ProductTerms(productId)?.CostMinor;
            if (minor is null)
            {
                violations.Add(new($"lines[{i}].unitPrice", "PriceRequired", $"Supplier {supplier.Code} has no price for {product.Sku}; give a unit price."));
                continue;
            }

            inputs.Add(new PurchaseOrderLineInput(productId, quantity, minor.Value, listed, salesLineId, today.AddDays(supplier.LeadTimeFor(productId))));
        }

        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        return inputs;
    }

    private async Task<string> NextNumberAsync(CancellationToken ct)
    {
        var year = calendar.Today.Year;
        return $"PO-{year}-{await DocumentNumbers.NextAsync(db, $"PO-{year}", ct):000000}";
    }
}
