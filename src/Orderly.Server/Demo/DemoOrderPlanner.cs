using Orderly.Domain.Allocation;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;

namespace Orderly.Server.Demo;

/// <summary>A customer's buying habit: a product it orders again and again, in about this quantity.</summary>
internal readonly record struct DemoHabit(int Product, decimal Quantity, double Weight);

/// <summary>
/// Plans the demo order history before any of it is simulated: when each order is entered, by which customer, with
/// which lines and discounts, and the road it takes. Older orders are mostly delivered, recent ones in earlier stages.
/// </summary>
internal sealed class DemoOrderPlanner(DemoWorld world, DemoTimeline timeline, DemoSupply supply, ApprovalRules rules, Random random)
{
    private static readonly OrderStatus[] Statuses = Enum.GetValues<OrderStatus>();

    private static readonly int[] LineCountWeights = [18, 20, 18, 14, 11, 8, 6, 5];

    private readonly double[] _customerWeights = [.. world.Customers.Select(c => TierWeight(c.Spec.Tier) * (0.7 + (0.6 * random.NextDouble())))];

    private readonly decimal[] _maxDiscount = [.. world.Products.Select(p => LargestDiscount(p))];

    public DemoHabit[][] Habits { get; } = new DemoHabit[world.Customers.Count][];

    public List<PlannedOrder> Plan(DateTimeOffset[] entryTimes)
    {
        foreach (var customer in world.Customers)
        {
            Habits[customer.Index] = HabitsOf(customer);
        }

        var plans = entryTimes.Select((at, i) => new PlannedOrder(i, at)).ToList();
        foreach (var plan in plans)
        {
            plan.Customer = PickCustomer(plan.CreatedAt);
            ChooseFate(plan);
        }

        GuaranteeEveryStatus(plans);
        foreach (var plan in plans)
        {
            PlanLines(plan);
            PlanSteps(plan);
        }

        return plans;
    }

    /// <summary>The smallest age (hours) at which an order can plausibly have reached the status.</summary>
    private static double MinimumAgeHours(OrderStatus status) => status switch
    {
        OrderStatus.Draft => 0,
        OrderStatus.PendingApproval or OrderStatus.Confirmed => 0.25,
        OrderStatus.Cancelled or OrderStatus.Rejected or OrderStatus.OnHold => 1.5,
        OrderStatus.PartiallyShipped or OrderStatus.Shipped => 4,
        _ => 30,
    };

    /// <summary>Relative chances of each status (in enum order) by the order's age: old orders are nearly all delivered.</summary>
    private static double[] FateWeights(double ageDays) => ageDays switch
    {
        // Draft, PendingApproval, Confirmed, PartiallyShipped, Shipped, Delivered, Cancelled, Rejected, OnHold
        < 1 => [22, 12, 40, 5, 10, 0, 4, 2, 3],
        < 4 => [6, 6, 25, 12, 24, 14, 5, 3, 4],
        < 14 => [2, 2, 8, 8, 12, 56, 6, 3, 3],
        < 60 => [0.5, 0.5, 2, 2, 2, 82.5, 6, 3, 1.5],
        _ => [0.2, 0.1, 0.3, 0.5, 0.5, 88.8, 6, 3, 0.6],
    };

    private static double TierWeight(CustomerTier tier) => tier switch
    {
        CustomerTier.Strategic => 6,
        CustomerTier.Gold => 3.5,
        CustomerTier.Silver => 2,
        _ => 1,
    };

    private bool ShipsComplete(PlannedOrder plan) => world.Customers[plan.Customer].Entity.ReservationPolicy == ReservationPolicy.ShipComplete;

    private double AgeDays(PlannedOrder plan) => (timeline.Now - plan.CreatedAt).TotalDays;

