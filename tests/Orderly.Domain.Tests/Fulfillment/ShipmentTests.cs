using Orderly.Domain.Common;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Tests.Orders;

namespace Orderly.Domain.Tests.Fulfillment;

public sealed class ShipmentTests
{
    private static readonly Guid WarehouseId = new("0195f3a0-0000-7000-8000-00000000a4e1");

    [Fact]
    public void Constructor_KeepsLinesAndNormalizesCarrierText()
    {
        var line = new ShipmentLine(Guid.NewGuid(), Guid.NewGuid(), 4m);

        var shipment = new Shipment(Guid.NewGuid(), WarehouseId, " 顺丰速运 ", "  ", [line], OrderBuilder.Start, OrderBuilder.Clerk);

        Assert.Equal(("SF", "SF"), (shipment.Carrier, shipment.CarrierCode));
        Assert.Null(shipment.TrackingNumber);
        Assert.Equal(line, Assert.Single(shipment.Lines));
        Assert.Equal((OrderBuilder.Start, OrderBuilder.Clerk), (shipment.ShippedAt, shipment.ShippedBy));
    }

    [Fact]
    public void Constructor_OverlongTrackingNumber_ThrowsTooLong()
    {
        var error = Assert.Throws<RuleViolationException>(
            () => new Shipment(Guid.NewGuid(), WarehouseId, "SF", new string('9', 101), [], OrderBuilder.Start, null));

        Assert.Equal(("trackingNumber", "TooLong"), (error.Violations[0].Field, error.Code));
    }
}
