using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Identity;

namespace Orderly.Server.Integration;

/// <summary>What an import pass works with: its own unit of work, the caller, and whether existing keys are refused.</summary>
public sealed record ImportContext(OrderlyDbContext Db, IServiceProvider Services, Caller Caller, DateTimeOffset Now, bool RejectExisting);

/// <summary>What a commit did, row by row, and the rows refused only when written.</summary>
public sealed class ImportCounts
{
    public int Inserted { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public List<ImportProblem> LateProblems { get; } = [];
}

/// <summary>One parsed data row, ready to write.</summary>
public abstract record ImportItem(int Line);

/// <summary>
/// One kind of import. A handler lives for one run: it remembers the keys it has seen (duplicates within the file)
/// and what it looked up once. <see cref="Check"/> validates a row with the owning capability's own rules (the
/// entity's constructor), <see cref="ApplyAsync"/> writes a batch through the entities so the audit trail and
/// versions follow, without saving: the runner saves each batch.
/// </summary>
public abstract class ImportHandler(ImportContext context)
{
    protected ImportContext Context { get; } = context;

    protected OrderlyDbContext Db => Context.Db;

    public abstract ImportLayout Layout { get; }

    /// <summary>The permission a caller needs to import this kind.</summary>
    public abstract string Policy { get; }

    /// <summary>True when the handler commits through a service that runs its own transactions (stock counts).</summary>
    public virtual bool OwnsTransactions => false;

    /// <summary>
    /// True when <see cref="Check"/> depends on the file alone (not on the database, the caller or the time) and
    /// <see cref="ApplyAsync"/> needs nothing <see cref="Check"/> remembered: a dry run's checked rows then stand for a
    /// later commit's (<see cref="CheckedRows"/>), which writes them without reading the file again.
    /// </summary>
    public virtual bool ChecksFileOnly => false;

    /// <summary>
    /// True when <see cref="ApplyAsync"/> writes without the change tracker (<c>BulkInsert</c>): its cost per row does not
    /// grow with the batch, so it takes <see cref="ImportOptions.CommitBatchRows"/> rows a batch. A handler that tracks
    /// what it writes takes <see cref="ImportOptions.TrackedBatchRows"/>: the tracker's change detection runs over
    /// everything it holds, so its batches grow slower than linearly with their size.
    /// </summary>
    public virtual bool WritesUntracked => false;

    public virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    public abstract ImportItem? Check(ImportRow row);

    public abstract Task ApplyAsync(IReadOnlyList<ImportItem> batch, ImportCounts counts, CancellationToken ct);

    /// <summary>
    /// True when the handler holds back the end of a batch (an order whose lines may continue in the next one): the
    /// runner then applies one empty batch after the last, on which the handler writes what it held.
    /// </summary>
    public virtual bool HoldsBack => false;

    public static ImportHandler? For(string kind, ImportContext context) => kind switch
    {
        ImportLayouts.Products => new ProductImport(context),
        ImportLayouts.Prices => new PriceImport(context),
        ImportLayouts.Customers => new CustomerImport(context),
        ImportLayouts.Suppliers => new SupplierImport(context),
        ImportLayouts.Stock => new StockImport(context),
        ImportLayouts.Orders => new OrderImport(context),
        _ => null,
    };

    public static string? PolicyFor(string kind) => kind switch
    {
        ImportLayouts.Products or ImportLayouts.Prices or ImportLayouts.Suppliers => Policies.ManageCatalog,
        ImportLayouts.Customers => Policies.ManageCustomers,
        ImportLayouts.Stock => Policies.ManageStock,
        ImportLayouts.Orders => Policies.EnterOrders,
        _ => null,
    };
}
