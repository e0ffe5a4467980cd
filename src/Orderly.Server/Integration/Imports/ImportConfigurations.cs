using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

public sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> builder)
    {
        builder.ToTable("import_jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.Kind).HasMaxLength(20);
        builder.Property(j => j.Mode).HasConversion<string>().HasMaxLength(20);
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(j => j.FileName).HasMaxLength(260);
        builder.Property(j => j.Format).HasMaxLength(8);
        builder.Property(j => j.Encoding).HasMaxLength(32);
        builder.Property(j => j.Failure).HasMaxLength(1000);
        builder.HasIndex(j => new { j.CreatedBy, j.CreatedAt });
    }
}

public sealed class ImportFileChunkConfiguration : IEntityTypeConfiguration<ImportFileChunk>
{
    public void Configure(EntityTypeBuilder<ImportFileChunk> builder)
    {
        builder.ToTable("import_file_chunks");
        builder.HasKey(c => new { c.ImportId, c.Sequence });
        builder.HasOne<ImportJob>().WithMany().HasForeignKey(c => c.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ImportRowErrorConfiguration : IEntityTypeConfiguration<ImportRowError>
{
    public void Configure(EntityTypeBuilder<ImportRowError> builder)
    {
        builder.ToTable("import_row_errors");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Column).HasMaxLength(300);
        builder.Property(e => e.Code).HasMaxLength(40);
        builder.Property(e => e.Message).HasMaxLength(500);
        builder.HasIndex(e => new { e.ImportId, e.Row });
        builder.HasOne<ImportJob>().WithMany().HasForeignKey(e => e.ImportId).OnDelete(DeleteBehavior.Cascade);
    }
}
