using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

/// <summary>
/// Runs one import: copies the stored file to a temporary file, reads it record by record and checks every row,
/// then, for a commit, writes the good rows a batch at a time through the owning entities. Memory holds one batch
/// and the keys seen so far, never the file. <c>atomic</c> validates the whole file first and then writes every
/// batch in one transaction (a late failure or a cancel rolls all back); <c>valid-only</c> commits batch by batch.
/// A commit that follows a dry run of a kind whose check reads the file alone writes the rows that dry run checked
/// (<see cref="CheckedRows"/>) instead of reading and checking the file again.
/// </summary>
public sealed class ImportRunner(
    IServiceScopeFactory scopes, OrderlyDbContext db, Writes writes, Caller caller, TimeProvider time, CheckedRows checkedRows,
    IOptions<ImportOptions> options, ILogger<ImportRunner> log)
{
    private readonly int _batchRows = options.Value.CommitBatchRows;
    public const int MaxStoredErrors = 10_000;

    private sealed class AtomicRefusedException(List<ImportProblem> problems) : Exception
    {
        public List<ImportProblem> Problems { get; } = problems;
    }

    private sealed class Pass
    {
        public int Rows { get; set; }
        public int Valid { get; set; }
        public int Invalid { get; set; }
        public bool HeaderRefused { get; set; }
        public ImportCounts Counts { get; set; } = new();
        public List<ImportProblem> Errors { get; } = [];
    }

    public async Task RunAsync(ImportWork work, LiveImport live, CancellationToken ct, CancellationToken stopping)
    {
        caller.ActAs(work.User);
        var job = await db.Set<ImportJob>().FirstOrDefaultAsync(j => j.Id == work.ImportId, stopping);
        if (job is null || job.State == ImportState.Cancelled)
        {
            return;
        }

        await writes.RunAsync(_ => { job.Start(work.Mode, time.GetUtcNow()); return Task.CompletedTask; }, stopping);
        var temp = Path.Combine(Path.GetTempPath(), $"orderly-import-{job.Id:N}.{job.Format}");
        PassResult? result = null;
        ImportState state;
        string? failure = null;
        try
        {
            await CopyToFileAsync(job.Id, temp, ct);
            (result, state) = await ExecuteAsync(job, work, temp, live, ct);
            job.Encoding = result.Encoding;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            state = ImportState.Cancelled;
        }
        catch (UnreadableFileException e)
        {
            state = ImportState.Failed;
            failure = e.Message;
        }
        finally
        {
            File.Delete(temp);
        }

        if (state is ImportState.Completed or ImportState.Failed or ImportState.Cancelled)
        {
            checkedRows.Remove(job.Id);
        }

        db.ChangeTracker.Clear();
        await writes.RunAsync(async token =>
        {
            var fresh = await db.Set<ImportJob>().FirstAsync(j => j.Id == job.Id, token);
            await db.Set<ImportRowError>().Where(e => e.ImportId == job.Id).ExecuteDeleteAsync(token);
            if (result is not null)
            {
                fresh.Rows = result.Rows;
                fresh.Valid = result.Valid;
                fresh.Invalid = result.Invalid;
                fresh.Inserted = result.Counts.Inserted;
                fresh.Updated = result.Counts.Updated;
                fresh.Unchanged = result.Counts.Unchanged;
                fresh.Encoding = job.Encoding;
                db.Set<ImportRowError>().AddRange(result.Errors.OrderBy(e => e.Row).Take(MaxStoredErrors).Select(e => new ImportRowError(job.Id, e)));
            }

            fresh.Finish(state, time.GetUtcNow(), failure);
            if (state is ImportState.Completed or ImportState.Failed or ImportState.Cancelled)
            {
                // Only a validated or rejected import can still be committed; the others need their file no more.
                await db.Set<ImportFileChunk>().Where(c => c.ImportId == job.Id).ExecuteDeleteAsync(token);
            }
        }, stopping);
        log.LogInformation("Import {ImportId} ({Kind}, {Mode}) ended {State}: {Rows} rows, {Invalid} refused", job.Id, job.Kind, work.Mode, state, result?.Rows, result?.Invalid);
    }

    private async Task<(PassResult, ImportState)> ExecuteAsync(ImportJob job, ImportWork work, string temp, LiveImport live, CancellationToken ct)
    {
        switch (work.Mode)
        {
            case ImportMode.DryRun:
            {
                var pass = await RunPassAsync(job, work, temp, live, 0, 1, null, ct, keep: true);
                return (pass, pass.Pass.HeaderRefused ? ImportState.Rejected : ImportState.Validated);
            }

            case ImportMode.ValidOnly:
            {
                var pass = await RunPassAsync(job, work, temp, live, 0, 1, CommitMode.PerBatch, ct, checkedRows.Find(job.Id));
                return (pass, pass.Pass.HeaderRefused ? ImportState.Rejected : ImportState.Completed);
            }

            default:
            {
                // The dry run's rows, when kept, are the check pass: a file with a refused row is rejected at once.
                var carried = checkedRows.Find(job.Id);
                var check = carried is null ? await RunPassAsync(job, work, temp, live, 0, 2, null, ct) : new PassResult(Replayed(carried), carried.Encoding);
                if (check.Pass.HeaderRefused || check.Pass.Invalid > 0)
                {
                    return (check, ImportState.Rejected);
                }

                try
                {
                    var commit = await RunPassAsync(job, work, temp, live, 1, 2, CommitMode.Whole, ct, carried);
                    return (commit, ImportState.Completed);
                }
                catch (AtomicRefusedException refused)
                {
                    // Rows refused only when written (a SKU deleted meanwhile, a count below what is reserved): nothing
                    // was written. The report names them with whatever the file checks find now.
                    var recheck = await RunPassAsync(job, work, temp, live, 1, 2, null, ct);
                    recheck.Pass.Counts = new ImportCounts();
                    var late = refused.Problems.Where(p => !recheck.Errors.Any(e => e.Row == p.Row)).ToList();
                    recheck.Pass.Errors.AddRange(late);
                    recheck.Pass.Valid -= late.Count;
                    recheck.Pass.Invalid += late.Count;
                    return (recheck, ImportState.Rejected);
                }
            }
        }
    }

    private enum CommitMode
    {
        PerBatch,
        Whole,
    }

    private sealed record PassResult(Pass Pass, string? Encoding)
    {
        public int Rows => Pass.Rows;
        public int Valid => Pass.Valid;
        public int Invalid => Pass.Invalid;
        public ImportCounts Counts => Pass.Counts;
        public List<ImportProblem> Errors => Pass.Errors;
    }

    /// <summary>
    /// One pass over the rows: read and checked from the file, or, with <paramref name="carried"/>, the rows a dry run
    /// checked. <paramref name="keep"/> (a dry run) keeps the checked rows for the commit when the kind allows it.
    /// </summary>
    private async Task<PassResult> RunPassAsync(
        ImportJob job, ImportWork work, string temp, LiveImport live, int index, int passes, CommitMode? commit, CancellationToken ct,
        CheckedRows.Entry? carried = null, bool keep = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<Caller>().ActAs(work.User);
        var workDb = services.GetRequiredService<OrderlyDbContext>();
        var workWrites = services.GetRequiredService<Writes>();
        var context = new ImportContext(workDb, services, services.GetRequiredService<Caller>(), time.GetUtcNow(), job.RejectExisting);
        var file = new TabularFile(temp, job.Format);
        var size = Math.Max(1, new FileInfo(temp).Length);
        var kept = keep && size <= CheckedRows.MaxFileBytes && ImportHandler.For(job.Kind, context)!.ChecksFileOnly ? new List<ImportItem>() : null;
        Task<Pass> Rows(ImportHandler handler, Func<ImportHandler, List<ImportItem>, Pass, Task>? apply, CancellationToken token) =>
            carried is null
                ? ReadAsync(handler, file, live, index, passes, size, BatchRowsFor(handler), apply, kept, token)
                : ReplayAsync(handler, carried, live, index, passes, BatchRowsFor(handler), apply, token);
        // Atomic: every batch in one transaction. Handlers that book through another capability's service (stock
        // counts) join it, since that service's unit of work joins an open transaction.
        if (commit == CommitMode.Whole)
        {
            Pass? whole = null;
            await workWrites.RunAsync(async token =>
            {
                whole = await Rows(ImportHandler.For(job.Kind, context)!, async (handler, batch, pass) =>
                {
                    await handler.ApplyAsync(batch, pass.Counts, token);
                    if (pass.Counts.LateProblems.Count > 0)
                    {
                        throw new AtomicRefusedException(pass.Counts.LateProblems);
                    }

                    await workDb.SaveChangesAsync(token);
                    workDb.ChangeTracker.Clear();
                }, token);
            }, ct);
            return new PassResult(whole!, carried is null ? file.EncodingName : carried.Encoding);
        }

        var result = await Rows(ImportHandler.For(job.Kind, context)!, commit is null ? null : async (handler, batch, pass) =>
        {
            var counts = new ImportCounts();
            if (handler.OwnsTransactions)
            {
                await handler.ApplyAsync(batch, counts, ct);
            }
            else
            {
                // Each batch is committed before the next is built, and all of them are made durable at the end.
                await workWrites.RunBeforeDurableAsync(async token =>
                {
                    counts = new ImportCounts();
                    await handler.ApplyAsync(batch, counts, token);
                }, ct);
            }

            workDb.ChangeTracker.Clear();
            if (counts.LateProblems.Count > 0 && commit == CommitMode.Whole)
            {
                throw new AtomicRefusedException(counts.LateProblems);
            }

            pass.Counts.Inserted += counts.Inserted;
            pass.Counts.Updated += counts.Updated;
            pass.Counts.Unchanged += counts.Unchanged;
            pass.Valid -= counts.LateProblems.Count;
            pass.Invalid += counts.LateProblems.Count;
            pass.Errors.AddRange(counts.LateProblems);
        }, ct);
        if (commit is not null)
        {
            await workWrites.DurableAsync();
        }

        if (kept is not null && !result.HeaderRefused)
        {
            checkedRows.Put(job.Id, new CheckedRows.Entry(result.Rows, result.Valid, result.Invalid, result.Errors, kept, file.EncodingName, time.GetUtcNow()));
        }

        return new PassResult(result, carried is null ? file.EncodingName : carried.Encoding);
    }

    /// <summary>
    /// Rows per batch: the configured size for a handler whose cost per row does not grow with the batch (it writes
    /// without the change tracker), <see cref="ImportOptions.TrackedBatchRows"/> for one that tracks what it writes.
    /// </summary>
    private int BatchRowsFor(ImportHandler handler) => handler.WritesUntracked ? _batchRows : ImportOptions.TrackedBatchRows;

    /// <summary>A pass's counts and refused rows as the dry run found them; the good rows are written from the same entry.</summary>
    private static Pass Replayed(CheckedRows.Entry carried)
    {
        var pass = new Pass { Rows = carried.Rows, Valid = carried.Valid, Invalid = carried.Invalid };
        pass.Errors.AddRange(carried.Errors);
        return pass;
    }

    /// <summary>Writes the rows a dry run checked, a batch at a time, as <see cref="ReadAsync"/> writes the rows it reads.</summary>
    private static async Task<Pass> ReplayAsync(
        ImportHandler handler, CheckedRows.Entry carried, LiveImport live, int index, int passes, int batchRows,
        Func<ImportHandler, List<ImportItem>, Pass, Task>? apply, CancellationToken ct)
    {
        await handler.PrepareAsync(ct);
        var pass = Replayed(carried);
        live.Rows = pass.Rows;
        live.Valid = pass.Valid;
        live.Invalid = pass.Invalid;
        if (apply is not null)
        {
            var batch = new List<ImportItem>(batchRows);
            for (var start = 0; start < carried.Items.Count; start += batchRows)
            {
                ct.ThrowIfCancellationRequested();
                batch.Clear();
                batch.AddRange(carried.Items.Skip(start).Take(batchRows));
                await apply(handler, batch, pass);
                live.Progress = (index + ((double)(start + batch.Count) / Math.Max(1, carried.Items.Count))) / passes;
                live.Valid = pass.Valid;
                live.Invalid = pass.Invalid;
            }

            if (handler.HoldsBack)
            {
                await apply(handler, [], pass);
            }
        }

        live.Progress = (index + 1.0) / passes;
        return pass;
    }

    private static async Task<Pass> ReadAsync(
        ImportHandler handler, TabularFile file, LiveImport live, int index, int passes, long size, int batchRows,
        Func<ImportHandler, List<ImportItem>, Pass, Task>? apply, List<ImportItem>? kept, CancellationToken ct)
    {
        await handler.PrepareAsync(ct);
        var pass = new Pass();
        HeaderMap? map = null;
        var batch = new List<ImportItem>(batchRows);
        foreach (var record in file.Records(position => live.Progress = (index + ((double)position / size)) / passes))
        {
            ct.ThrowIfCancellationRequested();
            if (map is null)
            {
                map = handler.Layout.Map(record.Fields);
                if (map.Missing.Count > 0)
                {
                    pass.HeaderRefused = true;
                    pass.Errors.AddRange(map.Missing.Select(c => new ImportProblem(record.Line, c.TemplateHeader, ImportCodes.MissingRequired,
                        $"The file has no column '{c.English}' or '{c.Chinese}'.")));
                    return pass;
                }

                continue;
            }

            var row = new ImportRow(handler.Layout, map, record);
            if (row.IsBlank)
            {
                continue;
            }

            pass.Rows++;
            var item = handler.Check(row);
            if (item is null)
            {
                pass.Invalid++;
                if (pass.Errors.Count < MaxStoredErrors)
                {
                    pass.Errors.AddRange(row.Problems);
                }
            }
            else
            {
                pass.Valid++;
                kept?.Add(item);
                if (apply is not null)
                {
                    batch.Add(item);
                    if (batch.Count == batchRows)
                    {
                        await apply(handler, batch, pass);
                        batch.Clear();
                    }
                }
            }

            live.Rows = pass.Rows;
            live.Valid = pass.Valid;
            live.Invalid = pass.Invalid;
        }

        if (map is null)
        {
            pass.HeaderRefused = true;
            pass.Errors.Add(new ImportProblem(1, "", ImportCodes.MissingRequired, "The file is empty: the first row must name the columns."));
        }

        if (batch.Count > 0 && apply is not null)
        {
            await apply(handler, batch, pass);
        }

        if (apply is not null && handler.HoldsBack)
        {
            await apply(handler, [], pass);
        }

        live.Progress = (index + 1.0) / passes;
        return pass;
    }

    private async Task CopyToFileAsync(Guid id, string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        // Streamed: the reader holds one 64 KB piece at a time.
        await foreach (var content in db.Set<ImportFileChunk>().AsNoTracking().Where(c => c.ImportId == id).OrderBy(c => c.Sequence).Select(c => c.Content)
            .AsAsyncEnumerable().WithCancellation(ct))
        {
            await file.WriteAsync(content, ct);
        }
    }
}
