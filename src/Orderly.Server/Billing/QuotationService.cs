using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Billing;
using Orderly.Domain.Common;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Orders;
using Quartz;

namespace Orderly.Server.Billing;

public sealed record QuotationInput(
    Guid CustomerId, OrderLineInput[] Lines, string? Currency = null, DateOnly? ValidUntil = null, string? Note = null);

public sealed record QuotationLineDto(int LineNumber, Guid ProductId, string Sku, string ProductName, string Unit, decimal Quantity, decimal UnitPrice, decimal DiscountPercent, decimal LineTotal);

public sealed record QuotationDto(
    Guid Id, string Number, Guid CustomerId, string CustomerName, QuotationStatus Status, string Currency, decimal Total, DateOnly ValidUntil,
    IReadOnlyList<QuotationLineDto> Lines, string? Note, string? DeclineReason, Guid? OrderId, DateTimeOffset CreatedAt, int Version);

public sealed record AcceptedQuotationDto(Guid OrderId, string OrderNumber, QuotationDto Quotation);

/// <summary>Quotations: priced by the order entry checks, accepted into an order by the order entry service itself.</summary>
public sealed class QuotationService(OrderlyDbContext db, Writes writes, BusinessCalendar calendar, DataScope scope, OrderService orders)
{
    public const int DefaultValidDays = 30;

    public async Task<Quotation> CreateAsync(QuotationInput input, Guid? actor, CancellationToken ct)
    {
        var check = await orders.CheckAsync(new OrderInput(input.CustomerId, input.Lines ?? [], input.Currency), null, ct);
        if (!check.IsValid)
        {
            throw new RuleViolationException(check.Errors);
        }

        var today = calendar.Today;
        var note = Text.Optional(input.Note, "note", 500);
        return await writes.RunAsync(async token =>
        {
            var number = $"QT-{today.Year}-{await DocumentNumbers.NextAsync(db, $"QT-{today.Year}", token):000000}";
            var quotation = new Quotation(number, input.CustomerId, check.Currency, input.ValidUntil ?? today.AddDays(DefaultValidDays), today, check.Lines, note, calendar.Now, actor);
            db.Set<Quotation>().Add(quotation);
            return quotation;
        }, ct);
    }

    public Task SendAsync(Guid id, CancellationToken ct) => writes.RunAsync(async token => (await LoadAsync(id, token)).Send(), ct);

    public Task DeclineAsync(Guid id, string? reason, CancellationToken ct) => writes.RunAsync(async token =>
        (await LoadAsync(id, token)).Decline(Text.Required(reason, "reason", 500)), ct);

    /// <summary>Creates the order at the quoted prices through order entry (its checks run now); the quotation is accepted in the same transaction.</summary>
    public async Task<Guid> AcceptAsync(Guid id, Guid? actor, CancellationToken ct)
    {
        var quotation = await (await VisibleAsync(ct)).AsNoTracking().Include(q => q.Lines).FirstOrDefaultAsync(q => q.Id == id, ct)
            ?? throw new NotFoundException("Quotation", id);
        if (quotation.Status is not (QuotationStatus.Draft or QuotationStatus.Sent))
        {
            throw new IllegalTransitionException("quotation", quotation.Status.ToString(), "accept");
        }

        var input = new OrderInput(quotation.CustomerId,
            [.. quotation.Lines.OrderBy(l => l.LineNumber).Select(l => new OrderLineInput(l.ProductId, l.Quantity,
                Money.FromMinor(l.UnitPriceMinor, quotation.Currency).Amount, l.DiscountPercent))],
            quotation.Currency, CustomerPo: quotation.Number);
        var order = await orders.CreateAsync(input, actor, async (order, token) =>
        {
            var tracked = await db.Set<Quotation>().FirstAsync(q => q.Id == id, token);
            tracked.Accept(order.Id, calendar.Today);
        }, ct);
        return order.Id;
    }

