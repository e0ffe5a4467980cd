using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Customers;

namespace Orderly.Server.Customers;

public sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Code).HasMaxLength(Customer.CodeMaxLength);
        builder.HasIndex(c => c.Code).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(Customer.NameMaxLength);
        builder.Property(c => c.NameEn).HasMaxLength(Customer.NameMaxLength);
        builder.Property(c => c.Region).HasMaxLength(Customer.RegionMaxLength);
        builder.Property(c => c.Address).HasMaxLength(Customer.AddressMaxLength);
        builder.Property(c => c.Email).HasMaxLength(Customer.EmailMaxLength);
        builder.Property(c => c.Phone).HasMaxLength(Customer.PhoneMaxLength);
        builder.Property(c => c.Currency).HasMaxLength(3);
        builder.HasIndex(c => c.OwnerUserId);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Ignore(c => c.CreditLimit);
        builder.OwnsMany(c => c.Contacts, contact =>
        {
            contact.ToTable("customer_contacts");
            contact.WithOwner().HasForeignKey("customer_id");
            contact.Property<int>("id");
            contact.HasKey("id");
            contact.Property(x => x.Name).HasMaxLength(100);
            contact.Property(x => x.Title).HasMaxLength(100);
            contact.Property(x => x.Email).HasMaxLength(Customer.EmailMaxLength);
            contact.Property(x => x.Phone).HasMaxLength(Customer.PhoneMaxLength);
        });
        builder.Navigation(c => c.Contacts).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
