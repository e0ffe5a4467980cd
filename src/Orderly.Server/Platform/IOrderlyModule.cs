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

/// <summary>A page in the navigation menu: shown to callers who hold <paramref name="Policy"/>.</summary>
/// <param name="Href">The page's route.</param>
/// <param name="Label">The resource key of its label.</param>
/// <param name="Icon">A MudBlazor icon.</param>
/// <param name="Policy">The policy the caller needs to see it.</param>
/// <param name="Order">Position in the menu, ascending.</param>
public sealed record NavigationEntry(string Href, string Label, string Icon, string Policy, int Order);
