using Orderly.Domain.Integration;

namespace Orderly.Domain.Tests.Integration;

public sealed class ConnectorChannelTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(48, "None")]
    [InlineData(24, "Renew")]
    [InlineData(1, "Renew")]
    [InlineData(0, "Resubscribe")]
    [InlineData(-5, "Resubscribe")]
    public void Due_RenewsWithinTheWindow_AndResubscribesOnceLapsed(int hoursLeft, string expected)
    {
        var channel = new ConnectorChannel("zoho-crm", "1", "https://o.example/notify", ["Accounts.all"], Now.AddHours(hoursLeft), Now.AddDays(-6));

        Assert.Equal(Enum.Parse<ChannelAction>(expected), channel.Due(Now, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Renewed_ClearsTheLastError()
    {
        var channel = new ConnectorChannel("zoho-crm", "1", "https://o.example/notify", ["Accounts.all", "Products.all"], Now, Now);
        channel.Failed("Zoho answered 500");

        channel.Renewed(Now.AddDays(7), Now);

        Assert.Null(channel.LastError);
        Assert.Equal(["Accounts.all", "Products.all"], channel.EventList);
    }
}
