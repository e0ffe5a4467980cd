using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
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
        services.Replace(ServiceDescriptor.Transient<MudLocalizer, OrderlyMudLocalizer>());
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddScoped<UiApi>();
        services.AddScoped<DashboardQueries>();
        services.AddScoped<UiQueries>();
        services.AddScoped<InventoryQueries>();
        services.AddScoped<StockReceipts>();
        services.AddScoped<ShipmentQueries>();
        services.Configure<RouteOptions>(o => o.ConstraintMap["page"] = typeof(PagePathConstraint));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(UiEndpoints.Cultures[0]);
            o.SupportedCultures = UiCultures.Formatting;
            o.SupportedUICultures = UiCultures.Languages;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // The remembered choice first, then the browser's languages; no query-string switch.
            o.RequestCultureProviders = [new EnglishFormatsCultureProvider(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
    }

    /// <summary>
    /// A server run from its build output (`dotnet run`, any environment) serves the package assets (MudBlazor's CSS
    /// and JS, blazor.web.js) from where the build manifest points, as Development does by default; without this a
    /// Production run answers 500 for them and the UI is blank. A published server has no such manifest and serves
    /// the wwwroot published beside it.
    /// </summary>
    private static void UseBuildOutputAssets(WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(app.Environment, app.Configuration);
        }

        // A published server started from another directory has its content root there, without a wwwroot: the
        // assets are served from the wwwroot published beside the executable (else they answered 200 with no body).
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(app.Environment.WebRootPath) && Directory.Exists(published))
        {
            app.Environment.WebRootPath = published;
            app.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(published);
        }
    }

    // IResult, not RazorComponentResult<App>: the request delegate generator cannot name a type the Razor generator makes.
#pragma warning disable CA1859
    private static IResult NotFound() => new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<App> { StatusCode = StatusCodes.Status404NotFound };
#pragma warning restore CA1859

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
                    // Pages and UiApi check each page's and action's own policy; the hub only asks for a login of a known role.
                    endpoint.Metadata.Add(new AuthorizeAttribute(UiPolicies.InteractiveUi));
                }
            });

        // Any other address: the app's "page not found" with a 404. Without an endpoint the fallback authorization
        // policy refused it, and everyone, even an administrator, read "your roles do not allow this page".
        app.MapGet("{**path:nonfile:page}", NotFound).WithOrder(int.MaxValue).RequireAuthorization(Policies.Read).ExcludeFromDescription();
    }
}
