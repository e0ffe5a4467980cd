using Orderly.Domain.Common;

namespace Orderly.Domain.Customers;

/// <summary>A person at the customer, owned by the customer.</summary>
public sealed class Contact
{
    private Contact()
    {
    }

    public string Name { get; private set; } = "";
    public string? Title { get; private set; }
    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public bool IsPrimary { get; private set; }

    internal static Contact Create(ContactDetails details, string field, List<RuleViolation> violations)
    {
        var email = Text.Optional(details.Email, $"{field}.email", Customer.EmailMaxLength, violations);
        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            violations.Add(new RuleViolation($"{field}.email", "InvalidEmail", $"{field}.email is not an e-mail address."));
        }

        return new Contact
        {
            Name = Text.Required(details.Name, $"{field}.name", 100, violations),
            Title = Text.Optional(details.Title, $"{field}.title", 100, violations),
            Email = email,
            Phone = Text.Optional(details.Phone, $"{field}.phone", Customer.PhoneMaxLength, violations),
            IsPrimary = details.IsPrimary,
        };
    }
}
