using Microsoft.Extensions.Options;
using Orderly.Server.Audit;

namespace Orderly.Server.Platform;

/// <summary>
/// One capability of Orderly, plugged into the host: its services and options, its routes, its permissions, how
/// its entities are audited, its navigation entries and its event handlers. The host lists modules and nothing
/// else (<see cref="OrderlyModules"/>); adding a capability means adding its folder and one line there.
/// </summary>
public interface IOrderlyModule
{
    /// <summary>The capability's name, as its folder is named (<c>Orders</c>, <c>Inventory</c>, ...).</summary>
    string Name { get; }

    /// <summary>Registers services, options (<see cref="ModuleServices.AddOptions{T}"/>) and event handlers.</summary>
    void AddServices(ModuleServices capability)
    {
    }

    /// <summary>Maps the capability's routes; each names a policy of <see cref="Permissions"/> or is anonymous on purpose.</summary>
    void MapEndpoints(IEndpointRouteBuilder app)
    {
    }

    /// <summary>The authorization policies this capability declares: read by endpoints, the UI and the matrix test.</summary>
    IEnumerable<AccessPolicy> Permissions => [];

    /// <summary>Declares, for every entity type the capability owns, how it is audited or why it is not.</summary>
    void ConfigureAudit(AuditMap audit)
    {
    }

    /// <summary>Runs once at start, after the migrations, as the system actor <c>startup</c> (seed what must exist).</summary>
    Task PrepareAsync(ModuleStart start, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The capability's pages in the navigation menu.</summary>
    IEnumerable<NavigationEntry> Navigation => [];
}

/// <summary>What a module registers into: the service collection plus the configuration it binds options from.</summary>
public sealed class ModuleServices(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;

    public IHostEnvironment Environment { get; } = environment;

    /// <summary>The one way options are registered: bound from a section, validated by data annotations, checked at start.</summary>
    public OptionsBuilder<T> AddOptions<T>(string section)
        where T : class =>
        Services.AddOptions<T>().Bind(Configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>Registers an in-process event handler; the dispatcher delivers matching events to it at least once and applies them once.</summary>
    public void AddEventHandler<THandler>()
        where THandler : class, Events.IEventSubscriber =>
        Services.AddScoped<Events.IEventSubscriber, THandler>();
}

/// <summary>What a module's start-up work gets: a scope acting as the system, the configuration and the start-up log.</summary>
public sealed record ModuleStart(IServiceProvider Services, IConfiguration Configuration, ILogger Log);

/// <summary>A page in the navigation menu: shown to callers who hold <paramref name="Policy"/>.</summary>
/// <param name="Href">The page's route.</param>
/// <param name="Label">The resource key of its label.</param>
/// <param name="Policy">The policy the caller needs to see it.</param>
/// <param name="Order">Position in its group (or among the top-level entries), ascending.</param>
/// <param name="Group">The menu group (<see cref="NavigationGroups"/>), or null for a top-level entry.</param>
/// <param name="Icon">A MudBlazor icon, for top-level entries.</param>
/// <param name="MatchPrefix">Highlighted on sub-pages too (e.g. a customer's detail under /customers).</param>
public sealed record NavigationEntry(string Href, string Label, string Policy, int Order, string? Group = null, string? Icon = null, bool MatchPrefix = false);

/// <summary>The menu's groups: resource key of the title, icon and position.</summary>
public static class NavigationGroups
{
    public const string SalesOrders = "SalesOrders";
    public const string Inventory = "Inventory";
    public const string MasterData = "MasterData";
    public const string Billing = "BillingGroup";

    public static readonly IReadOnlyList<(string Key, string Icon, int Order)> All =
    [
        (SalesOrders, MudBlazor.Icons.Material.Filled.ReceiptLong, 100),
        (Inventory, MudBlazor.Icons.Material.Filled.Warehouse, 200),
        (Billing, MudBlazor.Icons.Material.Filled.RequestQuote, 250),
        (MasterData, MudBlazor.Icons.Material.Filled.Business, 300),
    ];
}
