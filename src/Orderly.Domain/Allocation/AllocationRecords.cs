using Orderly.Domain.Common;
namespace Orderly.Domain.Allocation;

/// <summary>Why a line was served the way it was: the candidates considered and the reason each won or lost.</summary>
public sealed class AllocationDecision
{
    private AllocationDecision()
    {
    }

    public AllocationDecision(Guid orderId, LineDecision decision, ReservationPolicy policy, DateTimeOffset at, string candidatesJson, string allocationsJson)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        OrderLineId = decision.LineId;
        Policy = policy;
        Summary = decision.Summary.Length > 500 ? decision.Summary[..500] : decision.Summary;
        Candidates = candidatesJson;
        Allocations = allocationsJson;
        DecidedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid OrderLineId { get; private set; }
    public ReservationPolicy Policy { get; private set; }
    public string Summary { get; private set; } = "";
    public string Candidates { get; private set; } = "[]";
    public string Allocations { get; private set; } = "[]";
    public DateTimeOffset DecidedAt { get; private set; }
}

public enum RequestStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>A request to a supplier to ship part of a line straight to our customer.</summary>
public sealed class DropShipRequest
{
    private DropShipRequest()
    {
    }

    public DropShipRequest(Guid orderId, Guid orderLineId, Guid productId, Guid supplierId, decimal quantity, DateTimeOffset at)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        OrderLineId = orderLineId;
        ProductId = productId;
        SupplierId = supplierId;
        Quantity = quantity;
        CreatedAt = at;
        Status = RequestStatus.Open;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid OrderLineId { get; private set; }
    public Guid ProductId { get; private set; }
    public Guid SupplierId { get; private set; }
    public decimal Quantity { get; private set; }
    public RequestStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>What the supplier has shipped so far; the request is done when it has shipped everything.</summary>
    public decimal Shipped { get; private set; }

    public decimal Remaining => Quantity - Shipped;

    public decimal Ship(decimal quantity)
    {
        var taken = Math.Min(quantity, Remaining);
        Shipped += taken;
        if (Remaining == 0)
        {
            Status = RequestStatus.Done;
        }

        return taken;
    }

    public void Close(RequestStatus status) => Status = status;
}

/// <summary>Raised when a line is backordered and nobody can drop-ship it: purchasing should bring the product in.</summary>
public sealed class ReplenishmentRequest
{
    private ReplenishmentRequest()
    {
    }

    public ReplenishmentRequest(Guid orderId, Guid orderLineId, Guid productId, decimal quantity, DateTimeOffset at)
    {
        Id = Ids.New(at);
        OrderId = orderId;
        OrderLineId = orderLineId;
        ProductId = productId;
        Quantity = quantity;
        CreatedAt = at;
        Status = RequestStatus.Open;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid OrderLineId { get; private set; }
    public Guid ProductId { get; private set; }
    public decimal Quantity { get; private set; }
    public RequestStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    public void ChangeQuantity(decimal quantity) => Quantity = quantity;

    public void Close(RequestStatus status, DateTimeOffset at)
    {
        Status = status;
        ClosedAt = at;
    }
}