    /// <summary>Expires quotations past their date and announces those expiring within <paramref name="warnDays"/>.</summary>
    public Task<int> ReviewAsync(int warnDays, CancellationToken ct) => writes.RunAsync(async token =>
    {
        var today = calendar.Today;
        var open = await db.Set<Quotation>().Where(q => q.Status == QuotationStatus.Draft || q.Status == QuotationStatus.Sent)
            .Where(q => q.ValidUntil <= today.AddDays(warnDays)).ToListAsync(token);
        var ids = open.Select(q => q.CustomerId).Distinct().ToList();
        var owners = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.OwnerUserId, token);
        foreach (var quotation in open)
        {
            quotation.Review(today, warnDays, owners.GetValueOrDefault(quotation.CustomerId) ?? quotation.CreatedBy);
        }

        return open.Count;
    }, ct);

    public async Task<QuotationDto> GetAsync(Guid id, CancellationToken ct)
    {
        var q = await (await VisibleAsync(ct)).AsNoTracking().Include(x => x.Lines).FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new NotFoundException("Quotation", id);
        var name = await db.Customers.AsNoTracking().Where(c => c.Id == q.CustomerId).Select(c => c.Name).FirstAsync(ct);
        decimal M(long minor) => Money.FromMinor(minor, q.Currency).Amount;
        return new QuotationDto(q.Id, q.Number, q.CustomerId, name, q.Status, q.Currency, M(q.TotalMinor), q.ValidUntil,
            [.. q.Lines.OrderBy(l => l.LineNumber).Select(l => new QuotationLineDto(l.LineNumber, l.ProductId, l.Sku, l.ProductName, l.Unit, l.Quantity,
                M(l.UnitPriceMinor), l.DiscountPercent, M(l.LineTotalMinor)))],
            q.Note, q.DeclineReason, q.OrderId, q.CreatedAt, q.Version);
    }

    public async Task<Page<QuotationDto>> ListAsync(Guid? customerId, QuotationStatus? status, int? limit, string? cursor, CancellationToken ct)
    {
        var take = Paging.Clamp(limit);
        var query = (await VisibleAsync(ct)).AsNoTracking();
        if (customerId is { } c)
        {
            query = query.Where(q => q.CustomerId == c);
        }

        if (status is { } s)
        {
            query = query.Where(q => q.Status == s);
        }

        if (Paging.ParseCursor(cursor) is { } before)
        {
            query = query.Where(q => q.Id.CompareTo(before) < 0);
        }

        var ids = await query.OrderByDescending(q => q.Id).Take(take + 1).Select(q => q.Id).ToListAsync(ct);
        var items = new List<QuotationDto>();
        foreach (var id in ids)
        {
            items.Add(await GetAsync(id, ct));
        }

        return Paging.From(items, take, q => q.Id);
    }

    private async Task<Quotation> LoadAsync(Guid id, CancellationToken ct) =>
        await (await VisibleAsync(ct)).Include(q => q.Lines).FirstOrDefaultAsync(q => q.Id == id, ct) ?? throw new NotFoundException("Quotation", id);

    private async Task<IQueryable<Quotation>> VisibleAsync(CancellationToken ct)
    {
        var visible = await scope.CustomersAsync(db.Customers, ct);
        return db.Set<Quotation>().Where(q => visible.Any(c => c.Id == q.CustomerId));
    }
}

/// <summary>Daily at 07:00: quotations past their date expire, those expiring within three days are announced once.</summary>
[DisallowConcurrentExecution]
public sealed class QuotationReviewJob(IServiceScopeFactory scopes) : IJob
{
    public const string Name = "quotation-review";
    public const int WarnDays = 3;

    public static readonly JobSchedule DefaultSchedule = JobSchedule.AtCron("0 0 7 * * ?");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await JobRun.InScopeAsync(scopes, Name, async (services, ct) =>
            await services.GetRequiredService<QuotationService>().ReviewAsync(WarnDays, ct) > 0, cancellationToken);
}

public sealed class QuotationConfiguration : IEntityTypeConfiguration<Quotation>
{
    public void Configure(EntityTypeBuilder<Quotation> builder)
    {
        builder.ToTable("quotations");
        builder.HasKey(q => q.Id);
        builder.Property(q => q.Id).ValueGeneratedNever();
        builder.Property(q => q.Number).HasMaxLength(32);
        builder.HasIndex(q => q.Number).IsUnique();
        builder.Property(q => q.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(q => q.Currency).HasMaxLength(3);
        builder.Property(q => q.Note).HasMaxLength(500);
        builder.Property(q => q.DeclineReason).HasMaxLength(500);
        builder.Property(q => q.Version).IsConcurrencyToken();
        builder.HasIndex(q => new { q.Status, q.ValidUntil });
        builder.HasIndex(q => q.CustomerId);
        builder.HasOne<Domain.Customers.Customer>().WithMany().HasForeignKey(q => q.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(q => q.Lines).WithOne().HasForeignKey(l => l.QuotationId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(q => q.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class QuotationLineConfiguration : IEntityTypeConfiguration<QuotationLine>
{
    public void Configure(EntityTypeBuilder<QuotationLine> builder)
    {
        builder.ToTable("quotation_lines");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Sku).HasMaxLength(64);
        builder.Property(l => l.ProductName).HasMaxLength(200);
        builder.Property(l => l.Unit).HasMaxLength(20);
        builder.Property(l => l.Quantity).IsQuantity();
    }
}
