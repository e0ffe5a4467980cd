using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;

namespace Orderly.Domain.Tests.Orders;

/// <summary>Lines of one product are judged together, and each per-product warning is given once.</summary>
public sealed class OrderEntryPerProductTests
{
    private readonly EntryScenario _given = new();

    [Fact]
    public void Check_TwoLinesOfOneProductTogetherAboveFiveTimesUsual_WarnsOnce()
    {
        var context = _given.Context() with { UsualQuantities = new Dictionary<Guid, decimal> { [_given.Bolt.Id] = 10m } };

        var check = OrderEntry.Check(_given.Request(EntryScenario.Line(_given.Bolt, 30), EntryScenario.Line(_given.Bolt, 30)), context);

        var warning = Assert.Single(check.Warnings, w => w.Code == "QuantityAboveUsual");
        Assert.Equal("lines[1].quantity", warning.Field);
    }

    [Fact]
    public void Check_ThreeLinesOfOneProductPastTheStock_WarnsStockShortOnce()
    {
        var context = _given.Context() with { Available = new Dictionary<Guid, decimal> { [_given.Bolt.Id] = 10m } };

        var check = OrderEntry.Check(
            _given.Request(EntryScenario.Line(_given.Bolt, 6), EntryScenario.Line(_given.Bolt, 6), EntryScenario.Line(_given.Bolt, 6)), context);

        var warning = Assert.Single(check.Warnings, w => w.Code == "StockShort");
        Assert.Equal("lines[1].quantity", warning.Field);
    }

    [Fact]
    public void Customer_ContactWithoutAtSign_IsRefusedAtItsField()
    {
        var details = new CustomerDetails("C-1", "华联", Contacts: [new ContactDetails("张伟", Email: "zhang.example.com")]);

        var refused = Assert.Throws<RuleViolationException>(() => new Customer(details, DateTimeOffset.UnixEpoch));

        Assert.Contains(refused.Violations, v => v.Field == "contacts[0].email" && v.Code == "InvalidEmail");
    }
}
