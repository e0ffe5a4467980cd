using Orderly.Domain.Common;

namespace Orderly.Server.Analytics;

/// <summary>Running sums behind a <see cref="FigureDto"/>, in stored units (minor units, thousandths).</summary>
internal struct Figure
{
    public long Orders;
    public long Lines;
    public long QuantityThousandths;
    public long ValueMinor;
    public long CostMinor;

    public void Add(in OrderFact order)
    {
        Orders++;
        Lines += order.Lines;
        ValueMinor += order.TotalMinor;
        CostMinor += order.CostMinor;
    }

    public void Add(in ProductDayFact product)
    {
        Lines += product.Lines;
        QuantityThousandths += product.QuantityThousandths;
        ValueMinor += product.ValueMinor;
        CostMinor += product.CostMinor;
    }

    public static Figure Plus(in Figure a, in Figure b) => new()
    {
        Orders = a.Orders + b.Orders,
        Lines = a.Lines + b.Lines,
        QuantityThousandths = a.QuantityThousandths + b.QuantityThousandths,
        ValueMinor = a.ValueMinor + b.ValueMinor,
        CostMinor = a.CostMinor + b.CostMinor,
    };

    public readonly FigureDto ToDto(string currency, bool perProduct)
    {
        var value = Money.FromMinor(ValueMinor, currency).Amount;
        var cost = Money.FromMinor(CostMinor, currency).Amount;
        return new FigureDto(perProduct ? null : Orders, Lines, perProduct ? Quantity.FromStored(QuantityThousandths) : null, value, cost, value - cost,
            value == 0 ? null : Math.Round((value - cost) / value, 4, MidpointRounding.AwayFromZero));
    }
}
