using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Orderly.Domain.Common;

namespace Orderly.Server.Data;

/// <summary>Quantities are stored as integer thousandths so stock arithmetic in SQL is exact on both providers.</summary>
public sealed class QuantityConverter() : ValueConverter<decimal, long>(
    v => Quantity.ToStored(v),
    v => Quantity.FromStored(v))
{
    public static readonly QuantityConverter Instance = new();
}

public static class QuantityPropertyExtensions
{
    public static PropertyBuilder<decimal> IsQuantity(this PropertyBuilder<decimal> property) =>
        property.HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
}
