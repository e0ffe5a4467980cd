using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Integration;
using Orderly.Server.Data;

namespace Orderly.Server.Integration;

public sealed class ConnectorConfigConfiguration : IEntityTypeConfiguration<ConnectorConfig>
{
    public void Configure(EntityTypeBuilder<ConnectorConfig> builder)
    {
        builder.ToTable("connector_configs");
        builder.HasKey(c => c.Kind);
        builder.Property(c => c.Kind).HasMaxLength(20);
        builder.Property(c => c.Version).IsConcurrencyToken();
    }
}

public sealed class ExternalLinkConfiguration : IEntityTypeConfiguration<ExternalLink>
{
    public void Configure(EntityTypeBuilder<ExternalLink> builder)
    {
        builder.ToTable("external_links");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Connector).HasMaxLength(20);
        builder.Property(l => l.ObjectType).HasMaxLength(40);
        builder.Property(l => l.ExternalId).HasMaxLength(100);
        builder.Property(l => l.Fingerprint).HasMaxLength(64);
        builder.HasIndex(l => new { l.Connector, l.ObjectType, l.ExternalId }).IsUnique();
        builder.HasIndex(l => new { l.Connector, l.ObjectType, l.LocalId }).IsUnique();
    }
}

public sealed class SyncLogEntryConfiguration : IEntityTypeConfiguration<SyncLogEntry>
{
    public void Configure(EntityTypeBuilder<SyncLogEntry> builder)
    {
        builder.ToTable("sync_log");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Connector).HasMaxLength(20);
        builder.Property(e => e.Direction).HasMaxLength(10);
        builder.Property(e => e.ObjectType).HasMaxLength(40);
        builder.Property(e => e.ExternalId).HasMaxLength(100);
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Message).HasMaxLength(500);
        builder.HasIndex(e => new { e.Connector, e.Id });
    }
}

public sealed class ConnectorPushConfiguration : IEntityTypeConfiguration<ConnectorPush>
{
    public void Configure(EntityTypeBuilder<ConnectorPush> builder)
    {
        builder.ToTable("connector_pushes");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Connector).HasMaxLength(20);
        builder.Property(p => p.EventId).HasMaxLength(ConnectorPush.EventIdMaxLength);
        builder.Property(p => p.ObjectType).HasMaxLength(40);
        builder.Property(p => p.ExternalIds).HasMaxLength(ConnectorPush.ExternalIdsMaxLength);
        builder.HasIndex(p => new { p.Connector, p.EventId }).IsUnique();
    }
}

public sealed class SyncCursorConfiguration : IEntityTypeConfiguration<SyncCursor>
{
    public void Configure(EntityTypeBuilder<SyncCursor> builder)
    {
        builder.ToTable("connector_cursors");
        builder.HasKey(c => new { c.Connector, c.ObjectType });
        builder.Property(c => c.Connector).HasMaxLength(20);
        builder.Property(c => c.ObjectType).HasMaxLength(40);
        builder.Property(c => c.Modified).HasMaxLength(SyncPosition.ModifiedMaxLength);
        builder.Property(c => c.LastKey).HasMaxLength(SyncPosition.KeyMaxLength);
        builder.Ignore(c => c.Position);
    }
}

public sealed class ErpStockSnapshotConfiguration : IEntityTypeConfiguration<ErpStockSnapshot>
{
    public void Configure(EntityTypeBuilder<ErpStockSnapshot> builder)
    {
        builder.ToTable("erp_stock_snapshots");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Connector).HasMaxLength(20);
        builder.HasIndex(s => new { s.Connector, s.CompletedAt });
    }
}

public sealed class ErpStockLevelConfiguration : IEntityTypeConfiguration<ErpStockLevel>
{
    public void Configure(EntityTypeBuilder<ErpStockLevel> builder)
    {
        builder.ToTable("erp_stock_levels");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.ErpWarehouse).HasMaxLength(ErpStockLevel.CodeMaxLength);
        builder.Property(l => l.Sku).HasMaxLength(ErpStockLevel.CodeMaxLength);
        builder.Property(l => l.Quantity).IsQuantity();
        builder.HasIndex(l => new { l.SnapshotId, l.Sku, l.ErpWarehouse }).IsUnique();
    }
}

public sealed class ConnectorChannelConfiguration : IEntityTypeConfiguration<ConnectorChannel>
{
    public void Configure(EntityTypeBuilder<ConnectorChannel> builder)
    {
        builder.ToTable("connector_channels");
        builder.HasKey(c => c.Connector);
        builder.Property(c => c.Connector).HasMaxLength(20);
        builder.Property(c => c.ChannelId).HasMaxLength(100);
        builder.Property(c => c.NotifyUrl).HasMaxLength(ConnectorChannel.NotifyUrlMaxLength);
        builder.Property(c => c.Events).HasMaxLength(ConnectorChannel.EventsMaxLength);
        builder.Property(c => c.LastError).HasMaxLength(500);
        builder.Ignore(c => c.EventList);
    }
}
