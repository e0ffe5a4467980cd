using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Demo;
using Orderly.Server.Identity;

namespace Orderly.Server.Admin;

/// <summary>
/// Verbs of the server executable: <c>migrate</c>, <c>seed-demo [--orders N] [--seed S]</c>,
/// <c>create-user --email E --password P [--name N] [--roles A,B]</c>, <c>verify-audit</c>,
/// <c>rebuild-analytics</c>, <c>permissions</c> (the permission table as Markdown, as docs/security.md shows it),
/// <c>forecast-accuracy</c> (the all-products forecast backtest as docs/analytics.md's accuracy table),
/// <c>demand-signals [--week yyyy-MM-dd]</c> (checks a closed week for demand spikes and drops now, as the weekly job does).
/// </summary>
public static class AdminCommands
{
    private static readonly string[] Verbs = ["migrate", "seed-demo", "create-user", "verify-audit", "rebuild-analytics", "permissions", "forecast-accuracy", "demand-signals", "help"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var options = ParseOptions(args.Skip(1));
        services.GetRequiredService<Identity.Caller>().ActAsSystem($"cli:{args[0]}");
        try
        {
            switch (args[0])
            {
                case "migrate":
                    await services.GetRequiredService<OrderlyDbContext>().Database.MigrateAsync();
                    Console.WriteLine("Database is up to date.");
                    return 0;
                case "seed-demo":
                    await services.GetRequiredService<OrderlyDbContext>().Database.MigrateAsync();
                    var orders = options.TryGetValue("orders", out var n) ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : new DemoSeedOptions().Orders;
                    var seed = options.TryGetValue("seed", out var s) ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : new DemoSeedOptions().Seed;
                    await services.GetRequiredService<DemoSeeder>().SeedAsync(new DemoSeedOptions(orders, seed), new ConsoleProgressBar(), CancellationToken.None);
                    Console.WriteLine();
                    Console.WriteLine($"Seeded demo data with {orders} orders.");
                    return 0;
                case "create-user":
                    await services.GetRequiredService<OrderlyDbContext>().Database.MigrateAsync();
                    var roles = options.TryGetValue("roles", out var r) ? r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
                    var user = await services.GetRequiredService<UserAccounts>().CreateAsync(
                        Required(options, "email"), Required(options, "password"), options.GetValueOrDefault("name"), roles);
                    Console.WriteLine($"Created user {user.Email} ({user.Id}) with roles {string.Join(", ", roles)}.");
                    return 0;
                case "permissions":
                    Console.Write(services.GetRequiredService<Platform.PermissionTable>().ToMarkdown());
                    return 0;
                case "forecast-accuracy":
                    var accuracy = await services.GetRequiredService<Analytics.ForecastService>().RunAllAsync(CancellationToken.None);
                    Console.Write(Analytics.ForecastAccuracyReport.ToMarkdown(accuracy));
                    return 0;
                case "demand-signals":
                    await services.GetRequiredService<OrderlyDbContext>().Database.MigrateAsync();
                    var signals = services.GetRequiredService<Analytics.DemandSignalService>();
                    var week = options.TryGetValue("week", out var w) ? DateOnly.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : signals.LastClosedWeek();
                    var run = await signals.DetectAsync(week, CancellationToken.None);
                    Console.WriteLine($"Week of {run.WeekStart:yyyy-MM-dd}: {run.Series} series, {run.Checked} with enough history; {run.Spikes} spikes and {run.Drops} drops recorded, {run.AlreadyRecorded} already recorded.");
                    return 0;
                case "verify-audit":
                    var verification = await Audit.AuditVerifier.VerifyAsync(services.GetRequiredService<OrderlyDbContext>(), CancellationToken.None);
                    Console.WriteLine(verification.IsIntact
                        ? $"Audit trail intact: {verification.Checked} records verified."
                        : $"AUDIT TRAIL BROKEN after {verification.Checked} good records: {verification.Problem}");
                    return verification.IsIntact ? 0 : 1;
                case "rebuild-analytics":
                    var db = services.GetRequiredService<OrderlyDbContext>();
                    await db.Database.MigrateAsync();
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    await using (var transaction = await db.Database.BeginTransactionAsync())
                    {
                        var rebuilt = await services.GetRequiredService<Analytics.RollupRebuild>().RunAsync(CancellationToken.None);
                        await transaction.CommitAsync();
                        Console.WriteLine($"Rebuilt the analytics rollups of {rebuilt.Orders} orders in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s.");
                    }

                    return 0;
                default:
                    Console.WriteLine("Usage: Orderly.Server [migrate | seed-demo [--orders N] [--seed S] | create-user --email E --password P [--name N] [--roles Admin,SalesRep] | verify-audit | rebuild-analytics | permissions | forecast-accuracy | demand-signals [--week yyyy-MM-dd]]");
                    return 0;
            }
        }
        catch (RuleViolationException e)
        {
            foreach (var v in e.Violations)
            {
                await Console.Error.WriteLineAsync($"{v.Field}: {v.Message}");
            }

            return 2;
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }

    private static Dictionary<string, string> ParseOptions(IEnumerable<string> args)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                result[name] = "";
            }
            else if (name is not null)
            {
                result[name] = arg;
                name = null;
            }
        }

        return result;
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"--{name} is required.");

    private sealed class ConsoleProgressBar : IProgress<DemoProgress>
    {
        public void Report(DemoProgress value)
        {
            const int width = 40;
            var share = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var filled = (int)(share * width);
            Console.Write($"\r{value.Stage,-12} [{new string('#', filled)}{new string('.', width - filled)}] {value.Done}/{value.Total}   ");
        }
    }
}
