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

    /// <summary>A supplier's login to the supplier portal: tied to one supplier (Purchasing's supplier users), sees nothing else.</summary>
    public const string Supplier = "Supplier";

    public static readonly string[] All = [Admin, SalesManager, SalesRep, OrderClerk, Warehouse, Purchasing, Finance, Viewer, Supplier];

    /// <summary>Our own people: every role but outside parties (suppliers).</summary>
    public static readonly string[] Staff = [.. All.Where(r => r != Supplier)];
}

/// <summary>
/// The names of the authorization policies; which roles hold each is declared by the capability that owns it
/// (<see cref="Platform.IOrderlyModule.Permissions"/>), and an endpoint that names none is refused to everybody.
/// </summary>
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
    public const string SeeAllCustomers = "SeeAllCustomers";
}
