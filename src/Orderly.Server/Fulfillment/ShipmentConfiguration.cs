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
        builder.Property(s => s.CarrierCode).HasMaxLength(16);
        builder.Property(s => s.TrackingState).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.DelayReason).HasMaxLength(40);
        builder.Ignore(s => s.IsOpen);
        builder.HasIndex(s => s.TrackingNumber);
        builder.HasIndex(s => new { s.DeliveredAt, s.TrackingState });
        builder.OwnsMany(s => s.Packages, package =>
        {
            package.ToTable("shipment_packages");
            package.WithOwner().HasForeignKey("shipment_id");
            package.Property<int>("id");
            package.HasKey("id");
            package.Property(p => p.WeightKg).HasPrecision(12, 3);
            package.Property(p => p.TrackingNumber).HasMaxLength(100);
        });
        builder.Navigation(s => s.Packages).UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.OwnsMany(s => s.TrackingEvents, e =>
        {
            e.ToTable("shipment_tracking_events");
            e.WithOwner().HasForeignKey("shipment_id");
            e.Property<int>("id");
            e.HasKey("id");
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Status).HasMaxLength(40);
            e.Property(x => x.Location).HasMaxLength(200);
            e.Property(x => x.Description).HasMaxLength(500);
        });
        builder.Navigation(s => s.TrackingEvents).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
