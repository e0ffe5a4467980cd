using Orderly.Server.Identity;
using Orderly.Server.Platform;

namespace Orderly.Server.Integration;

public static class ExportEndpoints
{
    public static void MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var exports = app.MapGroup("/api/exports").WithTags("Integration").RequireAuthorization(Policies.Read);
        exports.MapGet("/{file}", ExportAsync).WithName("ExportList")
            .WithSummary("A list (orders, order-lines, customers, products, stock, ledger, ...) as CSV (UTF-8 with BOM) or XLSX, with the list's own filters, within the caller's scope.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ExportAsync(string file, HttpContext http, IEnumerable<IExportList> lists, PermissionTable permissions, Caller caller)
    {
        var extension = Path.GetExtension(file).ToLowerInvariant();
        var name = Path.GetFileNameWithoutExtension(file);
        var list = lists.FirstOrDefault(l => l.Name == name);
        if (list is null || extension is not (".csv" or ".xlsx"))
        {
            throw new Infrastructure.NotFoundException("Export", file);
        }

        if (!permissions.Allows(caller, list.Policy))
        {
            throw new Infrastructure.ForbiddenException("ExportNotAllowed", $"Exporting {name} needs the {list.Policy} permission.");
        }

        var query = new ExportQuery(http.Request.Query);
        return await ExportFile.CreateAsync(name, list.Columns, list.RowsAsync(query, http.RequestAborted), extension, http.RequestAborted);
    }
}
