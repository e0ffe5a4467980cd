using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Billing;

/// <summary>Dunning and credit hold settings (<c>Orderly:Billing</c>).</summary>
public sealed class BillingOptions
{
    public const string Section = "Orderly:Billing";

    /// <summary>Days from the due date on which a reminder is raised (negative: before it is due).</summary>
    public int[] ReminderDays { get; set; } = [-3, 7, 30];

    /// <summary>A customer with an invoice more than this many days overdue goes on credit hold.</summary>
    [Range(1, 3650)]
    public int HoldAfterDaysOverdue { get; set; } = 60;

    /// <summary>After finance releases a hold, the customer is not held again for this many days.</summary>
    [Range(0, 365)]
    public int ReleaseGraceDays { get; set; } = 7;
}
