using Orderly.Server.Platform;

namespace Orderly.Server.Ui;

/// <summary>The web UI: Blazor (interactive server) with MudBlazor, in Chinese and English.</summary>
public sealed class UiModule : IOrderlyModule
{
    public string Name => "Ui";

    public IEnumerable<NavigationEntry> Navigation =>
    [
        new("/", "Home", Identity.Policies.Read, 0, Icon: MudBlazor.Icons.Material.Filled.Dashboard),
    ];

    public IEnumerable<AccessPolicy> Permissions =>
    [
        new(UiPolicies.InteractiveUi, Name, Identity.Roles.All,
            "open the interactive UI's connection (`/_blazor`); every page and action then checks its own policy, so a Supplier login reaches the supplier portal only"),
    ];

    public void AddServices(ModuleServices capability) => capability.Services.AddOrderlyUi();

    public void MapEndpoints(IEndpointRouteBuilder app) => ((WebApplication)app).MapOrderlyUi();
}
