using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Communication;

namespace Orderly.Server.Tests.Communication;

/// <summary>A DNS the test controls: names map to the addresses it sets, and may change (DNS rebinding).</summary>
public sealed class TestResolver : IHostResolver
{
    public ConcurrentDictionary<string, IPAddress[]> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Task.FromResult(Names.TryGetValue(host, out var found) ? found : throw new System.Net.Sockets.SocketException(11001));
}

/// <summary>
/// The server wired to the in-process SMTP server, the local SMS and robot fakes and a webhook receiver, with a fast
/// message dispatcher, the inbound SMTP endpoint on, and loopback webhooks allowed (the receiver is on 127.0.0.1).
/// </summary>
public abstract class CommunicationApp(TestDatabase database) : OrderlyApp(database), IAsyncLifetime
{
    public SmtpSink Mail { get; private set; } = null!;

    public OutsideServices Outside { get; private set; } = null!;

    public TestResolver Resolver { get; } = new();

    public int InboundPort { get; } = SmtpSink.FreePort();

    async Task IAsyncLifetime.InitializeAsync()
    {
        Mail = SmtpSink.Start();
        Outside = await OutsideServices.StartAsync();
        Resolver.Names["receiver.test"] = [IPAddress.Loopback];
        await CreateDatabaseAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await DropDatabaseAsync();
        await Mail.DisposeAsync();
        await Outside.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Configure(builder, Mail, Outside, Resolver, InboundPort);
    }

    /// <summary>The settings that point a server at the SMTP sink, the fakes and the test DNS; null inbound port: no inbound SMTP.</summary>
    public static void Configure(IWebHostBuilder builder, SmtpSink mail, OutsideServices outside, TestResolver resolver, int? inboundPort)
    {
        var c = "Orderly:Communication:";
        builder.UseSetting("Orderly:Events:PollInterval", "00:00:00.050");
        builder.UseSetting("Orderly:Events:FirstRetryAfter", "00:00:00.050");
        builder.UseSetting("Orderly:Events:MaxRetryAfter", "00:00:00.200");
        builder.UseSetting("Orderly:Scheduling:Enabled", "false");
        builder.UseSetting(c + "PublicBaseUrl", "http://orderly.test");
        builder.UseSetting(c + "PollInterval", "00:00:00.050");
        builder.UseSetting(c + "FirstRetryAfter", "00:00:00.050");
        builder.UseSetting(c + "MaxRetryAfter", "00:00:00.200");
        builder.UseSetting(c + "MaxAttempts", "3");
        builder.UseSetting(c + "SurveyDelay", "00:00:00");
        builder.UseSetting(c + "AllowLoopbackWebhooks", "true");
        builder.UseSetting(c + "Smtp:Host", "127.0.0.1");
        builder.UseSetting(c + "Smtp:Port", mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting(c + "Smtp:FromAddress", "orders@company.test");
        builder.UseSetting(c + "Smtp:FromName", "Company Orders");
        builder.UseSetting(c + "Smtp:ReplyDomain", "reply.company.test");
        builder.UseSetting(c + "InboundSmtp:Enabled", inboundPort is null ? "false" : "true");
        builder.UseSetting(c + "InboundSmtp:Port", (inboundPort ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting(c + "Sms:AccessKeyId", OutsideServices.SmsKeyId);
        builder.UseSetting(c + "Sms:AccessKeySecret", OutsideServices.SmsSecret);
        builder.UseSetting(c + "Sms:Endpoint", outside.Url + "/sms/");
        builder.UseSetting(c + "Sms:SignName", "阿里云短信测试");
        builder.UseSetting(c + "Sms:Templates:OrderShipped", "SMS_154950909");
        builder.UseSetting(c + "WeCom:CorpId", OutsideServices.WeComCorpId);
        builder.UseSetting(c + "WeCom:Secret", OutsideServices.WeComSecret);
        builder.UseSetting(c + "WeCom:Endpoint", outside.Url);
        builder.UseSetting(c + "WeCom:Sender", "zhangsan");
        builder.UseSetting(c + "WeCom:CallbackToken", WeComCallbackTests.Token);
        builder.UseSetting(c + "WeCom:EncodingAesKey", WeComCallbackTests.EncodingAesKey);
        builder.UseSetting(c + "Robots:0:Name", "wecom");
        builder.UseSetting(c + "Robots:0:Kind", "WeCom");
        builder.UseSetting(c + "Robots:0:Url", $"{outside.Url}/wecom/send?key={OutsideServices.WeComKey}");
        builder.UseSetting(c + "Robots:0:Events:0", "OrderSubmitted");
        builder.UseSetting(c + "Robots:1:Name", "dingtalk");
        builder.UseSetting(c + "Robots:1:Kind", "DingTalk");
        builder.UseSetting(c + "Robots:1:Url", $"{outside.Url}/dingtalk/send?access_token={OutsideServices.DingTalkToken}");
        builder.UseSetting(c + "Robots:1:Secret", OutsideServices.DingTalkSecret);
        builder.UseSetting(c + "Robots:1:Events:0", "OrderSubmitted");
        builder.UseSetting(c + "Robots:1:Language", "en");
        builder.UseSetting(c + "Robots:2:Name", "feishu");
        builder.UseSetting(c + "Robots:2:Kind", "Feishu");
        builder.UseSetting(c + "Robots:2:Url", $"{outside.Url}/feishu/hook/{OutsideServices.FeishuHook}");
        builder.UseSetting(c + "Robots:2:Secret", OutsideServices.FeishuSecret);
        builder.UseSetting(c + "Robots:2:Events:0", "OrderSubmitted");
        builder.UseSetting(c + "Robots:2:Events:1", "StockAlertRaised");
        builder.ConfigureTestServices(services => services.AddSingleton<IHostResolver>(resolver));
    }

    /// <summary>Waits (at most 30 s) until the condition holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }

            await Task.Delay(100);
        }
    }

    public static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);
}

public sealed class CommunicationSqliteApp() : CommunicationApp(TestDatabase.For("sqlite"));

public sealed class CommunicationPostgresApp() : CommunicationApp(TestDatabase.For("postgres"));