    private DemoHabit[] HabitsOf(DemoCustomer customer)
    {
        var size = customer.Spec.Tier switch
        {
            CustomerTier.Strategic => 2.5m,
            CustomerTier.Gold => 1.6m,
            CustomerTier.Silver => 1.1m,
            _ => 0.7m,
        };
        var categories = customer.Spec.Categories.Select(c => DemoCatalog.Categories[c]).ToHashSet(StringComparer.Ordinal);
        var pool = world.Products.Where(p => categories.Contains(p.Spec.Category)).OrderBy(_ => random.Next()).ToList();
        var count = Math.Min(pool.Count, 8 + random.Next(0, 15));
        return [.. pool.Take(count).Select((p, rank) => new DemoHabit(
            p.Index,
            RoundToStep(p.Spec.TypicalQuantity * size * (decimal)(0.6 + random.NextDouble()), p.Spec.Step),
            1 / Math.Pow(rank + 1, 0.8)))];
    }

    private int PickCustomer(DateTimeOffset at)
    {
        var ageDays = (timeline.Now - at).TotalDays;
        var total = 0d;
        var weights = new double[world.Customers.Count];
        foreach (var customer in world.Customers)
        {
            var spec = customer.Spec;
            if (spec.SinceDays >= ageDays && spec.UntilDays <= ageDays)
            {
                weights[customer.Index] = _customerWeights[customer.Index];
                total += weights[customer.Index];
            }
        }

        return WeightedIndex(weights, total);
    }

    private void ChooseFate(PlannedOrder plan)
    {
        var ageDays = AgeDays(plan);
        var weights = FateWeights(ageDays);
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = ageDays * 24 >= MinimumAgeHours(Statuses[i]) ? weights[i] : 0;
        }

