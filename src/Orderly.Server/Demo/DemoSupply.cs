namespace Orderly.Server.Demo;

/// <summary>
/// The supply side of the demo: which warehouses stock which products, which products were discontinued or hit by a
/// supplier problem lately, and the order-up-to levels that weekly replenishment keeps.
/// </summary>
internal sealed class DemoSupply
{
    private const double WeeksOfHistory = DemoTimeline.Days / 7.0;

    private readonly DemoWorld _world;
    private readonly bool[,] _stocked;
    private readonly DateTimeOffset[] _soldUntil;
    private readonly DateTimeOffset[] _disruptedFrom;
    private readonly int[] _homeByCustomer;
    private readonly decimal[,] _weeklyDemand;

    public DemoSupply(DemoWorld world, DateTimeOffset now, Random random)
    {
        _world = world;
        var products = world.Products.Count;
        var warehouses = world.Warehouses.Count;
        _stocked = new bool[products, warehouses];
        _soldUntil = new DateTimeOffset[products];
        _disruptedFrom = new DateTimeOffset[products];
        _weeklyDemand = new decimal[products, warehouses];
        foreach (var product in world.Products)
        {
            var spread = random.Next(0, 100);
            var second = 1 + random.Next(0, Math.Max(1, warehouses - 1));
            for (var w = 0; w < warehouses; w++)
            {
                // Most lines are kept everywhere, some in the main and one regional warehouse, a few only centrally.
                _stocked[product.Index, w] = spread < 55 || w == 0 || (spread < 85 && w == second % warehouses);
            }

            var discontinuedDays = 150 + random.Next(0, 150);
            var disrupted = random.Next(0, 100) < 6;
            var disruptedDays = 25 + random.Next(0, 25);
            _soldUntil[product.Index] = product.Entity.IsActive ? DateTimeOffset.MaxValue
                : now.AddDays(product.Spec.Discontinued ? -discontinuedDays : -30);
            _disruptedFrom[product.Index] = product.Entity.IsActive && disrupted ? now.AddDays(-disruptedDays) : DateTimeOffset.MaxValue;
        }

        _homeByCustomer = [.. world.Customers.Select(c => HomeOf(c.Entity.Region))];
    }

    public bool IsSold(int product, DateTimeOffset at) => at < _soldUntil[product];

    public bool IsEverDisrupted(int product) => _disruptedFrom[product] != DateTimeOffset.MaxValue;

    /// <summary>A supplier problem: no replenishment and no expediting for the product since it began.</summary>
    public bool IsDisrupted(int product, DateTimeOffset at) => at >= _disruptedFrom[product];

    public bool IsStocked(int product, int warehouse) => _stocked[product, warehouse];

    public int HomeWarehouse(int customer) => _homeByCustomer[customer];

    /// <summary>Spreads the planned demand over the warehouses that would serve it, as the weekly demand per balance.</summary>
    public void EstimateDemand(IEnumerable<PlannedOrder> plans)
    {
        var total = new decimal[_weeklyDemand.GetLength(0), _weeklyDemand.GetLength(1)];
        foreach (var plan in plans.Where(p => p.Consumes))
        {
            var home = _homeByCustomer[plan.Customer];
            foreach (var line in plan.Lines)
            {
                total[line.Product, ServingWarehouse(line.Product, home)] += line.Quantity;
            }
        }

        for (var p = 0; p < total.GetLength(0); p++)
        {
            for (var w = 0; w < total.GetLength(1); w++)
            {
                _weeklyDemand[p, w] = total[p, w] / (decimal)WeeksOfHistory;
            }
        }
    }

    /// <summary>The level a replenishment fills up to: three weeks of demand plus a working stock of a few orders.</summary>
    public decimal Target(int product, int warehouse)
    {
        var spec = _world.Products[product].Spec;
        return RoundUp((3m * _weeklyDemand[product, warehouse]) + (6m * spec.TypicalQuantity), spec.Step);
    }

    public decimal ReorderPoint(int product, int warehouse) =>
        (1.5m * _weeklyDemand[product, warehouse]) + (2m * _world.Products[product].Spec.TypicalQuantity);

    public int ServingWarehouse(int product, int home)
    {
        if (_stocked[product, home])
        {
            return home;
        }

        for (var w = 0; w < _stocked.GetLength(1); w++)
        {
            if (_stocked[product, w])
            {
                return w;
            }
        }

        return 0;
    }

    public static decimal RoundUp(decimal quantity, decimal step) => Math.Max(step, decimal.Ceiling(quantity / step) * step);

    /// <summary>The warehouse in the customer's region; West is served from the south, Central from the east.</summary>
    private int HomeOf(string? region)
    {
        var target = region switch { "West" => "South", "Central" => "East", _ => region };
        var index = _world.Warehouses.ToList().FindIndex(w => w.Region == region);
        if (index < 0)
        {
            index = _world.Warehouses.ToList().FindIndex(w => w.Region == target);
        }

        return Math.Max(0, index);
    }
}
