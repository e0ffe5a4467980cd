using Orderly.Domain.Common;
using Orderly.Server.Integration;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// The vendors' signatures against the test vectors of shared/integrations.md (computed there with Python's hashlib
/// and hmac from the algorithms the vendors' SDKs use): byte-exact, upper-case percent-encoding where Java encodes.
/// </summary>
public sealed class ConnectorSignatureTests
{
    [Fact]
    public void Fxiaoke_PushSignature_MatchesTheVector_AndIsCheckedWithinItsWindow()
    {
        Assert.Equal("d2be908a84ef51732223b2676633a850b5ebb5be", FxiaokeSignature.Compute("tokenABC", "1700000000000", "nonce123", "ENCRYPTEDCONTENT=="));

        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        Assert.True(FxiaokeSignature.Verify("tokenABC", "1700000000000", "nonce123", "ENCRYPTEDCONTENT==", "d2be908a84ef51732223b2676633a850b5ebb5be", at.AddSeconds(499), TimeSpan.FromSeconds(500)));
        Assert.False(FxiaokeSignature.Verify("tokenABC", "1700000000000", "nonce123", "ENCRYPTEDCONTENT==", "d2be908a84ef51732223b2676633a850b5ebb5be", at.AddSeconds(501), TimeSpan.FromSeconds(500)));
        Assert.False(FxiaokeSignature.Verify("tokenABC", "1700000000000", "nonce124", "ENCRYPTEDCONTENT==", "d2be908a84ef51732223b2676633a850b5ebb5be", at, TimeSpan.FromSeconds(500)));
    }

    [Fact]
    public void Kingdee_SignedHeaders_MatchTheVectors()
    {
        const string path = "/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save.common.kdsvc";

        Assert.Equal("%2Fk3cloud%2FKingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save.common.kdsvc", KingdeeSignature.EncodePath(path));
        Assert.Equal("MWYwMzE1Mjg3NWIyZDNkNzBkNGQ4NmY5ZGExMjQ4Y2RhMjkzMzZkM2RmNmVlOTcyZjk0MzJjYjY4OWNhM2M4Yw==",
            KingdeeSignature.ApiSignature("CLIENTSECRET", path, "1700000000", "1700000000"));
        var appData = KingdeeSignature.AppData("DCID001", "Administrator", 2052, "100");
        Assert.Equal("RENJRDAwMSxBZG1pbmlzdHJhdG9yLDIwNTIsMTAw", appData);
        // Ours, computed the same way: Base64(hex(HMAC-SHA256("kdsecret", "224466_test" + appData))).
        Assert.Equal("NTA3OTg0NjMyYmE0NjZiMjM3YzI0NDFkY2M5N2E0OTI2NjYwZmZkMmQ0NzNkMmVhOGMyNGI1OGZlZjc2MzcyYg==",
            KingdeeSignature.KdSignature("kdsecret", "224466_test", appData));

        var headers = KingdeeSignature.Headers(new KingdeeSettings(AcctId: "DCID001", UserName: "Administrator", AppId: "224466_test", OrgNumber: "100"),
            "CLIENTSECRET|kdsecret", path, 1_700_000_000).ToDictionary(h => h.Item1, h => h.Item2);
        Assert.Equal("224466", headers["X-Api-ClientID"]);
        Assert.Equal("MWYwMzE1Mjg3NWIyZDNkNzBkNGQ4NmY5ZGExMjQ4Y2RhMjkzMzZkM2RmNmVlOTcyZjk0MzJjYjY4OWNhM2M4Yw==", headers["X-Api-Signature"]);
        Assert.Equal("NTA3OTg0NjMyYmE0NjZiMjM3YzI0NDFkY2M5N2E0OTI2NjYwZmZkMmQ0NzNkMmVhOGMyNGI1OGZlZjc2MzcyYg==", headers["X-Kd-Signature"]);
        Assert.Equal(("1700000000", "1700000000", "x-api-timestamp,x-api-nonce"), (headers["x-api-timestamp"], headers["x-api-nonce"], headers["x-api-signheaders"]));
    }

    [Fact]
    public void Yonyou_TokenAndEventSignatures_MatchTheVectors()
    {
        Assert.Equal("5wMIzQQCPZ0a55Kq3YEDr1Vd5wf0Ycx9MpKFF975uEg%3D", YonyouSignature.TokenSignature("41832a3d2df94989b500da6a22268747", "1568098531823", "test-app-secret"));
        // Ours: lower-hex SHA-1 of the four values sorted and joined.
        Assert.Equal("ea07bb1339f0395a8a9b99ef0315d7d41d90ea04", YonyouSignature.EventSignature("test-app-secret", "1530862251583", "nonceXYZ", "ENCRYPTED=="));
    }

    [Fact]
    public void PushCrypto_DecryptsTheVector_ComputedWithOpenSsl_AndRefusesTamperedContent()
    {
        // openssl enc -aes-256-cbc -nopad -K <Base64Decode(key + "=") as hex> -iv <its first 16 bytes> on
        // "0123456789abcdef" ‖ 00000010 ‖ {"eventId":"E1"} ‖ FSAID_fake01 ‖ 32-byte PKCS#7 padding.
        const string vector = "Q3stYC6hdFzMh9T8HCvyDJu/cNq/xvuPS1EgYCObhj8BfQfILbLwlF+mwlhP+kuKV2EylU1Ua2hUS5XMO196IQ==";
        var key = CallbackCrypto.Key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")!;

        Assert.Equal(("{\"eventId\":\"E1\"}", "FSAID_fake01"), CallbackCrypto.Decrypt(key, vector));
        Assert.Equal(vector, CallbackCrypto.Encrypt(key, "{\"eventId\":\"E1\"}", "FSAID_fake01", "0123456789abcdef"u8));
        var flipped = Convert.FromBase64String(vector);
        flipped[^1] ^= 0x5a;
        Assert.Null(CallbackCrypto.Decrypt(key, Convert.ToBase64String(flipped)));
        Assert.Null(CallbackCrypto.Decrypt(key, "not base64!"));
        Assert.Null(CallbackCrypto.Key("short"));
    }
}