        SetFate(plan, Statuses[WeightedIndex(weights, weights.Sum())]);
    }

    private void SetFate(PlannedOrder plan, OrderStatus fate)
    {
        // A customer who takes complete shipments only is never shipped in parts.
        var complete = ShipsComplete(plan);
        plan.Fate = complete && fate == OrderStatus.PartiallyShipped ? OrderStatus.Shipped : fate;
        fate = plan.Fate;
        plan.CancelledFrom = fate != OrderStatus.Cancelled ? OrderStatus.Draft : random.Next(0, 100) switch
        {
            < 25 => OrderStatus.Draft,
            < 40 => OrderStatus.PendingApproval,
            < 85 => OrderStatus.Confirmed,
            _ => OrderStatus.OnHold,
        };
        plan.HoldEpisode = fate is OrderStatus.Shipped or OrderStatus.Delivered && random.Next(0, 100) < 3;
        plan.Waves = fate == OrderStatus.PartiallyShipped || (fate is OrderStatus.Shipped or OrderStatus.Delivered && random.Next(0, 100) < 15 && !complete) ? 2 : 1;
        plan.SpecialDiscount = fate is OrderStatus.PendingApproval or OrderStatus.Rejected
            || (fate == OrderStatus.Cancelled && plan.CancelledFrom == OrderStatus.PendingApproval)
            || random.Next(0, 1000) < 25;
    }

    /// <summary>A small history may not reach every status by chance; turn a few delivered orders into the missing ones.</summary>
    private void GuaranteeEveryStatus(List<PlannedOrder> plans)
    {
        var minimum = Math.Clamp(plans.Count / 150, 1, 3);
        var counts = Statuses.ToDictionary(s => s, s => plans.Count(p => p.Fate == s));
        foreach (var status in Statuses)
        {
            while (counts[status] < minimum)
            {
                var candidate = plans
                    .Where(p => !p.Guaranteed && p.Fate != status && counts[p.Fate] > minimum && AgeDays(p) * 24 >= MinimumAgeHours(status)
                        && !(status == OrderStatus.PartiallyShipped && ShipsComplete(p)))
                    .OrderByDescending(p => p.Fate == OrderStatus.Delivered)
                    .ThenByDescending(p => p.CreatedAt)
                    .FirstOrDefault();
                if (candidate is null)
                {
                    break;
                }

                counts[candidate.Fate]--;
                SetFate(candidate, status);
                candidate.Guaranteed = true;
                counts[status]++;
            }
        }
    }

    private void PlanLines(PlannedOrder plan)
    {
        var customer = world.Customers[plan.Customer];
        var habits = Habits[plan.Customer].Where(h => Orderable(h.Product, plan)).ToList();
        var count = 1 + WeightedIndex([.. LineCountWeights.Select(w => (double)w)], LineCountWeights.Sum());
        if (plan.Waves == 2)
        {
            count = Math.Max(count, 2);
        }

        var lines = new List<PlannedLine>();
        var used = new HashSet<int>();
        var discount = TierDiscount(customer.Spec.Tier);
        // Now and then a large account orders for a project (a new line, a plant overhaul): many times the usual quantities.
        var project = customer.Spec.Tier is CustomerTier.Strategic or CustomerTier.Gold && random.Next(0, 100) < 5 ? 4 + (8 * random.NextDouble()) : 1;
        for (var attempt = 0; lines.Count < count && attempt < 200; attempt++)
        {
            int product;
            decimal quantity;
            if (habits.Count > 0 && random.Next(0, 100) < 80)
            {
                var habit = habits[WeightedIndex([.. habits.Select(h => h.Weight)], habits.Sum(h => h.Weight))];
                habits.Remove(habit);
                product = habit.Product;
                var spike = random.Next(0, 1000) < 15 ? 6 + (3 * random.NextDouble()) : project;
                quantity = RoundToStep(habit.Quantity * (decimal)(Math.Exp(0.35 * Normal()) * spike), world.Products[product].Spec.Step);
            }
            else
            {
                var other = world.Products[random.Next(0, world.Products.Count)];
                var anyCategory = lines.Count == 0 && attempt > 100;
                if (!(anyCategory || customer.Spec.Categories.Any(c => DemoCatalog.Categories[c] == other.Spec.Category)) || !Orderable(other.Index, plan))
                {
                    continue;
                }

                product = other.Index;
                quantity = RoundToStep(other.Spec.TypicalQuantity * (decimal)((0.3 + (0.9 * random.NextDouble())) * project), other.Spec.Step);
            }

            if (!used.Add(product))
            {
                continue;
            }

            var lineDiscount = random.Next(0, 100) < 60 ? discount : random.Next(0, 100) < 6 ? random.Next(3, 9) : 0m;
            lines.Add(new PlannedLine(product, quantity, Math.Min(lineDiscount, MaxDiscount(product, rules.LineDiscountAbovePercent)), 1));
        }

        if (lines.Count == 0)
        {
            throw new InvalidOperationException($"No demo product can be ordered by {customer.Spec.Code} at {plan.CreatedAt:u}.");
        }

        if (plan.SpecialDiscount && !ApplySpecialDiscount(plan, lines) && plan.Guaranteed)
        {
            throw new InvalidOperationException("No demo product allows a discount above the approval threshold.");
        }

        if (plan.Waves == 2 && lines.Count >= 2)
        {
            var firstWave = 1 + random.Next(0, lines.Count - 1);
            lines = [.. lines.Select((l, i) => l with { Wave = i < firstWave ? 1 : 2 })];
        }

        plan.Lines = [.. lines];
        plan.RequestedDeliveryDate = random.Next(0, 2) == 0 ? timeline.LocalDate(plan.CreatedAt).AddDays(3 + random.Next(0, 19)) : null;
        plan.HasCustomerPo = random.Next(0, 100) < 65;
        plan.EnteredBy = random.Next(0, 100) < 55 ? world.Staff.Clerk : world.Staff.Reps[customer.Spec.Rep - 1];
    }

    /// <summary>Gives one line a discount above the approval threshold (within the product's minimum price).</summary>
    private bool ApplySpecialDiscount(PlannedOrder plan, List<PlannedLine> lines)
    {
        var threshold = rules.LineDiscountAbovePercent;
        var wanted = threshold + 1 + random.Next(0, 3);
        for (var i = 0; i < lines.Count; i++)
        {
            var allowed = MaxDiscount(lines[i].Product, 99m);
            if (allowed > threshold)
            {
                lines[i] = lines[i] with { DiscountPercent = Math.Min(wanted, allowed) };
                return true;
            }
        }

        var replacement = world.Products.Where(p => Orderable(p.Index, plan) && MaxDiscount(p.Index, 99m) > threshold && lines.All(l => l.Product != p.Index))
            .OrderBy(_ => random.Next()).FirstOrDefault();
        if (replacement is null)
        {
            plan.SpecialDiscount = false;
            return false;
        }

        lines[^1] = new PlannedLine(replacement.Index, RoundToStep(replacement.Spec.TypicalQuantity, replacement.Spec.Step),
            Math.Min(wanted, MaxDiscount(replacement.Index, 99m)), 1);
        return true;
    }

    private void PlanSteps(PlannedOrder plan)
    {
        var steps = new List<(DemoStep Kind, double Hours, int Wave)>();
        var confirmed = plan.Fate is not (OrderStatus.Draft or OrderStatus.PendingApproval or OrderStatus.Rejected)
            && !(plan.Fate == OrderStatus.Cancelled && plan.CancelledFrom is OrderStatus.Draft or OrderStatus.PendingApproval);
        if (plan.Fate != OrderStatus.Draft && !(plan.Fate == OrderStatus.Cancelled && plan.CancelledFrom == OrderStatus.Draft))
        {
            steps.Add((DemoStep.Submit, timeline.Hours(0.6, 0.05, 10), 0));
        }

        if (confirmed)
        {
            steps.Add((DemoStep.ApproveIfPending, timeline.Hours(5, 0.3, 40), 0));
        }

        if (plan.Fate == OrderStatus.Rejected)
        {
            steps.Add((DemoStep.Reject, timeline.Hours(8, 0.5, 60), 0));
        }

        if (plan.Fate == OrderStatus.OnHold || plan.HoldEpisode || (plan.Fate == OrderStatus.Cancelled && plan.CancelledFrom == OrderStatus.OnHold))
        {
            steps.Add((DemoStep.Hold, timeline.Hours(8, 0.5, 72), 0));
        }

        if (plan.HoldEpisode)
        {
            steps.Add((DemoStep.Release, timeline.Hours(30, 2, 150), 0));
        }

        if (plan.ShipsInFull)
        {
            var waves = plan.Fate == OrderStatus.PartiallyShipped ? 1 : plan.Waves;
            for (var wave = 1; wave <= waves; wave++)
            {
                steps.Add((DemoStep.Ship, wave == 1 ? timeline.Hours(30, 2, 120) : timeline.Hours(80, 12, 300), wave));
            }
        }

        if (plan.Fate == OrderStatus.Delivered)
        {
            steps.Add((DemoStep.Deliver, timeline.Hours(40, 6, 160), 0));
        }

        if (plan.Fate == OrderStatus.Cancelled)
        {
            steps.Add((DemoStep.Cancel, timeline.Hours(20, 0.5, 300), 0));
        }

        var times = timeline.Place(plan.CreatedAt, [.. steps.Select(s => s.Hours)]);
        plan.Steps = [.. steps.Select((s, i) => new PlannedStep(s.Kind, times[i], s.Wave, plan.Waves))];
    }

    /// <summary>Sold at that time, and, for the orders that must reach their status, not in short supply.</summary>
    private bool Orderable(int product, PlannedOrder plan) =>
        supply.IsSold(product, plan.CreatedAt) && !(plan.Guaranteed && supply.IsEverDisrupted(product));

    private decimal MaxDiscount(int product, decimal cap) => Math.Min(_maxDiscount[product], cap);

    /// <summary>The largest whole or half percent that keeps the net price at or above the product's minimum price.</summary>
    private static decimal LargestDiscount(DemoProduct product)
    {
        var entity = product.Entity;
        for (var discount = 99.5m; discount > 0; discount -= 0.5m)
        {
            if ((entity.ListPrice * ((100m - discount) / 100m)).Rounded() >= entity.MinPrice)
            {
                return discount;
            }
        }

        return 0m;
    }

    private decimal TierDiscount(CustomerTier tier) => tier switch
    {
        CustomerTier.Strategic => 5 + random.Next(0, 4),
        CustomerTier.Gold => 3 + random.Next(0, 3),
        CustomerTier.Silver => 2,
        _ => 0,
    };

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private int WeightedIndex(double[] weights, double total)
    {
        var pick = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0 && weights[i] > 0)
            {
                return i;
            }
        }

        return Array.FindLastIndex(weights, w => w > 0) is var last and >= 0 ? last : 0;
    }

    internal static decimal RoundToStep(decimal quantity, decimal step) =>
        Math.Max(step, decimal.Round(quantity / step, MidpointRounding.AwayFromZero) * step);
}
