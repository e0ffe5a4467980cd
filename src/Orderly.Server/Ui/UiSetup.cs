using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using Orderly.Server.Components;
using Orderly.Server.Identity;

namespace Orderly.Server.Ui;

/// <summary>The web UI: Blazor (interactive server) with MudBlazor, localised in English and Chinese.</summary>
public static class UiSetup
{
    public static void AddOrderlyUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddScoped<UiApi>();
        services.AddScoped<DashboardQueries>();
        services.AddScoped<UiQueries>();
        services.AddScoped<InventoryQueries>();
        services.AddScoped<StockReceipts>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(UiEndpoints.Cultures[0]).AddSupportedCultures(UiEndpoints.Cultures).AddSupportedUICultures(UiEndpoints.Cultures);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // The remembered choice first, then the browser's languages; no query-string switch.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
    }

    /// <summary>
    /// A server run from its build output (`dotnet run`, any environment) serves the package assets (MudBlazor's CSS
    /// and JS, blazor.web.js) from where the build manifest points, as Development does by default; without this a
    /// Production run answers 500 for them and the UI is blank. A published server has no such manifest and serves
    /// its own wwwroot.
    /// </summary>
    private static void UseBuildOutputAssets(WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        }
    }

    /// <summary>Maps the pages, the Blazor hub and the static files; each endpoint names its policy or is open on purpose.</summary>
    public static void MapOrderlyUi(this WebApplication app)
    {
        app.MapUiEndpoints();
        UseBuildOutputAssets(app);
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .Add(endpoint =>
            {
                var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
                if (route.StartsWith("/_framework", StringComparison.Ordinal) || route.StartsWith("_framework", StringComparison.Ordinal))
                {
                    endpoint.Metadata.Add(new AllowAnonymousAttribute());
                }
                else if (route.TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal))
                {
                    endpoint.Metadata.Add(new AuthorizeAttribute(Policies.Read));
                }
            });
    }
}
