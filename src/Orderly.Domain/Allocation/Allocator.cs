using System.Globalization;

namespace Orderly.Domain.Allocation;

/// <summary>
/// The documented allocation policy (docs/architecture.md, "Allocation"): available stock first; then one
/// warehouse for the whole order where one can serve it (fewest shipments); then the customer's region (a
/// stand-in for shipping cost); then transit time; lines split across warehouses only when no single warehouse
/// has them; what no warehouse has goes to a drop-ship supplier when the product has one, else is backordered.
/// </summary>
public static class Allocator
{
    public static AllocationPlan Plan(
        IReadOnlyList<LineNeed> needs, string? customerRegion, IReadOnlyList<WarehouseStock> warehouses,
        IReadOnlyList<DropShipOption> dropShip, AllocationOptions options)
    {
        var left = warehouses.ToDictionary(w => w.WarehouseId, w => w.Available.ToDictionary(p => p.Key, p => Math.Max(p.Value, 0m)));
        var perProduct = needs.GroupBy(n => n.ProductId).ToDictionary(g => g.Key, g => g.Sum(n => n.Quantity));
        var wholeOrder = warehouses.Where(w => perProduct.All(p => Stock(left, w.WarehouseId, p.Key) >= p.Value)).ToList();
        var single = options.PreferSingleWarehouse && wholeOrder.Count > 0
            ? wholeOrder.OrderBy(w => Rank(w, customerRegion, options)).ThenByDescending(w => w.Available.Values.Sum()).ThenBy(w => w.Code, StringComparer.Ordinal).First()
            : null;

        var used = new HashSet<Guid>();
        var decisions = new List<LineDecision>(needs.Count);
        foreach (var need in needs.OrderBy(n => n.LineNumber))
        {
            var ranked = warehouses
                .OrderByDescending(w => single is not null && w.WarehouseId == single.WarehouseId)
                .ThenByDescending(w => Stock(left, w.WarehouseId, need.ProductId) >= need.Quantity)
                .ThenByDescending(w => used.Contains(w.WarehouseId))
                .ThenBy(w => Rank(w, customerRegion, options))
                .ThenByDescending(w => Stock(left, w.WarehouseId, need.ProductId))
                .ThenBy(w => w.Code, StringComparer.Ordinal)
                .ToList();

            var allocations = new List<AllocationLine>();
            var notes = new List<CandidateNote>();
            var remaining = need.Quantity;
            foreach (var warehouse in ranked)
            {
                var available = Stock(left, warehouse.WarehouseId, need.ProductId);
                var sameRegion = IsSameRegion(warehouse, customerRegion);
                var take = Math.Min(remaining, available);
                string reason;
                if (take > 0)
                {
                    left[warehouse.WarehouseId][need.ProductId] = available - take;
                    remaining -= take;
                    used.Add(warehouse.WarehouseId);
                    allocations.Add(new AllocationLine(SourceKind.Warehouse, warehouse.WarehouseId, warehouse.Code, take));
                    reason = single?.WarehouseId == warehouse.WarehouseId ? "Chosen: serves the whole order in one shipment"
                        : take == need.Quantity ? "Chosen: has the whole line"
                        : $"Chosen for {Format(take)}: no single warehouse has the whole line";
                    reason += sameRegion ? ", in the customer's region." : ".";
                }
                else
                {
                    reason = available <= 0 ? "Not chosen: nothing available."
                        : remaining <= 0 ? "Not chosen: the line was already served by a better-ranked warehouse."
                        : "Not chosen.";
                }

                notes.Add(new CandidateNote(SourceKind.Warehouse, warehouse.WarehouseId, warehouse.Code, available, sameRegion,
                    TransitDays(warehouse, customerRegion, options), available >= need.Quantity, wholeOrder.Contains(warehouse), take > 0, reason));
            }

            if (remaining > 0 && options.UseDropShip)
            {
                var supplier = dropShip.Where(d => d.ProductId == need.ProductId).OrderBy(d => d.LeadTimeDays).ThenBy(d => d.Name, StringComparer.Ordinal).FirstOrDefault();
                foreach (var option in dropShip.Where(d => d.ProductId == need.ProductId))
                {
                    var chosen = option == supplier;
                    notes.Add(new CandidateNote(SourceKind.DropShip, option.SupplierId, option.Name, remaining, false, option.LeadTimeDays, true, false, chosen,
                        chosen ? $"Chosen: no warehouse has {Format(remaining)}; the supplier ships straight to the customer in {option.LeadTimeDays} days."
                               : "Not chosen: another drop-ship supplier is faster."));
                }

                if (supplier is not null)
                {
                    allocations.Add(new AllocationLine(SourceKind.DropShip, supplier.SupplierId, supplier.Name, remaining));
                    remaining = 0;
                }
            }

            if (remaining > 0)
            {
                allocations.Add(new AllocationLine(SourceKind.Backorder, null, null, remaining));
            }

            decisions.Add(new LineDecision(need.LineId, need.ProductId, allocations, notes, Summarize(need, allocations)));
        }

        return new AllocationPlan(decisions);
    }

