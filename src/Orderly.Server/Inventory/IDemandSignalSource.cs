namespace Orderly.Server.Inventory;

/// <summary>
/// Demand spikes and drops against the forecast, for the alert board. The Analytics module provides one (its weekly
/// demand-signal job); without it the board shows none. Products and warehouses only: no customer in them.
/// </summary>
public interface IDemandSignalSource
{
    /// <summary>The policy a caller needs to see the signals.</summary>
    string Policy { get; }

    /// <summary>The signals of the weeks starting on or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<DemandSignalNote>> RecentAsync(DateOnly since, CancellationToken ct);
}

/// <param name="Kind">"Spike" or "Drop".</param>
/// <param name="WarehouseId">Null: the company's ordered quantity; else that warehouse's shipments.</param>
public sealed record DemandSignalNote(
    string Kind, DateOnly WeekStart, Guid ProductId, string Sku, string Name, Guid? WarehouseId, string? WarehouseCode,
    decimal Actual, decimal Expected, decimal Low, decimal High);
