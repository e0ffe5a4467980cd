using Orderly.Domain.Allocation;
using Orderly.Domain.Common;

namespace Orderly.Domain.Customers;

/// <summary>A buying company: its terms, credit limit, owner and contacts.</summary>
public sealed class Customer : IVersioned
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 200;
    public const int RegionMaxLength = 64;
    public const int AddressMaxLength = 500;
    public const int EmailMaxLength = 254;
    public const int PhoneMaxLength = 40;
    public const int MaxContacts = 50;

    private readonly List<Contact> _contacts = [];

    private Customer()
    {
    }

    public Customer(CustomerDetails details, DateTimeOffset now)
    {
        Id = Ids.New(now);
        CreatedAt = now;
        Apply(details, now);
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    /// <summary>The English name where the company gives one; English readers see it, everyone else sees <see cref="Name"/>.</summary>
    public string? NameEn { get; private set; }
    public string? Region { get; private set; }
    public string? Address { get; private set; }
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public string Currency { get; private set; } = Common.Currency.Default;
    /// <summary>Null means no limit is set.</summary>
    public long? CreditLimitMinor { get; private set; }
    public int PaymentTermsDays { get; private set; }
    public CustomerTier Tier { get; private set; }
    public ReservationPolicy ReservationPolicy { get; private set; }
    public Guid? OwnerUserId { get; private set; }
    public bool IsActive { get; private set; }
    public bool IsBlocked { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; set; }

    public IReadOnlyList<Contact> Contacts => _contacts;

    public Money? CreditLimit => CreditLimitMinor is { } minor ? Money.FromMinor(minor, Currency) : null;

    /// <summary>
    /// The customer as it stands, to change with <c>with { ... }</c>: whoever updates some fields keeps the others,
    /// including ones added later.
    /// </summary>
    public CustomerDetails Details => new(
        Code, Name, Region, Address, Email, Phone, Currency, CreditLimit?.Amount, PaymentTermsDays, Tier, OwnerUserId, IsActive, IsBlocked,
        [.. _contacts.Select(c => new ContactDetails(c.Name, c.Title, c.Email, c.Phone, c.IsPrimary))], ReservationPolicy, NameEn);

    public void Update(CustomerDetails details, DateTimeOffset now) => Apply(details, now);

    private void Apply(CustomerDetails details, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var code = Text.Required(details.Code, "code", CodeMaxLength, violations);
        var name = Text.Required(details.Name, "name", NameMaxLength, violations);
        var nameEn = Text.Optional(details.NameEn, "nameEn", NameMaxLength, violations);
        var region = Text.Optional(details.Region, "region", RegionMaxLength, violations);
        var address = Text.Optional(details.Address, "address", AddressMaxLength, violations);
        var email = Text.Optional(details.Email, "email", EmailMaxLength, violations);
        var phone = Text.Optional(details.Phone, "phone", PhoneMaxLength, violations);
        var currency = details.Currency ?? Common.Currency.Default;
        long? limit = null;
        if (!Common.Currency.IsKnown(currency))
        {
            violations.Add(new RuleViolation("currency", "UnknownCurrency", $"'{currency}' is not a supported ISO 4217 currency."));
        }
        else if (details.CreditLimit is { } creditLimit)
        {
            var money = new Money(creditLimit, currency);
            if (creditLimit < 0 || creditLimit > 1_000_000_000_000m || !money.IsWholeMinorUnits)
            {
                violations.Add(new RuleViolation("creditLimit", "InvalidCreditLimit", $"The credit limit must be a non-negative amount in whole {currency} minor units."));
            }
            else
            {
                limit = money.MinorUnits;
            }
        }

        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            violations.Add(new RuleViolation("email", "InvalidEmail", "email is not an e-mail address."));
        }

        if (details.PaymentTermsDays is < 0 or > 365)
        {
            violations.Add(new RuleViolation("paymentTermsDays", "OutOfRange", "Payment terms must be between 0 and 365 days."));
        }

        var contacts = details.Contacts ?? [];
        if (contacts.Count > MaxContacts)
        {
            violations.Add(new RuleViolation("contacts", "TooMany", $"A customer has at most {MaxContacts} contacts."));
        }

        var newContacts = contacts.Take(MaxContacts).Select((c, i) => Contact.Create(c, $"contacts[{i}]", violations)).ToList();
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }

        Code = code;
        Name = name;
        NameEn = nameEn;
        Region = region;
        Address = address;
        Email = email;
        Phone = phone;
        Currency = currency;
        CreditLimitMinor = limit;
        PaymentTermsDays = details.PaymentTermsDays;
        Tier = details.Tier;
        ReservationPolicy = details.ReservationPolicy;
        OwnerUserId = details.OwnerUserId;
        IsActive = details.IsActive;
        IsBlocked = details.IsBlocked;
        _contacts.Clear();
        _contacts.AddRange(newContacts);
        UpdatedAt = now;
    }
}

public enum CustomerTier
{
    Standard,
    Silver,
    Gold,
    Strategic,
}

public sealed record CustomerDetails(
    string Code,
    string Name,
    string? Region = null,
    string? Address = null,
    string? Email = null,
    string? Phone = null,
    string? Currency = null,
    decimal? CreditLimit = null,
    int PaymentTermsDays = 30,
    CustomerTier Tier = CustomerTier.Standard,
    Guid? OwnerUserId = null,
    bool IsActive = true,
    bool IsBlocked = false,
    IReadOnlyList<ContactDetails>? Contacts = null,
    ReservationPolicy ReservationPolicy = ReservationPolicy.ShipPartial,
    string? NameEn = null);

public sealed record ContactDetails(string Name, string? Title = null, string? Email = null, string? Phone = null, bool IsPrimary = false);
