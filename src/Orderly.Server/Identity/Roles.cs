namespace Orderly.Server.Identity;

public static class Roles
{
    public const string Admin = "Admin";
    public const string SalesManager = "SalesManager";
    public const string SalesRep = "SalesRep";
    public const string OrderClerk = "OrderClerk";
    public const string Warehouse = "Warehouse";
    public const string Purchasing = "Purchasing";
    public const string Finance = "Finance";
    public const string Viewer = "Viewer";

    public static readonly string[] All = [Admin, SalesManager, SalesRep, OrderClerk, Warehouse, Purchasing, Finance, Viewer];
}

/// <summary>Named authorization policies; every endpoint names one (the fallback policy requires a login).</summary>
public static class Policies
{
    public const string Read = "Read";
    public const string EnterOrders = "EnterOrders";
    public const string ApproveOrders = "ApproveOrders";
    public const string Fulfil = "Fulfil";
    public const string ManageCustomers = "ManageCustomers";
    public const string ManageCatalog = "ManageCatalog";
    public const string ManageStock = "ManageStock";
    public const string ManageUsers = "ManageUsers";
    public const string ReadAudit = "ReadAudit";
    public const string ReadAnalytics = "ReadAnalytics";
    public const string ReadCompanyAnalytics = "ReadCompanyAnalytics";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) => authorization
        .AddPolicy(Read, p => p.RequireAuthenticatedUser())
        .AddPolicy(EnterOrders, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.OrderClerk))
        .AddPolicy(ApproveOrders, p => p.RequireRole(Roles.Admin, Roles.SalesManager))
        .AddPolicy(Fulfil, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.Warehouse))
        .AddPolicy(ManageCustomers, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.Finance))
        .AddPolicy(ManageCatalog, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.Purchasing))
        .AddPolicy(ManageStock, p => p.RequireRole(Roles.Admin, Roles.Warehouse, Roles.Purchasing))
        .AddPolicy(ManageUsers, p => p.RequireRole(Roles.Admin))
        .AddPolicy(ReadAudit, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.Finance))
        .AddPolicy(ReadAnalytics, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.SalesRep, Roles.Finance))
        .AddPolicy(ReadCompanyAnalytics, p => p.RequireRole(Roles.Admin, Roles.SalesManager, Roles.Finance));
}
