using System.ComponentModel.DataAnnotations;
using Orderly.Domain.Purchasing;

namespace Orderly.Server.Purchasing;

/// <summary><c>Orderly:Purchasing</c> in configuration.</summary>
public sealed class PurchasingOptions
{
    public const string Section = "Orderly:Purchasing";

    /// <summary>How far accepted goods may exceed the ordered quantity, in percent of it (0: not at all).</summary>
    [Range(typeof(decimal), "0", "100", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public decimal OverReceiptTolerancePercent { get; set; }

    /// <summary>
    /// The most a role may approve, per currency (the rule style of sales approval). A role not listed may not approve
    /// purchase orders at all, except Admin, who has no limit.
    /// </summary>
    public Dictionary<string, Dictionary<string, decimal>> ApproverLimits { get; set; } = new()
    {
        ["Purchasing"] = new() { ["CNY"] = 100_000m, ["USD"] = 15_000m },
        ["SalesManager"] = new() { ["CNY"] = 500_000m, ["USD"] = 75_000m },
    };

    /// <summary>Months per scorecard period (1 monthly, 3 quarterly, 12 yearly).</summary>
    [Range(1, 12)]
    public int ScorecardPeriodMonths { get; set; } = 1;

    /// <summary>Periods a scorecard history shows.</summary>
    [Range(1, 60)]
    public int ScorecardHistory { get; set; } = 12;

    public ScorecardRules Scorecard { get; set; } = new();

    /// <summary>The language of purchase orders sent to suppliers.</summary>
    public string Language { get; set; } = "zh-CN";
}
