using Orderly.Domain.Logistics;
using Orderly.Server.Logistics;

namespace Orderly.Server.Tests.Supply;

/// <summary>The SF route query's worked signature vector of shared/integrations.md D2, and Java's URL-encoding rules it rests on.</summary>
public sealed class SfExpressSignatureTests
{
    private const string VectorMsgData = """{"language":"0","trackingType":"1","trackingNumber":["SF7444407228423"],"methodType":"1"}""";

    [Fact]
    public void Digest_MatchesTheVector() =>
        Assert.Equal("M2CvAnUqrWgrznFopMQiWg==", SfExpressClient.Digest(VectorMsgData, "1700000000", "TESTCHECKWORD"));

    [Fact]
    public void RouteQuery_IsTheVectorsMsgData_ByteForByte()
    {
        Assert.Equal(VectorMsgData, SfExpressClient.RouteQuery(["SF7444407228423"], null));
        Assert.EndsWith(""","methodType":"1","checkPhoneNo":"5678"}""", SfExpressClient.RouteQuery(["SF7444407228423"], "5678"), StringComparison.Ordinal);
    }

    [Fact]
    public void JavaUrlEncode_UsesPlusForSpace_UpperCaseHex_AndKeepsJavasUnreservedSet() =>
        Assert.Equal("a+b%2B%E4%B8%AD.-*_%7E%27", SfExpressClient.JavaUrlEncode("a b+中.-*_~'"));

    [Fact]
    public void TheFake_ComputesTheSameDigest_Independently() =>
        Assert.Equal(SfExpressClient.Digest(VectorMsgData, "1700000000", "TESTCHECKWORD"), FakeSfExpress.DigestOf(VectorMsgData + "1700000000" + "TESTCHECKWORD"));

    [Theory]
    [InlineData("50", TrackingState.PickedUp)]
    [InlineData("80", TrackingState.Delivered)]
    [InlineData("44", TrackingState.OutForDelivery)]
    [InlineData("30", TrackingState.InTransit)]
    public void OpCodes_MapToOurStates(string opCode, TrackingState state) => Assert.Equal(state, SfExpressClient.StateOfOpCode(opCode));
}
