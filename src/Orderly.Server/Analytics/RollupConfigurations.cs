using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Orderly.Server.Analytics;

public sealed class DailySalesRowConfiguration : IEntityTypeConfiguration<DailySalesRow>
{
    public void Configure(EntityTypeBuilder<DailySalesRow> builder)
    {
        builder.ToTable(Rollups.DailySalesTable);
        builder.HasKey(r => new { r.Day, r.Currency, r.Shard });
        builder.Property(r => r.Currency).HasMaxLength(3);
        builder.Property(r => r.Changes).HasDefaultValue(0L);
    }
}

public sealed class DailyProductSalesRowConfiguration : IEntityTypeConfiguration<DailyProductSalesRow>
{
    public void Configure(EntityTypeBuilder<DailyProductSalesRow> builder)
    {
        builder.ToTable(Rollups.DailyProductsTable);
        builder.HasKey(r => new { r.Day, r.ProductId, r.Currency });
        builder.Property(r => r.Currency).HasMaxLength(3);
        builder.Property(r => r.Lines).HasDefaultValue(0L);
    }
}

public sealed class DailyCustomerSalesRowConfiguration : IEntityTypeConfiguration<DailyCustomerSalesRow>
{
    public void Configure(EntityTypeBuilder<DailyCustomerSalesRow> builder)
    {
        builder.ToTable(Rollups.DailyCustomersTable);
        builder.HasKey(r => new { r.Day, r.CustomerId, r.Currency });
        builder.Property(r => r.Currency).HasMaxLength(3);
        builder.Property(r => r.Lines).HasDefaultValue(0L);
        // A sales rep's revenue reads the rows of their own customers only.
        builder.HasIndex(r => new { r.CustomerId, r.Day });
    }
}

public sealed class StatusCountRowConfiguration : IEntityTypeConfiguration<StatusCountRow>
{
    public void Configure(EntityTypeBuilder<StatusCountRow> builder)
    {
        builder.ToTable(Rollups.StatusCountsTable);
        builder.HasKey(r => new { r.Status, r.Shard });
    }
}

public sealed class StageTimeRowConfiguration : IEntityTypeConfiguration<StageTimeRow>
{
    public void Configure(EntityTypeBuilder<StageTimeRow> builder)
    {
        builder.ToTable(Rollups.StageTimesTable);
        builder.HasKey(r => new { r.Day, r.Status, r.Shard });
    }
}
