using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Orderly.Server.Platform.Events;

/// <summary>
/// One domain event, written in the transaction of the change it records and delivered from here by the
/// <see cref="OutboxDispatcher"/>. <see cref="Position"/> orders the feed; <see cref="Id"/> (UUID v7) is the
/// stable id every receiver deduplicates by.
/// </summary>
public sealed class OutboxMessage
{
    public long Position { get; set; }
    public Guid Id { get; set; }
    public string Type { get; set; } = "";
    public string AggregateType { get; set; } = "";
    public string AggregateId { get; set; } = "";
    public Guid? CustomerId { get; set; }
    public string Payload { get; set; } = "";
    public int PayloadVersion { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorName { get; set; }
    public string? CorrelationId { get; set; }
    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset AvailableAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? LastError { get; set; }
}

public enum OutboxState
{
    Pending,
    Done,
    Dead,
}

/// <summary>That a handler has applied an event: its key makes a second application impossible.</summary>
public sealed class InboxEntry
{
    public string Handler { get; set; } = "";
    public Guid EventId { get; set; }
    public DateTimeOffset HandledAt { get; set; }
}

public sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(m => m.Position);
        builder.Property(m => m.Position).ValueGeneratedOnAdd();
        builder.HasIndex(m => m.Id).IsUnique();
        builder.Property(m => m.Type).HasMaxLength(100);
        builder.Property(m => m.AggregateType).HasMaxLength(50);
        builder.Property(m => m.AggregateId).HasMaxLength(64);
        builder.Property(m => m.ActorName).HasMaxLength(256);
        builder.Property(m => m.CorrelationId).HasMaxLength(128);
        builder.Property(m => m.LockedBy).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.State).HasConversion<string>().HasMaxLength(10);
        // The dispatcher's claim: pending events that are due, in order.
        builder.HasIndex(m => new { m.State, m.AvailableAt, m.Position });
        builder.HasIndex(m => new { m.CustomerId, m.Position });
    }
}

public sealed class InboxEntryConfiguration : IEntityTypeConfiguration<InboxEntry>
{
    public void Configure(EntityTypeBuilder<InboxEntry> builder)
    {
        builder.ToTable("outbox_inbox");
        builder.HasKey(i => new { i.Handler, i.EventId });
        builder.Property(i => i.Handler).HasMaxLength(100);
    }
}
