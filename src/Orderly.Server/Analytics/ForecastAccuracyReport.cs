using System.Globalization;
using System.Text;

namespace Orderly.Server.Analytics;

/// <summary>
/// The all-products backtest as the Markdown table of docs/analytics.md ("Accuracy on the demo data"), printed by
/// <c>Orderly.Server forecast-accuracy</c> so the published table can be regenerated.
/// </summary>
public static class ForecastAccuracyReport
{
    public static string ToMarkdown(ForecastAccuracyDto accuracy)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"Weeks {accuracy.From:yyyy-MM-dd} to {accuracy.To:yyyy-MM-dd}, {accuracy.Products} products with demand, backtest run in {accuracy.Seconds:0.000} s.\n");
        text.Append(c, $"Methods chosen: {string.Join(", ", accuracy.Chosen.Where(m => m.Value > 0).Select(m => $"{m.Key} {m.Value}"))}.\n\n");
        text.Append("| class | method | series | points | WAPE | MASE | bias |\n|---|---|---|---|---|---|---|\n");
        foreach (var row in accuracy.Rows)
        {
            var method = row.Method?.ToString() ?? "**chosen per series**";
            text.Append(c, $"| {row.Class} | {method} | {row.Series:N0} | {row.Points:N0} | {F(row.Wape)} | {F(row.Mase)} | {F(row.Bias)} |\n");
        }

        return text.ToString();
    }

    private static string F(decimal? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "–";
}
