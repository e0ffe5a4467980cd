using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Tests.Orders;

namespace Orderly.Domain.Tests.Customers;

public sealed class CustomerTests
{
    private static readonly CustomerDetails Valid = new(
        "C-0001", "上海华联贸易有限公司", Region: "华东", Email: "buyer@hualian.example", Currency: "CNY", CreditLimit: 500_000m,
        Contacts: [new ContactDetails("张伟", Title: "采购经理", Email: "zhang.wei@hualian.example", IsPrimary: true)]);

    [Fact]
    public void Constructor_WithValidDetails_KeepsEveryField()
    {
        var customer = new Customer(Valid, OrderBuilder.Start);

        Assert.Equal("上海华联贸易有限公司", customer.Name);
        Assert.Equal(50_000_000L, customer.CreditLimitMinor);
        Assert.Equal(new Money(500_000m, "CNY"), customer.CreditLimit);
        Assert.Equal(30, customer.PaymentTermsDays);
        Assert.True(customer.IsActive);
        Assert.False(customer.IsBlocked);
        var contact = Assert.Single(customer.Contacts);
        Assert.Equal(("张伟", true), (contact.Name, contact.IsPrimary));
    }

    [Fact]
    public void Constructor_WithoutCreditLimit_HasNoLimit()
    {
        var customer = new Customer(Valid with { CreditLimit = null }, OrderBuilder.Start);

        Assert.Null(customer.CreditLimitMinor);
        Assert.Null(customer.CreditLimit);
    }

    [Theory]
    [InlineData("buyer.hualian.example")]
    [InlineData("buyer at hualian")]
    public void Constructor_EmailWithoutAt_ReportsInvalidEmail(string email)
    {
        var error = Assert.Throws<RuleViolationException>(() => new Customer(Valid with { Email = email }, OrderBuilder.Start));

        AssertOnly(error, "email", "InvalidEmail");
    }

    [Fact]
    public void Constructor_BlankEmail_IsStoredAsNone()
    {
        Assert.Null(new Customer(Valid with { Email = "  " }, OrderBuilder.Start).Email);
    }

    [Fact]
    public void Constructor_UnknownCurrency_ReportsCurrency()
    {
        var error = Assert.Throws<RuleViolationException>(() => new Customer(Valid with { Currency = "XXX" }, OrderBuilder.Start));

        AssertOnly(error, "currency", "UnknownCurrency");
    }

    [Theory]
    [InlineData("CNY", "-1")]
    [InlineData("CNY", "100.001")]
    [InlineData("JPY", "100000.5")]
    [InlineData("CNY", "1000000000000.01")]
    public void Constructor_InvalidCreditLimit_ReportsCreditLimit(string currency, string limit)
    {
        var details = Valid with { Currency = currency, CreditLimit = decimal.Parse(limit, System.Globalization.CultureInfo.InvariantCulture) };

        var error = Assert.Throws<RuleViolationException>(() => new Customer(details, OrderBuilder.Start));

        AssertOnly(error, "creditLimit", "InvalidCreditLimit");
    }

    [Fact]
    public void Constructor_KwdCreditLimit_IsStoredInFils()
    {
        var customer = new Customer(Valid with { Currency = "KWD", CreditLimit = 12_345.678m }, OrderBuilder.Start);

        Assert.Equal(12_345_678L, customer.CreditLimitMinor);
        Assert.Equal(new Money(12_345.678m, "KWD"), customer.CreditLimit);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(366)]
    public void Constructor_PaymentTermsOutOfRange_ReportsPaymentTermsDays(int days)
    {
        var error = Assert.Throws<RuleViolationException>(() => new Customer(Valid with { PaymentTermsDays = days }, OrderBuilder.Start));

        AssertOnly(error, "paymentTermsDays", "OutOfRange");
    }

    [Fact]
    public void Constructor_ContactWithoutName_ReportsTheContactsPath()
    {
        var details = Valid with { Contacts = [new ContactDetails("李娜"), new ContactDetails(" ")] };

        var error = Assert.Throws<RuleViolationException>(() => new Customer(details, OrderBuilder.Start));

        AssertOnly(error, "contacts[1].name", "Required");
    }

    [Fact]
    public void Constructor_MoreThanFiftyContacts_ReportsTooMany()
    {
        var contacts = Enumerable.Range(1, Customer.MaxContacts + 1).Select(i => new ContactDetails($"Contact {i}")).ToList();

        var error = Assert.Throws<RuleViolationException>(() => new Customer(Valid with { Contacts = contacts }, OrderBuilder.Start));

        AssertOnly(error, "contacts", "TooMany");
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsEachField()
    {
        var details = new CustomerDetails("", "Acme", Email: "nobody", Currency: "CNY", CreditLimit: -5m, PaymentTermsDays: 400);

        var error = Assert.Throws<RuleViolationException>(() => new Customer(details, OrderBuilder.Start));

        Assert.Equal(
            [("code", "Required"), ("creditLimit", "InvalidCreditLimit"), ("email", "InvalidEmail"), ("paymentTermsDays", "OutOfRange")],
            error.Violations.Select(v => (v.Field, v.Code)));
    }

    [Fact]
    public void Constructor_NameLengthIsCountedInCharacters()
    {
        var name = string.Concat(Enumerable.Repeat("华", Customer.NameMaxLength));

        Assert.Equal(name, new Customer(Valid with { Name = name }, OrderBuilder.Start).Name);
        var error = Assert.Throws<RuleViolationException>(() => new Customer(Valid with { Name = name + "联" }, OrderBuilder.Start));
        AssertOnly(error, "name", "TooLong");
    }

    [Fact]
    public void Update_WithInvalidDetails_LeavesTheCustomerUnchanged()
    {
        var customer = new Customer(Valid, OrderBuilder.Start);

        Assert.Throws<RuleViolationException>(() => customer.Update(Valid with { Name = "Renamed", Email = "bad" }, OrderBuilder.Start.AddDays(1)));

        Assert.Equal("上海华联贸易有限公司", customer.Name);
        Assert.Single(customer.Contacts);
        Assert.Equal(OrderBuilder.Start, customer.UpdatedAt);
    }

    private static void AssertOnly(RuleViolationException error, string field, string code)
    {
        var violation = Assert.Single(error.Violations);
        Assert.Equal((field, code), (violation.Field, violation.Code));
    }
}
