using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Allocation;
using Orderly.Server.Data;

namespace Orderly.Server.Allocation;

public sealed class AllocationDecisionConfiguration : IEntityTypeConfiguration<AllocationDecision>
{
    public void Configure(EntityTypeBuilder<AllocationDecision> builder)
    {
        builder.ToTable("allocation_decisions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Summary).HasMaxLength(500);
        builder.HasIndex(d => new { d.OrderId, d.OrderLineId, d.Id });
    }
}

public sealed class DropShipRequestConfiguration : IEntityTypeConfiguration<DropShipRequest>
{
    public void Configure(EntityTypeBuilder<DropShipRequest> builder)
    {
        builder.ToTable("drop_ship_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Quantity).IsQuantity();
        builder.Property(r => r.Shipped).IsQuantity();
        builder.Ignore(r => r.Remaining);
        builder.HasIndex(r => new { r.OrderId, r.Status });
        builder.HasIndex(r => new { r.SupplierId, r.Status });
    }
}

public sealed class ReplenishmentRequestConfiguration : IEntityTypeConfiguration<ReplenishmentRequest>
{
    public void Configure(EntityTypeBuilder<ReplenishmentRequest> builder)
    {
        builder.ToTable("replenishment_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Quantity).IsQuantity();
        builder.HasIndex(r => new { r.OrderId, r.Status });
        builder.HasIndex(r => new { r.ProductId, r.Status });
    }
}
