using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Orderly.Server.Ui;

/// <summary>
/// MudBlazor's own texts (converter errors such as "Not a valid date time", pager buttons, calendar controls) from
/// the UI's resources under "Mud_" + MudBlazor's key; a key the UI does not have falls back to MudBlazor's English.
/// </summary>
public sealed class OrderlyMudLocalizer(IStringLocalizer<Labels> labels) : MudLocalizer
{
    public override LocalizedString this[string key] => Find(key, labels["Mud_" + key]);

    public override LocalizedString this[string key, params object[] arguments] => Find(key, labels["Mud_" + key, arguments]);

    private static LocalizedString Find(string key, LocalizedString found) =>
        found.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : new LocalizedString(key, found.Value);
}
