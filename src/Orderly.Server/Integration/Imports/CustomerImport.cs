using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Integration;
using Microsoft.Extensions.Options;
using Orderly.Server.Customers;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

/// <summary>
/// Customers by code, with one contact per row. An update keeps what the file does not carry (tier, owner, credit
/// block, other contacts). A rep's new customers are theirs; a code that exists outside the caller's scope is refused
/// as a duplicate without saying whose it is.
/// </summary>
public sealed class CustomerImport(ImportContext context) : ImportHandler(context)
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["code"] = "code", ["name"] = "name", ["region"] = "region", ["address"] = "address", ["email"] = "email", ["phone"] = "phone",
        ["currency"] = "currency", ["creditLimit"] = "creditLimit", ["paymentTermsDays"] = "paymentTermsDays", ["contacts[0].name"] = "contactName",
        ["contacts[0].email"] = "contactEmail", ["contacts[0].phone"] = "contactPhone",
    };

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private HashSet<string>? _existing;
    private Guid[]? _owners;

    public override ImportLayout Layout => ImportLayouts.CustomerLayout;

    public override string Policy => Policies.ManageCustomers;

    private sealed record Item(int Line, CustomerDetails Details, ContactDetails? Contact, decimal? CreditLimit, int? PaymentTermsDays) : ImportItem(Line);

    public override async Task PrepareAsync(CancellationToken ct)
    {
        _owners = await Context.Services.GetRequiredService<DataScope>().OwnersAsync(ct);
        if (Context.RejectExisting)
        {
            _existing = new HashSet<string>(await Db.Customers.AsNoTracking().Select(c => c.Code).ToListAsync(ct), StringComparer.Ordinal);
        }
    }

    public override ImportItem? Check(ImportRow row)
    {
        var code = row.Text("code");
        var name = row.Text("name");
        var region = row.Text("region");
        var address = row.Text("address");
        var email = row.Text("email");
        var phone = row.Text("phone");
        var currency = row.Text("currency")?.ToUpperInvariant();
        var limit = row.Number("creditLimit");
        var terms = row.WholeNumber("paymentTermsDays");
        var contactName = row.Text("contactName");
        var contactPhone = row.Text("contactPhone");
        var contactEmail = row.Text("contactEmail");
        if (code is not null && !_seen.Add(code))
        {
            row.Fail("code", ImportCodes.DuplicateInFile, $"Customer code '{code}' appears more than once in the file.");
        }
        else if (code is not null && _existing?.Contains(code) == true)
        {
            row.Fail("code", ImportCodes.DuplicateOfExisting, $"Customer code '{code}' already exists.");
        }

        if (contactName is null && (contactPhone ?? contactEmail) is not null)
        {
            row.Fail("contactName", ImportCodes.MissingRequired, "A contact's phone or e-mail needs the contact's name.");
        }

        if (!row.IsValid)
        {
            return null;
        }

        var contact = contactName is null ? null : new ContactDetails(contactName, null, contactEmail, contactPhone, IsPrimary: true);
        var details = new CustomerDetails(code!, name!, region, address, email, phone, currency, limit, terms ?? 30,
            OwnerUserId: _owners is null ? null : Context.Caller.PersonId, Contacts: contact is null ? null : [contact]);
        try
        {
            _ = new Customer(details, Context.Now);
        }
        catch (RuleViolationException e)
        {
            row.Fail(e.Violations, Fields);
            return null;
        }

        return new Item(row.Line, details, contact, limit, terms);
    }

    public override async Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct)
    {
        var items = batch.Cast<Item>().ToList();
        var codes = items.Select(i => i.Details.Code).ToList();
        var existing = await Db.Customers.Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, ct);
        foreach (var item in items)
        {
            existing.TryGetValue(item.Details.Code, out var customer);
            if (customer is null)
            {
                if (WithCreditTerms(item, item.Details, null, counts) is { } created)
                {
                    Db.Customers.Add(new Customer(created, Context.Now));
                    counts.Inserted++;
                }

                continue;
            }

            if (_owners is not null && (customer.OwnerUserId is not { } owner || !_owners.Contains(owner)))
            {
                counts.LateProblems.Add(new ImportProblem(item.Line, "Customer code", ImportCodes.DuplicateOfExisting, $"Customer code '{item.Details.Code}' already exists."));
                continue;
            }

            var contacts = customer.Contacts.Select(c => new ContactDetails(c.Name, c.Title, c.Email, c.Phone, c.IsPrimary)).ToList();
            if (item.Contact is { } contact)
            {
                var at = contacts.FindIndex(c => c.Name == contact.Name);
                if (at >= 0)
                {
                    contacts[at] = contacts[at] with { Email = contact.Email ?? contacts[at].Email, Phone = contact.Phone ?? contacts[at].Phone };
                }
                else
                {
                    contacts.Add(contact with { IsPrimary = contacts.Count == 0 });
                }
            }

            var d = item.Details;
            var merged = customer.Details with
            {
                Code = d.Code,
                Name = d.Name,
                Region = d.Region ?? customer.Region,
                Address = d.Address ?? customer.Address,
                Email = d.Email ?? customer.Email,
                Phone = d.Phone ?? customer.Phone,
                Currency = d.Currency ?? customer.Currency,
                CreditLimit = d.CreditLimit ?? customer.CreditLimit?.Amount,
                PaymentTermsDays = d.PaymentTermsDays,
                Contacts = contacts,
            };
            if (WithCreditTerms(item, merged, customer, counts) is not { } allowed)
            {
                continue;
            }

            merged = allowed;
            var probe = new Customer(merged, customer.UpdatedAt);
            if (Same(customer, probe))
            {
                counts.Unchanged++;
                continue;
            }

            customer.Update(merged, Context.Now);
            counts.Updated++;
        }
    }

    /// <summary>The Customers capability's separation of duties for credit terms, as the API applies it.</summary>
    private CustomerDetails? WithCreditTerms(Item item, CustomerDetails details, Customer? current, ImportCounts counts)
    {
        var request = new CustomerRequest(details.Code, details.Name, item.CreditLimit, PaymentTermsDays: item.PaymentTermsDays);
        try
        {
            return CreditTerms.Apply(details, request, current, Context.Caller.Principal, Context.Services.GetRequiredService<IOptions<CreditTermsOptions>>().Value);
        }
        catch (ForbiddenException e)
        {
            counts.LateProblems.Add(new ImportProblem(item.Line, item.CreditLimit is not null ? "Credit limit" : "Payment terms (days)", e.Code, e.Message));
            return null;
        }
    }

    private static bool Same(Customer a, Customer b) =>
        a.Code == b.Code && a.Name == b.Name && a.Region == b.Region && a.Address == b.Address && a.Email == b.Email && a.Phone == b.Phone
        && a.Currency == b.Currency && a.CreditLimitMinor == b.CreditLimitMinor && a.PaymentTermsDays == b.PaymentTermsDays
        && a.Contacts.Count == b.Contacts.Count
        && a.Contacts.Zip(b.Contacts).All(p => p.First.Name == p.Second.Name && p.First.Email == p.Second.Email && p.First.Phone == p.Second.Phone
            && p.First.Title == p.Second.Title && p.First.IsPrimary == p.Second.IsPrimary);
}
