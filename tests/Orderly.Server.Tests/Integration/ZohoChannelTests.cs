using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orderly.Domain.Integration;
using Orderly.Server.Identity;
using Orderly.Server.Integration;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The renewal of the Zoho notification channel against <see cref="FakeZoho"/>, with one clock for Zoho and the renewal
/// that the test moves: nothing is sent while the channel has time left; within a day of its expiry it is renewed
/// (PATCH, through a 429 and a 503, once); lapsed, or dropped by Zoho, it is subscribed again with the same id, events,
/// URL and token; a failed renewal is recorded and done at the next firing; notifications keep working throughout.
/// </summary>
public abstract class ZohoChannelTests(ConnectorApp app)
{
    private const string NotifyUrl = "https://orderly.example.com/api/integrations/zoho-crm/notify";
    private static readonly string[] Events = ["Accounts.all", "Sales_Orders.all"];

    [Fact]
    public async Task Channel_IsRenewedBeforeItsExpiry_SubscribedAgainOnceLapsed_AndNotificationsKeepWorking()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var zoho = new FakeZoho(clock);
        await zoho.StartAsync();
        var tag = TestData.Unique("ZC").Replace("-", "", StringComparison.Ordinal);
        zoho.Modules["Products"] = [];
        zoho.Modules["Accounts"] = [new JsonObject { ["id"] = "5400000000000001", ["Account_Name"] = "续订客户", ["Account_Number"] = $"{tag}-A1" }];
        using var admin = await app.AdminAsync();
        (await admin.PutAsync("/api/connectors/zoho-crm", new
        {
            enabled = true,
            settings = new { clientId = FakeZoho.ClientId, apiUrl = zoho.Url, accountsUrl = zoho.Url },
            secrets = new { clientSecret = FakeZoho.ClientSecret, refreshToken = FakeZoho.RefreshToken, notificationToken = "" },
        }, null)).Expect(HttpStatusCode.OK);
        (await admin.GetJsonAsync("/api/connectors/zoho-crm/watch")).ExpectProblem(HttpStatusCode.NotFound);
        var watch = (await admin.PostAsync("/api/connectors/zoho-crm/watch", new { notifyUrl = NotifyUrl, events = Events })).Expect(HttpStatusCode.OK);
        var channelId = watch["channelId"].Str();
        var token = zoho.Channels[channelId]["token"].Str();
        var registered = (await admin.GetJsonAsync("/api/connectors/zoho-crm/watch")).Expect(HttpStatusCode.OK);
        Assert.Equal(watch["expiry"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds(), registered["expiry"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Equal(("POST", 1), (zoho.WatchCalls.Single().Method, zoho.WatchCalls.Count));

        // Days left: nothing to do.
        clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(ChannelAction.None, await RenewAsync(clock));
        Assert.Single(zoho.WatchCalls);

        // Within a day of the expiry: renewed by PATCH, through a 429 and a 503, once; the expiry moves a week ahead of now.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
        zoho.Faults.Enqueue("429");
        zoho.Faults.Enqueue("503");
        Assert.Equal(ChannelAction.Renew, await RenewAsync(clock));
        var patch = zoho.WatchCalls.Last();
        Assert.Equal(("PATCH", 2), (patch.Method, zoho.WatchCalls.Count));
        var expected = clock.GetUtcNow() + ZohoChannels.Lifetime;
        Assert.Equal(expected.ToUnixTimeSeconds(), FakeZoho.ExpiryOf(zoho.Channels[channelId]).ToUnixTimeSeconds());
        Assert.Equal(expected.ToUnixTimeSeconds(), (await ChannelAsync()).Expiry.ToUnixTimeSeconds());
        Assert.True(zoho.IsLive(channelId));

        // Left to lapse (the node was down for a week): subscribed again, same id, events, URL and token.
        clock.Advance(TimeSpan.FromDays(8));
        Assert.False(zoho.IsLive(channelId));
        Assert.Equal(ChannelAction.Resubscribe, await RenewAsync(clock));
        var again = zoho.WatchCalls.Last();
        Assert.Equal("POST", again.Method);
        var sent = again.Body["watch"]![0]!;
        Assert.Equal((channelId, NotifyUrl, token), (sent["channel_id"].Str(), sent["notify_url"].Str(), sent["token"].Str()));
        Assert.Equal(["Accounts.all", "Sales_Orders.all"], sent["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.True(zoho.IsLive(channelId));

        // Zoho dropped the channel on its side: the renewal is refused, so it is subscribed again.
        zoho.Channels.Clear();
        clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(1));
        Assert.Equal(ChannelAction.Resubscribe, await RenewAsync(clock));
        Assert.Equal(["PATCH", "POST"], zoho.WatchCalls.TakeLast(2).Select(c => c.Method));
        Assert.Single(zoho.Channels);

        // Zoho down for the whole renewal: nothing lost, the error is kept and the next firing renews.
        clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(1));
        for (var i = 0; i < 6; i++)
        {
            zoho.Faults.Enqueue("500");
        }

        var calls = zoho.WatchCalls.Count;
        Assert.Equal(ChannelAction.None, await RenewAsync(clock));
        Assert.Equal(calls, zoho.WatchCalls.Count);
        Assert.StartsWith("Zoho answered the channel renewal with 500", (await admin.GetJsonAsync("/api/connectors/zoho-crm/watch")).Expect(HttpStatusCode.OK)["lastError"].Str(), StringComparison.Ordinal);
        Assert.Equal(ChannelAction.Renew, await RenewAsync(clock));
        Assert.Null((await ChannelAsync()).LastError);
        Assert.True(zoho.IsLive(channelId));
        var log = (await app.LogAsync("zoho-crm", "watch")).Select(e => e.Outcome).TakeLast(5);
        Assert.Equal([SyncOutcome.Updated, SyncOutcome.Created, SyncOutcome.Created, SyncOutcome.Failed, SyncOutcome.Updated], log);

        // The token carried over: Zoho's notification on the renewed channel is accepted and syncs the account.
        using var anonymous = app.Anonymous();
        var notification = zoho.Notification(channelId, "Accounts", "insert", "5400000000000001").ToJsonString();
        using var answer = await anonymous.PostAsync("/api/integrations/zoho-crm/notify", new StringContent(notification, Encoding.UTF8, "application/json"));
        Assert.Equal((HttpStatusCode.OK, "success"), (answer.StatusCode, await answer.Content.ReadAsStringAsync()));
        await ConnectorApp.EventuallyAsync(() => app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Code == $"{tag}-A1")), "the notified account synced");
    }

    /// <summary>One firing of the renewal, on the test's clock.</summary>
    private async Task<ChannelAction> RenewAsync(TimeProvider clock)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("test:connector-channels");
        return await ActivatorUtilities.CreateInstance<ZohoChannels>(scope.ServiceProvider, clock).RenewDueAsync(CancellationToken.None);
    }

    private Task<ConnectorChannel> ChannelAsync() => app.WithDbAsync(db => db.Set<ConnectorChannel>().AsNoTracking().SingleAsync(c => c.Connector == "zoho-crm"));
}

public sealed class ZohoChannelTests_Sqlite(ConnectorSqliteApp app) : ZohoChannelTests(app), IClassFixture<ConnectorSqliteApp>;

public sealed class ZohoChannelTests_Postgres(ConnectorPostgresApp app) : ZohoChannelTests(app), IClassFixture<ConnectorPostgresApp>;
