namespace Orderly.Server.Integration;

/// <summary>The Integration capability's policies.</summary>
public static class IntegrationPolicies
{
    /// <summary>Upload and follow imports; each kind still needs the permission that manages that data.</summary>
    public const string Import = "Import";

    /// <summary>Configure and run the CRM and ERP connectors.</summary>
    public const string ManageConnectors = "ManageConnectors";
}
