using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Orderly.Server.Data;

/// <summary>A counter row per document series and year (e.g. SO-2026); numbers come from it inside the writing transaction.</summary>
public sealed class NumberSequence
{
    public required string Name { get; init; }
    public long LastValue { get; set; }
}

public sealed class NumberSequenceConfiguration : IEntityTypeConfiguration<NumberSequence>
{
    public void Configure(EntityTypeBuilder<NumberSequence> builder)
    {
        builder.ToTable("number_sequences");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(32);
    }
}
