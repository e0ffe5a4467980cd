using Orderly.Server.Logistics;

namespace Orderly.Server.Tests.Supply;

/// <summary>The worked signature vectors of shared/integrations.md D1, and the fake's agreement with the client.</summary>
public sealed class Kuaidi100SignatureTests
{
    [Fact]
    public void QuerySign_MatchesTheVector() =>
        Assert.Equal("D2518A83D91A8ED5897EB6D5388850B6",
            Kuaidi100Client.QuerySign("""{"com":"yuantong","num":"YT9383342193097","phone":"17725390266"}""", "TESTKEY123", "TESTCUSTOMER"));

    [Fact]
    public void PushSign_MatchesTheVector() =>
        Assert.Equal("91098D5A2789F926A27A07339E73B801",
            Kuaidi100Client.PushSign("""{"status":"polling","message":"","lastResult":{"state":"0","ischeck":"0","com":"yuantong","nu":"YT9383342193097","data":[]}}""", "abc123salt"));
}
