using Orderly.Domain.Common;
using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Communication;

/// <summary>Settings of customer communication, under <c>Orderly:Communication</c>.</summary>
public sealed class CommunicationOptions
{
    public const string Section = "Orderly:Communication";

    /// <summary>The public address of this server, for links in messages (status page, survey).</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    public SmtpOptions Smtp { get; set; } = new();

    public InboundSmtpOptions InboundSmtp { get; set; } = new();

    public AliyunSmsOptions Sms { get; set; } = new();

    public List<RobotOptions> Robots { get; set; } = [];

    public WeComCustomerOptions WeCom { get; set; } = new();

    /// <summary>The message dispatcher: how often it looks for due messages, retries and give-up.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claimed message is held by a dispatcher before another may send it (the dispatcher died).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan LeaseFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The survey goes out this long after delivery, and can be answered for <see cref="SurveyValidFor"/>.</summary>
    public TimeSpan SurveyDelay { get; set; } = TimeSpan.FromDays(2);

    public TimeSpan SurveyValidFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Survey submissions per source address and minute.</summary>
    [Range(1, 10_000)]
    public int SurveyPostsPerMinute { get; set; } = 10;

    /// <summary>Whether the public order status page shows prices (off: quantities only).</summary>
    public bool StatusPageShowsPrices { get; set; }

    /// <summary>A task reminder goes to the assignee this long before the task is due.</summary>
    public TimeSpan ReminderLead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Lets webhooks reach loopback addresses (127.0.0.0/8, ::1). Off by default and in production: the SSRF guard
    /// refuses them. Only for tests and local development, whose receivers listen on 127.0.0.1.
    /// </summary>
    public bool AllowLoopbackWebhooks { get; set; }

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class SmtpOptions
{
    /// <summary>Null: no e-mail is sent (messages stay queued until a server is configured).</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    public bool UseTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The company's sender.</summary>
    [Required, EmailAddress]
    public string FromAddress { get; set; } = "orders@orderly.local";

    public string FromName { get; set; } = "Orderly";

    /// <summary>The domain of reply addresses (<c>reply+TOKEN@ReplyDomain</c>) that the inbound endpoint receives.</summary>
    [Required]
    public string ReplyDomain { get; set; } = "reply.orderly.local";
}

public sealed class InboundSmtpOptions
{
    /// <summary>Off by default: the SMTP receiving endpoint for customers' replies.</summary>
    public bool Enabled { get; set; }

    [Range(0, 65535)]
    public int Port { get; set; } = 2525;

    [Range(1024, 50 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>
/// WeCom (企业微信) customer contact: messages to a customer's WeChat through the company's WeCom, with the
/// external-contact API (<c>externalcontact/add_msg_template</c>) and an access token from <c>gettoken</c>.
/// </summary>
public sealed class WeComCustomerOptions
{
    /// <summary>Null: the WeCom channel is off (messages stay queued until it is configured).</summary>
    public string? CorpId { get; set; }

    /// <summary>The secret of the customer-contact (客户联系) application.</summary>
    public string? Secret { get; set; }

    public string Endpoint { get; set; } = "https://qyapi.weixin.qq.com/";

    /// <summary>The member (userid) the message goes out as; null lets WeCom use the customer's own contacts.</summary>
    public string? Sender { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(CorpId) && !string.IsNullOrEmpty(Secret);

    /// <summary>The Token of the app's callback (接收消息 API) settings: a secret, never logged. Null: the callback answers 403.</summary>
    public string? CallbackToken { get; set; }

    /// <summary>The 43-character EncodingAESKey of the app's callback settings: a secret, never logged.</summary>
    public string? EncodingAesKey { get; set; }

    /// <summary>The largest callback body accepted.</summary>
    [Range(1024, 1_048_576)]
    public int CallbackMaxBytes { get; set; } = 64 * 1024;

    /// <summary>How far a callback's timestamp may be from now.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan CallbackWindow { get; set; } = TimeSpan.FromMinutes(5);

    public bool CallbackConfigured => !string.IsNullOrEmpty(CorpId) && !string.IsNullOrEmpty(CallbackToken) && CallbackCrypto.Key(EncodingAesKey) is not null;
}

public sealed class AliyunSmsOptions
{
    /// <summary>Null: SMS is off.</summary>
    public string? AccessKeyId { get; set; }

    public string? AccessKeySecret { get; set; }

    public string Endpoint { get; set; } = "https://dysmsapi.aliyuncs.com/";

    public string SignName { get; set; } = "";

    /// <summary>Template codes by event type and language, e.g. <c>OrderShipped:zh-CN = SMS_1234</c>.</summary>
    public Dictionary<string, string> Templates { get; set; } = [];

    public bool IsConfigured => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(AccessKeySecret);
}

public enum RobotKind
{
    WeCom,
    DingTalk,
    Feishu,
}

/// <summary>A team group robot told about internal events (approval needed, delays, credit holds).</summary>
public sealed class RobotOptions
{
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,49}$")]
    public string Name { get; set; } = "";

    public RobotKind Kind { get; set; }

    /// <summary>The robot's webhook URL including its key or access token.</summary>
    [Required, Url]
    public string Url { get; set; } = "";

    /// <summary>DingTalk's SEC... or Feishu's signing secret; null when the robot does not sign.</summary>
    public string? Secret { get; set; }

    public List<string> Events { get; set; } = ["OrderSubmitted", "ShipmentDelayed", "CustomerCreditHeld", "StockAlertRaised"];

    /// <summary>The robot service's limit: 20 messages a minute per robot for WeCom and DingTalk.</summary>
    [Range(1, 1000)]
    public int PerMinute { get; set; } = 20;

    [Required]
    public string Language { get; set; } = "zh-CN";
}
