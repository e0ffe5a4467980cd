namespace Orderly.Server.Ui;

/// <summary>
/// Route constraint "page": a path the UI may answer as an unknown page; /api (with its own 401/403/405 answers),
/// the OpenAPI document and the health checks stay outside.
/// </summary>
public sealed class PagePathConstraint : IRouteConstraint
{
    private static readonly string[] NotPages = ["api", "openapi", "health", "_framework", "_blazor", "_content"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        var path = values.TryGetValue(routeKey, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";
        var first = path.Split('/', 2)[0];
        return !NotPages.Contains(first, StringComparer.OrdinalIgnoreCase);
    }
}
