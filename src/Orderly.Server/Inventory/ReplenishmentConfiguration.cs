using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;
using Orderly.Domain.Inventory;
using Orderly.Server.Data;

namespace Orderly.Server.Inventory;

/// <summary>
/// stock_policies: one row per product and warehouse. The computation's columns have explicit names because the
/// recomputation writes them with one set-based upsert (see <see cref="ReplenishmentService"/>).
/// </summary>
public sealed class StockPolicyConfiguration : IEntityTypeConfiguration<StockPolicy>
{
    public void Configure(EntityTypeBuilder<StockPolicy> builder)
    {
        builder.ToTable("stock_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasIndex(p => new { p.ProductId, p.WarehouseId }).IsUnique();
        builder.HasIndex(p => p.WarehouseId);
        builder.HasOne<Product>().WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Warehouse>().WithMany().HasForeignKey(p => p.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(p => p.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.ManualSafetyStock).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
        builder.Property(p => p.ManualReorderPoint).HasConversion(QuantityConverter.Instance).HasColumnType("bigint");
        builder.Property(p => p.ServiceLevel).HasPrecision(6, 4);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.SafetyStock);
        builder.Ignore(p => p.ReorderPoint);
        builder.Property(p => p.ComputedAt).HasColumnName("computed_at");
        builder.Property(p => p.LeadTimeSupplierId).HasColumnName("lead_time_supplier_id");
        builder.OwnsOne(p => p.LastComputation, c =>
        {
            c.Property(r => r.WindowDays).HasColumnName("window_days");
            c.Property(r => r.DaysWithDemand).HasColumnName("days_with_demand");
            c.Property(r => r.MeanDailyDemand).HasColumnName("mean_daily_demand");
            c.Property(r => r.DemandStdDev).HasColumnName("demand_std_dev");
            c.Property(r => r.LeadTimeDays).HasColumnName("lead_time_days");
            c.Property(r => r.ServiceLevel).HasColumnName("computed_service_level").HasPrecision(6, 4);
            c.Property(r => r.Z).HasColumnName("z");
            c.Property(r => r.SafetyStock).HasColumnName("computed_safety_stock").IsQuantity();
            c.Property(r => r.ReorderPoint).HasColumnName("computed_reorder_point").IsQuantity();
            c.Ignore(r => r.Basis);
            c.Property(r => r.ForecastMethod).HasColumnName("forecast_method").HasMaxLength(16);
            c.Property(r => r.ForecastRmse).HasColumnName("forecast_rmse");
            c.Property(r => r.LeadTimeDemand).HasColumnName("lead_time_demand");
        });
        builder.Navigation(p => p.LastComputation).IsRequired(false);
    }
}
