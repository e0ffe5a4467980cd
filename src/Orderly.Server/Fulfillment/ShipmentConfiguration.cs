using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Fulfillment;

public sealed class ShipmentConfiguration : IEntityTypeConfiguration<Shipment>
{
    public void Configure(EntityTypeBuilder<Shipment> builder)
    {
        builder.ToTable("shipments");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Carrier).HasMaxLength(100);
        builder.Property(s => s.TrackingNumber).HasMaxLength(100);
        builder.HasOne<SalesOrder>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.OrderId);
        builder.OwnsMany(s => s.Lines, line =>
        {
            line.ToTable("shipment_lines");
            line.WithOwner().HasForeignKey("shipment_id");
            line.Property<int>("id");
            line.HasKey("id");
            line.Property(l => l.Quantity).IsQuantity();
        });
        builder.Navigation(s => s.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
