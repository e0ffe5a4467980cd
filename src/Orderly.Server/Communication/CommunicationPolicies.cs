namespace Orderly.Server.Communication;

/// <summary>The policies of customer communication.</summary>
public static class CommunicationPolicies
{
    /// <summary>Log interactions, notes and tasks on customers one may see.</summary>
    public const string Communicate = "Communicate";

    /// <summary>Write an e-mail to a customer's contact (sent through the message queue); reps only to their own customers.</summary>
    public const string WriteEmail = "WriteCustomerEmail";

    /// <summary>Customer messages whose sender matches no customer contact.</summary>
    public const string ReadUnmatched = "ReadUnmatchedMessages";

    /// <summary>Say whose contact an unmatched message's sender is, which moves their messages to that customer's timeline.</summary>
    public const string AssignUnmatched = "AssignUnmatchedMessages";

    /// <summary>Customers' notification preferences.</summary>
    public const string ManageCommunication = "ManageCommunication";

    /// <summary>Webhook subscriptions, their deliveries and replays.</summary>
    public const string ManageWebhooks = "ManageWebhooks";

    /// <summary>Survey answers and the CSAT/NPS report.</summary>
    public const string ReadSurveys = "ReadSurveys";
}
