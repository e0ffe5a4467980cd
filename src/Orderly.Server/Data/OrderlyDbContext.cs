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
using Orderly.Server.Audit;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Data;

/// <summary>
/// The one context of Orderly. Provider-specific subclasses exist only so that each provider keeps its own
/// migration set (<see cref="SqliteOrderlyDbContext"/>, <see cref="PostgresOrderlyDbContext"/>).
/// </summary>
public class OrderlyDbContext(
    DbContextOptions options, Caller? caller = null, TimeProvider? time = null, BusinessCalendar? calendar = null, EventBuffer? events = null)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    private static readonly TimeZoneInfo DefaultZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

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
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboxEntry> Inbox => Set<InboxEntry>();

    /// <summary>Who the changes of this unit of work are made by: the audit trail and the events record it.</summary>
    public Caller? Caller => caller;

    public DateTimeOffset Now => (time ?? TimeProvider.System).GetUtcNow();

    /// <summary>Events raised by services in this unit of work, written to the outbox with its next save.</summary>
    public EventBuffer Events { get; } = events ?? new EventBuffer();

    /// <summary>The transaction the save pipeline opened for a save that had none (committed when the save ends).</summary>
    internal Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? OwnedSaveTransaction { get; set; }

    /// <summary>Set when this context wrote outbox rows in its current transaction; the commit then wakes the dispatcher.</summary>
    internal bool WroteEvents { get; set; }

    /// <summary>True while a save runs whose changes were detected as it began (<see cref="Platform.Persistence.SaveEntries"/>).</summary>
    internal bool ChangesDetected { get; private set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        DetectForSave();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        finally
        {
            ChangesDetected = false;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        DetectForSave();
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        finally
        {
            ChangesDetected = false;
        }
    }

    /// <summary>One change detection for the save pipeline's interceptors, which read the entries several times each.</summary>
    private void DetectForSave()
    {
        if (ChangeTracker.AutoDetectChangesEnabled)
        {
            ChangeTracker.DetectChanges();
            ChangesDetected = true;
        }
    }

    public DateOnly BusinessDate(DateTimeOffset instant) =>
        calendar?.DateOf(instant) ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, DefaultZone).DateTime);

    /// <summary>Writes a refused attempt (e.g. approving one's own order) to the audit trail in its own transaction.</summary>
    public async Task AuditDenialAsync(string entityType, string entityId, string reason, CancellationToken ct, Guid? customerId = null)
    {
        ChangeTracker.Clear();
        AuditRecords.Add(AuditTrail.Denial(caller, Now, entityType, entityId, reason, customerId));
        await SaveChangesAsync(ct);
        ChangeTracker.Clear();
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
}
