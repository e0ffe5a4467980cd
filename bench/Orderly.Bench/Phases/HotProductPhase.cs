using System.Globalization;

namespace Orderly.Bench.Phases;

/// <summary>
/// P4: 64 clients race for the last 1,000 units (200 in smoke mode) of one product (one unit per order, a customer that takes no
/// backorders): exactly 1,000 sold, nothing oversold, every other answer "insufficient stock". P5: reservations of
/// one hot product through the API at 4 and at 64 clients, alternated.
/// </summary>
public sealed class HotProductPhase : IPhase
{

    public string Name => "hot-product";

    public bool InSmoke => true;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        var lastUnits = run.Options.Smoke ? 200 : 1000;
        await using var server = await run.StartSqliteServerAsync("hot");
        using var api = await BenchApi.ConnectAsync(server.Address, 64);
        var fixture = await Fixture.CreateAsync(api, "H");

        var race = await fixture.HotProductAsync(api, "RACE", lastUnits);
        var raceBody = Fixture.OneLineBody(fixture.NoBackorderCustomer, race, 1);
        var result = await Load.RunAsync(64, TimeSpan.FromMinutes(5), lastUnits + (64 * 4),
            async (_, _, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, raceBody, token)).Outcome, ct);
        var stock = (await api.GetAsync($"/api/inventory/stock?productId={race}"))["items"]!.AsArray();
        var reserved = stock.Sum(s => s!["reserved"]!.GetValue<decimal>());
        var onHand = stock.Sum(s => s!["onHand"]!.GetValue<decimal>());
        report.Line(Name, $"race for the last {lastUnits} units: {result.Describe()}; stock afterwards: {onHand} on hand, {reserved} reserved");
        var exact = result.Ok == lastUnits && reserved == lastUnits && onHand == lastUnits && result.Failed == 0;
        report.Bar("P4", result.Ok, "units sold", lastUnits, exact,
            $"64 clients, 1 unit per order; {result.Refused} refused as insufficient stock, {result.Failed} other errors, {reserved} reserved of {onHand}");
        if (result.Ok > lastUnits || reserved > onHand)
        {
            report.Fail(Name, $"oversold: {result.Ok} orders confirmed, {reserved} reserved of {onHand}");
        }
        else if (!exact)
        {
            report.Fail(Name, $"race: {result.Ok} sold, {reserved} reserved of {lastUnits}; failures: {string.Join("; ", result.Failures.Select(f => $"{f.Value} x {f.Key}"))}");
        }

        var hot = await fixture.HotProductAsync(api, "P5", 100_000_000m);
        var hotBody = Fixture.OneLineBody(fixture.Customers[0], hot, 1);
        async Task<double> Reservations(int clients)
        {
            var round = await Load.RunAsync(clients, run.Options.Round, long.MaxValue,
                async (_, _, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, hotBody, token)).Outcome, ct);
            report.Line(Name, string.Create(CultureInfo.InvariantCulture, $"hot product reservations, {round.Describe()}"));
            if (round.Failed > 0)
            {
                report.Fail(Name, $"{round.Failed} hot-product orders failed: {string.Join("; ", round.Failures.Keys)}");
            }

            return round.PerSecond;
        }

        await Reservations(64);
        var scaling = await Comparison.AlternateAsync("4 clients", () => Reservations(4), "64 clients", () => Reservations(64), run.Options.Pairs);
        report.Bar("P5", scaling.MedianB, "reservations/s", 15000, scaling.MedianB >= 15000 && scaling.MedianRatio >= 0.95,
            $"1-line orders of one product placed + confirmed at 64 clients; 64 / 4 clients = {scaling.MedianRatio:N3} (target >= 0.95), 4-client median {scaling.MedianA:N0}/s");
        report.FailIfFarBelow(Name, "P5 scaling (64 / 4 clients)", scaling.MedianRatio, 0.5);
    }
}
