using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Catalog;

namespace Orderly.Server.Catalog;

public sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Sku).HasMaxLength(Product.SkuMaxLength);
        builder.HasIndex(p => p.Sku).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(Product.NameMaxLength);
        builder.Property(p => p.NameEn).HasMaxLength(Product.NameMaxLength);
        builder.Property(p => p.Unit).HasMaxLength(Product.UnitMaxLength);
        builder.Property(p => p.Currency).HasMaxLength(3);
        builder.Property(p => p.Category).HasMaxLength(Product.CategoryMaxLength);
        builder.HasIndex(p => p.Category);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.ListPrice);
        builder.Ignore(p => p.MinPrice);
        builder.Ignore(p => p.Cost);
    }
}
