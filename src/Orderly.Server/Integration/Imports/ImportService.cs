using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Platform;

namespace Orderly.Server.Integration;

/// <summary>
/// The import flow for the API and the UI alike: store an upload and queue its run, read an import's state and
/// refused rows, commit a dry run, cancel. An import is visible to the person who started it and to admins.
/// </summary>
public sealed class ImportService(
    OrderlyDbContext db, Writes writes, Caller caller, PermissionTable permissions, ImportJobs jobs, IOptions<ImportOptions> options, TimeProvider time)
{
    public const int ErrorsInline = 1000;

    public long MaxUploadBytes => options.Value.MaxUploadBytes;

    /// <summary>Checks the kind and the caller's right to import it before anything is read.</summary>
    public string CheckKind(string? kind)
    {
        if (kind is null || !ImportLayouts.All.ContainsKey(kind))
        {
            throw new Domain.Common.RuleViolationException("kind", "UnknownImportKind", $"kind is one of {string.Join(", ", ImportLayouts.All.Keys)}.");
        }

        CheckPermission(kind);
        return kind;
    }

    public async Task<Guid> StartAsync(string kind, ImportMode mode, bool rejectExisting, string fileName, Stream body, ClaimsPrincipal user, CancellationToken ct)
    {
        CheckKind(kind);
        fileName = Path.GetFileName(fileName);
        var format = TabularFile.FormatOf(fileName);
        if (format.Length == 0)
        {
            throw new BadHttpRequestException("The file must be .csv or .xlsx.", StatusCodes.Status400BadRequest);
        }

        var job = new ImportJob(kind, mode, fileName.Length > 200 ? fileName[..200] : fileName, format, 0, caller.PersonId, time.GetUtcNow())
        {
            RejectExisting = rejectExisting,
        };
        await StoreAsync(job, body, format, MaxUploadBytes, ct);
        jobs.Enqueue(new ImportWork(job.Id, mode, user));
        return job.Id;
    }

    public async Task<List<ImportSummaryDto>> ListAsync(CancellationToken ct)
    {
        var query = db.Set<ImportJob>().AsNoTracking();
        if (!caller.IsInRole(Roles.Admin))
        {
            query = query.Where(j => j.CreatedBy == caller.PersonId);
        }

        var list = await query.OrderByDescending(j => j.Id).Take(50).ToListAsync(ct);
        return list.ConvertAll(j => new ImportSummaryDto(j.Id, j.Kind, ModeName(j.Mode), j.State.ToString(), j.Rows, j.Valid, j.Invalid, j.FileName, j.CreatedAt));
    }

    public async Task<ImportDto> GetAsync(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        var errors = await db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.Row).ThenBy(e => e.Id).Take(ErrorsInline)
            .Select(e => new ImportErrorDto(e.Row, e.Column, e.Code, e.Message)).ToListAsync(ct);
        var total = await db.Set<ImportRowError>().CountAsync(e => e.ImportId == id, ct);
        var settled = job.IsFinished || job.State is ImportState.Validated;
        var live = settled ? null : jobs.Live(id);
        return new ImportDto(job.Id, job.Kind, ModeName(job.Mode), job.State.ToString(), Math.Round(settled ? 1.0 : live?.Progress ?? 0.0, 3),
            live?.Rows ?? job.Rows, live?.Valid ?? job.Valid, live?.Invalid ?? job.Invalid, job.Inserted, job.Updated, job.Unchanged,
            job.FileName, job.Encoding, job.Failure, total, errors, job.CreatedAt, job.UpdatedAt);
    }

    public async Task<(ImportJob Job, IAsyncEnumerable<ImportRowError> Errors)> ErrorsAsync(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct);
        return (job, db.Set<ImportRowError>().AsNoTracking().Where(e => e.ImportId == id).OrderBy(e => e.Row).ThenBy(e => e.Id).AsAsyncEnumerable());
    }

    public async Task CommitAsync(Guid id, ImportMode mode, ClaimsPrincipal user, CancellationToken ct)
    {
        var job = await FindAsync(id, ct, tracking: true);
        CheckPermission(job.Kind);
        if (mode == ImportMode.DryRun || job.State is not (ImportState.Validated or ImportState.Rejected) || job.Failure is not null)
        {
            throw new ConflictException("ImportNotCommittable", $"An import that is {job.State} cannot be committed; commit a validated dry run.");
        }

        await writes.RunAsync(_ => { job.Queue(mode, time.GetUtcNow()); return Task.CompletedTask; }, ct);
        jobs.Enqueue(new ImportWork(job.Id, mode, user));
    }

    public async Task CancelAsync(Guid id, CancellationToken ct)
    {
        var job = await FindAsync(id, ct, tracking: true);
        if (job.IsFinished)
        {
            throw new ConflictException("ImportFinished", $"The import already ended {job.State}.");
        }

        jobs.RequestCancel(id);
        if (job.State is ImportState.Queued or ImportState.Validated)
        {
            await writes.RunAsync(_ => { job.Finish(ImportState.Cancelled, time.GetUtcNow()); return Task.CompletedTask; }, ct);
        }
    }

    public static string ModeName(ImportMode mode) => mode switch
    {
        ImportMode.DryRun => "dry-run",
        ImportMode.Atomic => "atomic",
        _ => "valid-only",
    };

    public static ImportMode ParseMode(string? mode, bool allowDryRun) => mode switch
    {
        null or "dry-run" when allowDryRun => ImportMode.DryRun,
        "atomic" => ImportMode.Atomic,
        "valid-only" => ImportMode.ValidOnly,
        _ => throw new Domain.Common.RuleViolationException("mode", "UnknownImportMode",
            allowDryRun ? "mode is dry-run, atomic or valid-only." : "mode is atomic or valid-only."),
    };

    private void CheckPermission(string kind)
    {
        if (ImportHandler.PolicyFor(kind) is not { } policy || !permissions.Allows(caller, policy))
        {
            throw new ForbiddenException("ImportNotAllowed", $"Importing {kind} needs the {ImportHandler.PolicyFor(kind)} permission.");
        }
    }

    private async Task<ImportJob> FindAsync(Guid id, CancellationToken ct, bool tracking = false)
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

    /// <summary>
    /// Streams the upload to a temporary file (refused past the limit), checks a workbook's zip directory before
    /// anything is stored, then keeps the file in the database in 64 KB pieces so any node can run or commit it.
    /// </summary>
    private async Task StoreAsync(ImportJob job, Stream body, string format, long limit, CancellationToken ct)
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
}
