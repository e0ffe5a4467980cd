using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Platform;

namespace Orderly.Server.Integration;

public sealed record ImportCreated(Guid Id);

public sealed record ImportErrorDto(int Row, string Column, string Code, string Message);

public sealed record ImportDto(
    Guid Id, string Kind, string Mode, string State, double Progress, int Rows, int Valid, int Invalid, int Inserted, int Updated, int Unchanged,
    string FileName, string? Encoding, string? Failure, int ErrorsTotal, IReadOnlyList<ImportErrorDto> Errors, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ImportSummaryDto(Guid Id, string Kind, string Mode, string State, int Rows, int Valid, int Invalid, string FileName, DateTimeOffset CreatedAt);

public static class ImportEndpoints
{
    private const int ErrorsInline = 1000;

    public static void MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/imports").WithTags("Integration").RequireAuthorization(IntegrationPolicies.Import);
        imports.MapPost("/", UploadAsync).WithName("StartImport")
            .WithSummary("Uploads a CSV or XLSX file (multipart, field 'file') and starts a dry run or a commit in the background; 202 with the import's id.")
            .Accepts<IFormFile>("multipart/form-data").Produces<ImportCreated>(StatusCodes.Status202Accepted)
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
        imports.MapGet("/templates/{file}", TemplateAsync).WithName("GetImportTemplate")
            .WithSummary("An XLSX template of a kind (products.xlsx, customers.xlsx, ...) with its column headers in English and Chinese.")
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }

    private static async Task<Accepted<ImportCreated>> UploadAsync(
        string? kind, string? mode, bool? rejectExisting, HttpContext http, OrderlyDbContext db, Writes writes, PermissionTable permissions, Caller caller,
        ImportJobs queue, IOptions<ImportOptions> options, TimeProvider time, CancellationToken ct)
    {
        var layoutKind = CheckKind(kind);
        CheckPermission(permissions, caller, layoutKind);
        var importMode = ParseMode(mode, "mode", allowDryRun: true);
        var limit = options.Value.MaxUploadBytes;
        if (http.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"An import file is at most {limit / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + (64 * 1024);
        }

        var boundary = MultipartBoundary(http.Request.ContentType);
        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }

            var fileName = Path.GetFileName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "upload.csv").Trim('"');
            var format = TabularFile.FormatOf(fileName);
            if (format.Length == 0)
            {
                throw new BadHttpRequestException("The file must be .csv or .xlsx.", StatusCodes.Status400BadRequest);
            }

            var job = new ImportJob(layoutKind, importMode, fileName.Length > 200 ? fileName[..200] : fileName, format, 0, caller.PersonId, time.GetUtcNow())
            {
                RejectExisting = rejectExisting ?? false,
            };
            await StoreAsync(job, section.Body, format, limit, db, writes, ct);
            queue.Enqueue(new ImportWork(job.Id, importMode, http.User));
            return TypedResults.Accepted($"/api/imports/{job.Id}", new ImportCreated(job.Id));
        }

        throw new BadHttpRequestException("Send the file as multipart/form-data with a file field.", StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// Streams the upload to a temporary file (refused past the limit), checks a workbook's zip directory before
    /// anything is stored, then keeps the file in the database in 64 KB pieces so any node can run or commit it.
    /// </summary>
    private static async Task StoreAsync(ImportJob job, Stream body, string format, long limit, OrderlyDbContext db, Writes writes, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"orderly-upload-{job.Id:N}.{format}");
        try
        {
            long total = 0;
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > limit)
                    {
                        throw new BadHttpRequestException($"An import file is at most {limit / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            if (total == 0)
            {
                throw new BadHttpRequestException("The file is empty.", StatusCodes.Status400BadRequest);
            }

            if (format == "xlsx")
            {
                try
                {
                    TabularFile.CheckZip(temp);
                }
                catch (UnreadableFileException e)
                {
                    throw new BadHttpRequestException(e.Message, StatusCodes.Status400BadRequest);
                }
            }

            await writes.RunAsync(async token =>
            {
                job.Size = total;
                db.Set<ImportJob>().Add(job);
                await db.SaveChangesAsync(token);
                await using var file = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
                var sequence = 0;
                while (true)
                {
                    var chunk = new byte[(int)Math.Min(ImportFileChunk.Size, file.Length - file.Position)];
                    if (chunk.Length == 0)
                    {
                        break;
                    }

                    await file.ReadExactlyAsync(chunk, token);
                    db.Set<ImportFileChunk>().Add(new ImportFileChunk(job.Id, sequence++, chunk));
                    if (sequence % 32 == 0)
                    {
                        await db.SaveChangesAsync(token);
                        db.ChangeTracker.Clear();
                    }
                }
            }, ct);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<Ok<List<ImportSummaryDto>>> ListAsync(OrderlyDbContext db, Caller caller, CancellationToken ct)
    {
        var query = db.Set<ImportJob>().AsNoTracking();
        if (!caller.IsInRole(Roles.Admin))
        {
            query = query.Where(j => j.CreatedBy == caller.PersonId);
        }

        var jobs = await query.OrderByDescending(j => j.Id).Take(50).ToListAsync(ct);
        return TypedResults.Ok(jobs.ConvertAll(j => new ImportSummaryDto(j.Id, j.Kind, ModeName(j.Mode), j.State.ToString(), j.Rows, j.Valid, j.Invalid, j.FileName, j.CreatedAt)));
    }

    private static async Task<Ok<ImportDto>> GetAsync(Guid id, OrderlyDbContext db, Caller caller, ImportJobs queue, CancellationToken ct)
    {
        var job = await FindAsync(db, caller, id, ct);
        var errors = await db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.Row).ThenBy(e => e.Id).Take(ErrorsInline)
            .Select(e => new ImportErrorDto(e.Row, e.Column, e.Code, e.Message)).ToListAsync(ct);
        var total = await db.Set<ImportRowError>().CountAsync(e => e.ImportId == id, ct);
        var live = job.IsFinished || job.State is ImportState.Validated ? null : queue.Live(id);
        var progress = job.IsFinished || job.State == ImportState.Validated ? 1.0 : live?.Progress ?? 0.0;
        return TypedResults.Ok(new ImportDto(job.Id, job.Kind, ModeName(job.Mode), job.State.ToString(), Math.Round(progress, 3),
            live?.Rows ?? job.Rows, live?.Valid ?? job.Valid, live?.Invalid ?? job.Invalid, job.Inserted, job.Updated, job.Unchanged,
            job.FileName, job.Encoding, job.Failure, total, errors, job.CreatedAt, job.UpdatedAt));
    }

    private static async Task<PushStreamHttpResult> ErrorsCsvAsync(Guid id, OrderlyDbContext db, Caller caller, CancellationToken ct)
    {
        var job = await FindAsync(db, caller, id, ct);
        var rows = db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.Row).ThenBy(e => e.Id).AsAsyncEnumerable();
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

    private static async Task<Accepted<ImportCreated>> CommitAsync(
        Guid id, string? mode, HttpContext http, OrderlyDbContext db, Writes writes, Caller caller, PermissionTable permissions, ImportJobs queue, TimeProvider time, CancellationToken ct)
    {
        var importMode = ParseMode(mode ?? "atomic", "mode", allowDryRun: false);
        var job = await FindAsync(db, caller, id, ct, tracking: true);
        CheckPermission(permissions, caller, job.Kind);
        if (job.State is not (ImportState.Validated or ImportState.Rejected) || job.Failure is not null)
        {
            throw new ConflictException("ImportNotCommittable", $"An import that is {job.State} cannot be committed; commit a validated dry run.");
        }

        await writes.RunAsync(_ => { job.Queue(importMode, time.GetUtcNow()); return Task.CompletedTask; }, ct);
        queue.Enqueue(new ImportWork(job.Id, importMode, http.User));
        return TypedResults.Accepted($"/api/imports/{job.Id}", new ImportCreated(job.Id));
    }

    private static async Task<Ok<ImportCreated>> CancelAsync(Guid id, OrderlyDbContext db, Writes writes, Caller caller, ImportJobs queue, TimeProvider time, CancellationToken ct)
    {
        var job = await FindAsync(db, caller, id, ct, tracking: true);
        if (job.IsFinished)
        {
            throw new ConflictException("ImportFinished", $"The import already ended {job.State}.");
        }

        queue.RequestCancel(id);
        if (job.State == ImportState.Queued || job.State == ImportState.Validated)
        {
            await writes.RunAsync(_ => { job.Finish(ImportState.Cancelled, time.GetUtcNow()); return Task.CompletedTask; }, ct);
        }

        return TypedResults.Ok(new ImportCreated(id));
    }

    private static FileContentHttpResult TemplateAsync(string file)
    {
        var kind = file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? file[..^5] : file;
        if (!ImportLayouts.All.TryGetValue(kind, out var layout))
        {
            throw new NotFoundException("Import template", file);
        }

        return TypedResults.File(ImportTemplates.Build(layout), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"orderly-{kind}-template.xlsx");
    }

    private static async Task<ImportJob> FindAsync(OrderlyDbContext db, Caller caller, Guid id, CancellationToken ct, bool tracking = false)
    {
        var query = tracking ? db.Set<ImportJob>() : db.Set<ImportJob>().AsNoTracking();
        var job = await query.FirstOrDefaultAsync(j => j.Id == id, ct);
        // Someone else's import is answered as missing: its file may hold data the caller may not see.
        if (job is null || (job.CreatedBy != caller.PersonId && !caller.IsInRole(Roles.Admin)))
        {
            throw new NotFoundException("Import", id);
        }

        return job;
    }

    private static string CheckKind(string? kind)
    {
        if (kind is null || !ImportLayouts.All.ContainsKey(kind))
        {
            throw new Domain.Common.RuleViolationException("kind", "UnknownImportKind",
                $"kind is one of {string.Join(", ", ImportLayouts.All.Keys)}.");
        }

        return kind;
    }

    private static void CheckPermission(PermissionTable permissions, Caller caller, string kind)
    {
        if (ImportHandler.PolicyFor(kind) is not { } policy || !permissions.Allows(caller, policy))
        {
            throw new ForbiddenException("ImportNotAllowed", $"Importing {kind} needs the {ImportHandler.PolicyFor(kind)} permission.");
        }
    }

    private static ImportMode ParseMode(string? mode, string field, bool allowDryRun) => mode switch
    {
        null or "dry-run" when allowDryRun => ImportMode.DryRun,
        "atomic" => ImportMode.Atomic,
        "valid-only" => ImportMode.ValidOnly,
        _ => throw new Domain.Common.RuleViolationException(field, "UnknownImportMode",
            allowDryRun ? "mode is dry-run, atomic or valid-only." : "mode is atomic or valid-only."),
    };

    public static string ModeName(ImportMode mode) => mode switch
    {
        ImportMode.DryRun => "dry-run",
        ImportMode.Atomic => "atomic",
        _ => "valid-only",
    };

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
