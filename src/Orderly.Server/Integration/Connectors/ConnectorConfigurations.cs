using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Integration;

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
