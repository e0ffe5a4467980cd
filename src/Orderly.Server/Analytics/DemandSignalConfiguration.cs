using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Analytics;

namespace Orderly.Server.Analytics;

public sealed class DemandSignalConfiguration : IEntityTypeConfiguration<DemandSignal>
{
    public void Configure(EntityTypeBuilder<DemandSignal> builder)
    {
        builder.ToTable("analytics_demand_signals");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(8);
        builder.Property(s => s.Method).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.AbcClass).HasConversion<string>().HasMaxLength(1);
        builder.Property(s => s.Actual).HasPrecision(18, 3);
        builder.Property(s => s.Expected).HasPrecision(18, 3);
        builder.Property(s => s.Low).HasPrecision(18, 3);
        builder.Property(s => s.High).HasPrecision(18, 3);
        // One signal per product, warehouse (Guid.Empty: company-wide) and week, however many runs race.
        builder.HasIndex(s => new { s.ProductId, s.WarehouseId, s.WeekStart }).IsUnique();
        builder.HasIndex(s => s.WeekStart);
    }
}
