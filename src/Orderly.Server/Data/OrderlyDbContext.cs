using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Inventory;
using Orderly.Domain.Orders;
using Orderly.Server.Analytics;
using Orderly.Server.Audit;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Data;

/// <summary>
/// The one context of Orderly. Provider-specific subclasses exist only so that each provider keeps its own
/// migration set (<see cref="SqliteOrderlyDbContext"/>, <see cref="PostgresOrderlyDbContext"/>).
/// </summary>
public class OrderlyDbContext(DbContextOptions options, AuditActor? actor = null, TimeProvider? time = null, BusinessCalendar? calendar = null)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    private static readonly TimeZoneInfo DefaultZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Any constant: the transaction-scoped PostgreSQL lock that serialises appends to the audit chain.</summary>
    private const long AuditChainLock = 74_280_001;

    public DbSet<Product> Products => Set<Product>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Warehouse> Warehouses => Set<Warehouse>();
    public DbSet<StockBalance> StockBalances => Set<StockBalance>();
    public DbSet<StockLedgerEntry> StockLedger => Set<StockLedgerEntry>();
    public DbSet<StockReservation> StockReservations => Set<StockReservation>();
    public DbSet<StockReceipt> StockReceipts => Set<StockReceipt>();
    public DbSet<StockAdjustment> StockAdjustments => Set<StockAdjustment>();
    public DbSet<StockTransfer> StockTransfers => Set<StockTransfer>();
    public DbSet<SalesOrder> SalesOrders => Set<SalesOrder>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();
    public DbSet<OrderStatusChange> OrderStatusChanges => Set<OrderStatusChange>();
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<NumberSequence> NumberSequences => Set<NumberSequence>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();
    public DbSet<Domain.Purchasing.Supplier> Suppliers => Set<Domain.Purchasing.Supplier>();
    public DbSet<Domain.Allocation.AllocationDecision> AllocationDecisions => Set<Domain.Allocation.AllocationDecision>();
    public DbSet<Domain.Allocation.DropShipRequest> DropShipRequests => Set<Domain.Allocation.DropShipRequest>();
    public DbSet<Domain.Allocation.ReplenishmentRequest> ReplenishmentRequests => Set<Domain.Allocation.ReplenishmentRequest>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<StockPolicy> StockPolicies => Set<StockPolicy>();
    public DbSet<StockAlert> StockAlerts => Set<StockAlert>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    /// <summary>
    /// Saves with the version bumps and, in the same transaction, one chained audit record per changed aggregate
    /// and the analytics rollups of every order status change: a rolled-back change leaves no audit record and no
    /// rollup change, a committed one exactly one of each.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        ChangeTracker.DetectChanges();
        var records = AuditTrail.Collect(this, actor, (time ?? TimeProvider.System).GetUtcNow());
        var rollups = await Rollups.CollectAsync(this, BusinessDate, cancellationToken);
        if (records.Count == 0 && rollups is null)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var transaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await using (transaction)
        {
            if (records.Count > 0)
            {
                await AppendAuditAsync(records, cancellationToken);
            }

            if (rollups is not null)
            {
                await Rollups.ApplyAsync(this, rollups, cancellationToken);
            }

            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return saved;
        }
    }

    private DateOnly BusinessDate(DateTimeOffset instant) =>
        calendar?.DateOf(instant) ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, DefaultZone).DateTime);

    /// <summary>Writes a refused attempt (e.g. approving one's own order) to the audit trail in its own transaction.</summary>
    public async Task AuditDenialAsync(string entityType, string entityId, string reason, CancellationToken ct, Guid? customerId = null)
    {
        ChangeTracker.Clear();
        await using var transaction = await Database.BeginTransactionAsync(ct);
        var record = AuditTrail.Denial(actor, (time ?? TimeProvider.System).GetUtcNow(), entityType, entityId, reason, customerId);
        await AppendAuditAsync([record], ct);
        await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, ct);
        await transaction.CommitAsync(ct);
        ChangeTracker.Clear();
    }

    private async Task AppendAuditAsync(List<AuditRecord> records, CancellationToken ct)
    {
        if (Database.IsNpgsql())
        {
            await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AuditChainLock})", ct);
        }

        var head = await AuditRecords.AsNoTracking().OrderByDescending(a => a.Id).Select(a => a.Hash).FirstOrDefaultAsync(ct);
        AuditTrail.Link(records, head);
        AuditRecords.AddRange(records);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Instants are stored as UTC DateTime: sortable text on SQLite, timestamptz on PostgreSQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
        configurationBuilder.Properties<OrderStatus>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<StockMovementKind>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<CustomerTier>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Domain.Allocation.ReservationPolicy>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Domain.Allocation.RequestStatus>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<IdentityRole<Guid>>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(OrderlyDbContext).Assembly);
        if (Database.IsNpgsql())
        {
            // Limits count user-perceived characters and are enforced by validation; varchar(n) counts code points,
            // so a name of 200 flag emoji would pass validation and fail the column. PostgreSQL text is as fast.
            foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.ClrType == typeof(string)))
            {
                property.SetMaxLength(null);
            }
        }
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified || (entry.State == EntityState.Unchanged && HasChangedChildren(entry.Entity)))
            {
                entry.Entity.Version++;
                entry.State = EntityState.Modified;
            }
        }
    }

    /// <summary>An order whose lines changed is itself a new version, even if no column of its own row did.</summary>
    private bool HasChangedChildren(IVersioned entity) => entity switch
    {
        SalesOrder order => order.Lines.Any(l => Entry(l).State is EntityState.Modified or EntityState.Added or EntityState.Deleted),
        _ => false,
    };
}
