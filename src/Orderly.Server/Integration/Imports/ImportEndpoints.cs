using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Orderly.Domain.Integration;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

public sealed record ImportCreated(Guid Id);

public sealed record ImportErrorDto(int Row, string Column, string Code, string Message);

public sealed record ImportDto(
    Guid Id, string Kind, string Mode, string State, double Progress, int Rows, int Valid, int Invalid, int Inserted, int Updated, int Unchanged,
    string FileName, string? Encoding, string? Failure, int ErrorsTotal, IReadOnlyList<ImportErrorDto> Errors, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ImportSummaryDto(Guid Id, string Kind, string Mode, string State, int Rows, int Valid, int Invalid, string FileName, DateTimeOffset CreatedAt);

public static class ImportEndpoints
{
    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/imports").WithTags("Integration").RequireAuthorization(IntegrationPolicies.Import);
        imports.MapPost("/", UploadAsync).WithName("StartImport")
            .WithSummary("Uploads a CSV or XLSX file (multipart, field 'file') and starts a dry run or a commit in the background; 202 with the import's id.")
            .Produces<ImportCreated>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        imports.MapGet("/", ListAsync).WithName("ListImports").WithSummary("The caller's recent imports (all imports for an admin), newest first.");
        imports.MapGet("/{id:guid}", GetAsync).WithName("GetImport").WithSummary("An import's state, progress, counts and its first refused rows.");
        imports.MapGet("/{id:guid}/errors.csv", ErrorsCsvAsync).WithName("GetImportErrors").WithSummary("Every refused row of an import as CSV (row, column, code, message).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        imports.MapPost("/{id:guid}/commit", CommitAsync).WithName("CommitImport")
            .WithSummary("Commits a dry-run import: mode=atomic (all rows or none, the default) or valid-only (exactly the good rows).")
            .Produces<ImportCreated>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict);
        imports.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelImport").WithSummary("Stops a queued or running import; an atomic commit rolls back.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        imports.MapGet("/templates/{file}", Template).WithName("GetImportTemplate")
            .WithSummary("An XLSX template of a kind (products.xlsx, customers.xlsx, ...) with its column headers in English and Chinese.")
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    private static async Task<Accepted<ImportCreated>> UploadAsync(string? kind, string? mode, bool? rejectExisting, HttpContext http, ImportService imports, CancellationToken ct)
    {
        var checkedKind = imports.CheckKind(kind);
        var importMode = ImportService.ParseMode(mode, allowDryRun: true);
        var limit = imports.MaxUploadBytes;
        if (http.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"An import file is at most {limit / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + (64 * 1024);
        }

        var reader = new MultipartReader(MultipartBoundary(http.Request.ContentType), http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                var fileName = (disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "upload.csv").Trim('"');
                var id = await imports.StartAsync(checkedKind, importMode, rejectExisting ?? false, fileName, section.Body, http.User, ct);
                return TypedResults.Accepted($"/api/imports/{id}", new ImportCreated(id));
            }
        }

        throw new BadHttpRequestException("Send the file as multipart/form-data with a file field.", StatusCodes.Status400BadRequest);
    }

    private static async Task<Ok<List<ImportSummaryDto>>> ListAsync(ImportService imports, CancellationToken ct) => TypedResults.Ok(await imports.ListAsync(ct));

    private static async Task<Ok<ImportDto>> GetAsync(Guid id, ImportService imports, CancellationToken ct) => TypedResults.Ok(await imports.GetAsync(id, ct));

    private static async Task<PushStreamHttpResult> ErrorsCsvAsync(Guid id, ImportService imports, CancellationToken ct)
    {
        var (job, rows) = await imports.ErrorsAsync(id, ct);
        return TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16) { NewLine = "\r\n" };
            await writer.WriteLineAsync("row,column,code,message");
            await foreach (var e in rows.WithCancellation(ct))
            {
                await writer.WriteLineAsync(string.Join(',', e.Row.ToString(CultureInfo.InvariantCulture), Csv.Field(e.Column), Csv.Field(e.Code), Csv.Field(e.Message)));
            }
        }, "text/csv; charset=utf-8", $"import-{job.Kind}-errors.csv");
    }

    private static async Task<Accepted<ImportCreated>> CommitAsync(Guid id, string? mode, HttpContext http, ImportService imports, CancellationToken ct)
    {
        await imports.CommitAsync(id, ImportService.ParseMode(mode ?? "atomic", allowDryRun: false), http.User, ct);
        return TypedResults.Accepted($"/api/imports/{id}", new ImportCreated(id));
    }

    private static async Task<Ok<ImportCreated>> CancelAsync(Guid id, ImportService imports, CancellationToken ct)
    {
        await imports.CancelAsync(id, ct);
        return TypedResults.Ok(new ImportCreated(id));
    }

    private static FileContentHttpResult Template(string file)
    {
        var kind = file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? file[..^5] : file;
        if (!ImportLayouts.All.TryGetValue(kind, out var layout))
        {
            throw new NotFoundException("Import template", file);
        }

        return TypedResults.File(ImportTemplates.Build(layout), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"orderly-{kind}-template.xlsx");
    }

    private static string MultipartBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException("Send the file as multipart/form-data.", StatusCodes.Status415UnsupportedMediaType);
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw new BadHttpRequestException("The multipart boundary is missing or too long.", StatusCodes.Status400BadRequest);
        }

        return boundary;
    }
}
