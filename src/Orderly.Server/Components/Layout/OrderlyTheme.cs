using MudBlazor;

namespace Orderly.Server.Components.Layout;

/// <summary>One theme for the app: system fonts with a CJK fallback, so Chinese renders without a web font.</summary>
public static class OrderlyTheme
{
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e5aa8",
            Secondary = "#00796b",
            AppbarBackground = "#17406f",
            Warning = "#a35a00",
            Success = "#1b6e20",
            Error = "#b3261e",
            Info = "#0b5e8e",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H1 = new H1Typography { FontFamily = Fonts },
            H2 = new H2Typography { FontFamily = Fonts },
            H3 = new H3Typography { FontFamily = Fonts },
            H4 = new H4Typography { FontFamily = Fonts },
            H5 = new H5Typography { FontFamily = Fonts },
            H6 = new H6Typography { FontFamily = Fonts },
            Button = new ButtonTypography { FontFamily = Fonts },
        },
    };
}
