using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Customers;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Identity;

/// <summary>
/// Which customers (and so which orders) the caller may see: a sales rep their own customers, a sales manager
/// those of their team and their own, every other role all of them. Anything outside the scope is answered
/// as if it did not exist (404), in gets, lists, filters and searches alike. A named system actor (jobs, the event
/// dispatcher) sees everything; a scope without a caller sees nothing.
/// </summary>
public sealed class DataScope(Caller caller, OrderlyDbContext db, Platform.PermissionTable permissions)
{
    private bool _resolved;
    private Guid[]? _owners;

    /// <summary>The user whose customers a rep-only caller sees: the user, or for an API key the user who issued it.</summary>
    public Guid? Self => caller.PersonId;

    /// <summary>The owners whose customers are visible, or null when everything is.</summary>
    public async Task<Guid[]?> OwnersAsync(CancellationToken ct)
    {
        if (_resolved)
        {
            return _owners;
        }

        _resolved = true;
        if (caller.IsSystem || permissions.Allows(caller, Policies.SeeAllCustomers))
        {
            return _owners = null;
        }

        if (!caller.IsUser)
        {
            // Nobody: a scope without a caller refuses everything instead of granting it.
            return _owners = [];
        }

        var self = Self ?? Guid.Empty;
        if (caller.IsInRole(Roles.SalesManager))
        {
            var team = await db.Users.AsNoTracking().Where(u => u.ManagerId == self).Select(u => u.Id).ToListAsync(ct);
            return _owners = [self, .. team];
        }

        // A sales rep, or a role without customer access: only customers they own, possibly none.
        return _owners = [self];
    }

    public async Task<IQueryable<Customer>> CustomersAsync(IQueryable<Customer> customers, CancellationToken ct) =>
        await OwnersAsync(ct) is { } owners
            ? customers.Where(c => c.OwnerUserId != null && owners.Contains(c.OwnerUserId.Value))
            : customers;

    public async Task<IQueryable<SalesOrder>> OrdersAsync(IQueryable<SalesOrder> orders, CancellationToken ct) =>
        await OwnersAsync(ct) is { } owners
            ? orders.Where(o => db.Customers.Any(c => c.Id == o.CustomerId && c.OwnerUserId != null && owners.Contains(c.OwnerUserId.Value)))
            : orders;

    /// <summary>The ids of the orders the caller may see, or null when they see all; for redacting order references elsewhere (stock ledger).</summary>
    public async Task<IQueryable<Guid>?> VisibleOrderIdsAsync(CancellationToken ct) =>
        await OwnersAsync(ct) is null ? null : (await OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Select(o => o.Id);

    /// <summary>Of the given order ids, those the caller may not see (empty when they see all).</summary>
    public async Task<HashSet<Guid>> HiddenOrderCausesAsync(IEnumerable<Guid> orderIds, CancellationToken ct)
    {
        if (await OwnersAsync(ct) is null)
        {
            return [];
        }

        var ids = orderIds.Distinct().ToList();
        var visible = await (await OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Where(o => ids.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
        return [.. ids.Except(visible)];
    }

    /// <summary>The ids of the customers the caller may see, or null when they see all.</summary>
    public async Task<IQueryable<Guid>?> VisibleCustomerIdsAsync(CancellationToken ct) =>
        await OwnersAsync(ct) is null ? null : (await CustomersAsync(db.Customers.AsNoTracking(), ct)).Select(c => c.Id);

    public async Task<bool> CanSeeCustomerAsync(Guid customerId, CancellationToken ct) =>
        await (await CustomersAsync(db.Customers.AsNoTracking(), ct)).AnyAsync(c => c.Id == customerId, ct);
}
