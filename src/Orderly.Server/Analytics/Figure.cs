using Orderly.Domain.Common;

namespace Orderly.Server.Analytics;

/// <summary>Running sums behind a <see cref="FigureDto"/>, in stored units (minor units, thousandths).</summary>
/// <remarks>
/// Cost is kept as quantity (thousandths) x the product's current cost (minor units), so sums of it are exact in any
/// order; it becomes minor units (cut to whole ones) only in <see cref="ToDto"/>.
/// </remarks>
internal struct Figure
{
    public long Orders;
    public long Lines;
    public long QuantityThousandths;
    public long ValueMinor;
    public long CostThousandths;

    public void Add(in Figure other)
    {
        Orders += other.Orders;
        Lines += other.Lines;
        QuantityThousandths += other.QuantityThousandths;
        ValueMinor += other.ValueMinor;
        CostThousandths += other.CostThousandths;
    }

    public readonly FigureDto ToDto(string currency, bool perProduct)
    {
        var value = Money.FromMinor(ValueMinor, currency).Amount;
        var cost = Money.FromMinor(CostThousandths / 1000, currency).Amount;
        return new FigureDto(perProduct ? null : Orders, Lines, perProduct ? Quantity.FromStored(QuantityThousandths) : null, value, cost, value - cost,
            value == 0 ? null : Math.Round((value - cost) / value, 4, MidpointRounding.AwayFromZero));
    }
}
