using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Orderly.Server.Identity;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.KeyId).HasMaxLength(16);
        builder.HasIndex(k => k.KeyId).IsUnique();
        builder.Property(k => k.KeyHash).HasMaxLength(64);
        builder.Property(k => k.Roles).HasMaxLength(200);
        builder.Ignore(k => k.RoleList);
    }
}
