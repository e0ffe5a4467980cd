using System.Net;
using Microsoft.Extensions.Options;
using Orderly.Server.Communication;

namespace Orderly.Server.Tests.Communication;

/// <summary>The signers against the test vectors of shared/integrations.md, and the SSRF guard's address rules.</summary>
public sealed class SignatureAndGuardTests
{
    [Fact]
    public void Aliyun_MatchesTheVector()
    {
        var parameters = new Dictionary<string, string>
        {
            ["AccessKeyId"] = "testid", ["Action"] = "SendSms", ["Version"] = "2017-05-25", ["RegionId"] = "cn-hangzhou", ["Format"] = "JSON",
            ["SignatureMethod"] = "HMAC-SHA1", ["SignatureVersion"] = "1.0", ["SignatureNonce"] = "45e25e9b-0a6f-4070-8c85-2956eda1b466",
            ["Timestamp"] = "2023-10-01T12:00:00Z", ["PhoneNumbers"] = "13800138000", ["SignName"] = "阿里云短信测试", ["TemplateCode"] = "SMS_154950909",
            ["TemplateParam"] = "{\"code\":\"1234\"}",
        };
        Assert.Equal("xTx2Qj7vPCbRwu63Tb1y8kSaVyU=", Signatures.Aliyun(parameters, "testsecret"));
        Assert.Equal("xTx2Qj7vPCbRwu63Tb1y8kSaVyU=", OutsideServices.AliyunSign(parameters, "testsecret"));
        Assert.Equal("a%20b%2Ac~%2F", Signatures.PercentEncode("a b*c~/"));
    }

    [Fact]
    public void DingTalk_MatchesTheVector()
    {
        var sign = Signatures.DingTalk(1700000000000, "SECtestsecret" + new string('0', 52));
        Assert.Equal("0BIaYKOsCEX1R/KQdV+UnrKOtJlve/vEIOsZYtkcTKE=", sign);
        Assert.Equal("0BIaYKOsCEX1R%2FKQdV%2BUnrKOtJlve%2FvEIOsZYtkcTKE%3D", Uri.EscapeDataString(sign));
    }

    [Fact]
    public void Feishu_MatchesTheVector() =>
        Assert.Equal("e3MJ8Q5llVxGJ8pVkGPBhexDAgjvYqpjPP1GkY9XceI=", Signatures.Feishu(1700000000, "feishu-test-secret"));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:10.0.0.1")]
    public void Guard_RefusesInternalAddresses(string address) => Assert.False(Guard(allowLoopback: false).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void Guard_AllowsPublicAddresses(string address) => Assert.True(Guard(allowLoopback: false).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public async Task Guard_ChecksWhatANameResolvesTo_AndLoopbackOnlyWhenAllowed()
    {
        var resolver = new TestResolver();
        resolver.Names["hooks.partner.test"] = [IPAddress.Parse("93.184.216.34")];
        resolver.Names["looks-public.test"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.8")];
        resolver.Names["localhost.test"] = [IPAddress.Loopback];
        var strict = Guard(allowLoopback: false, resolver);
        Assert.Null(await strict.RefusalAsync("https://hooks.partner.test/orderly", default));
        Assert.Equal("PrivateAddress", await strict.RefusalAsync("https://looks-public.test/x", default));
        Assert.Equal("PrivateAddress", await strict.RefusalAsync("http://localhost.test/x", default));
        Assert.Equal("PrivateAddress", await strict.RefusalAsync("http://[::1]:8080/x", default));
        Assert.Equal("UnresolvableHost", await strict.RefusalAsync("http://nowhere.test/x", default));
        Assert.Equal("NotHttpUrl", await strict.RefusalAsync("file:///etc/passwd", default));
        Assert.Equal("CredentialsInUrl", await strict.RefusalAsync("https://user:pw@hooks.partner.test/", default));
        Assert.Null(await Guard(allowLoopback: true, resolver).RefusalAsync("http://localhost.test/x", default));
        Assert.Equal("PrivateAddress", await Guard(allowLoopback: true, resolver).RefusalAsync("http://169.254.169.254/latest", default));
    }

    private static WebhookGuard Guard(bool allowLoopback, IHostResolver? resolver = null) =>
        new(resolver ?? new TestResolver(), Options.Create(new CommunicationOptions { AllowLoopbackWebhooks = allowLoopback }));
}
