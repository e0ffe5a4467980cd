namespace Orderly.Server.Ui;

/// <summary>The authorization policies the UI itself declares (<see cref="UiModule.Permissions"/>).</summary>
public static class UiPolicies
{
    /// <summary>Opening the interactive UI's connection (the Blazor hub): staff and supplier portal logins alike.</summary>
    public const string InteractiveUi = "InteractiveUi";
}