    /// <summary>Transit time follows from the region, so turning the region preference off ignores both.</summary>
    private static (int Region, int Transit) Rank(WarehouseStock warehouse, string? customerRegion, AllocationOptions options) =>
        options.PreferCustomerRegion
            ? (IsSameRegion(warehouse, customerRegion) ? 0 : 1, TransitDays(warehouse, customerRegion, options))
            : (0, 0);

    private static int TransitDays(WarehouseStock warehouse, string? customerRegion, AllocationOptions options) =>
        IsSameRegion(warehouse, customerRegion) ? options.SameRegionTransitDays : options.OtherRegionTransitDays;

    private static bool IsSameRegion(WarehouseStock warehouse, string? customerRegion) =>
        customerRegion is not null && string.Equals(warehouse.Region, customerRegion, StringComparison.OrdinalIgnoreCase);

    private static decimal Stock(Dictionary<Guid, Dictionary<Guid, decimal>> left, Guid warehouseId, Guid productId) =>
        left[warehouseId].GetValueOrDefault(productId);

    private static string Summarize(LineNeed need, List<AllocationLine> allocations) => string.Join("; ", allocations.Select(a => a.Kind switch
    {
        SourceKind.Warehouse => $"{Format(a.Quantity)} from {a.SourceCode}",
        SourceKind.DropShip => $"{Format(a.Quantity)} drop-shipped by {a.SourceCode}",
        _ => $"{Format(a.Quantity)} backordered",
    })) is { Length: > 0 } text ? $"{need.Sku}: {text}" : $"{need.Sku}: nothing to allocate";

    private static string Format(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);
}

public sealed record AllocationOptions
{
    public bool PreferSingleWarehouse { get; init; } = true;
    public bool PreferCustomerRegion { get; init; } = true;
    public bool UseDropShip { get; init; } = true;
    public int SameRegionTransitDays { get; init; } = 1;
    public int OtherRegionTransitDays { get; init; } = 3;
}

public sealed record LineNeed(Guid LineId, int LineNumber, Guid ProductId, string Sku, decimal Quantity);

public sealed record WarehouseStock(Guid WarehouseId, string Code, string? Region, IReadOnlyDictionary<Guid, decimal> Available);

public sealed record DropShipOption(Guid SupplierId, string Name, Guid ProductId, int LeadTimeDays);

public enum SourceKind
{
    Warehouse,
    DropShip,
    Backorder,
}

public sealed record AllocationLine(SourceKind Kind, Guid? SourceId, string? SourceCode, decimal Quantity);

public sealed record CandidateNote(
    SourceKind Kind, Guid SourceId, string Code, decimal Available, bool SameRegion, int TransitDays, bool ServesWholeLine,
    bool ServesWholeOrder, bool Chosen, string Reason);

public sealed record LineDecision(Guid LineId, Guid ProductId, IReadOnlyList<AllocationLine> Allocations, IReadOnlyList<CandidateNote> Candidates, string Summary)
{
    public decimal Backordered => Allocations.Where(a => a.Kind == SourceKind.Backorder).Sum(a => a.Quantity);
}

public sealed record AllocationPlan(IReadOnlyList<LineDecision> Lines)
{
    public bool ServesEverything => Lines.All(l => l.Backordered == 0);

    /// <summary>Ship complete: when anything would wait, everything waits.</summary>
    public AllocationPlan AllOrNothing() => ServesEverything ? this : new AllocationPlan([.. Lines.Select(l => l with
    {
        Allocations = [new AllocationLine(SourceKind.Backorder, null, null, l.Allocations.Sum(a => a.Quantity))],
        Candidates = [.. l.Candidates.Select(c => c with
        {
            Chosen = false,
            Reason = c.Chosen ? "Held: the order ships complete and another line cannot be served yet." : c.Reason,
        })],
        Summary = l.Summary + " — held: the customer takes complete shipments only.",
    })]);
}
