using Orderly.Domain.Common;
using Orderly.Domain.Communication;

namespace Orderly.Domain.Tests.Communication;

/// <summary>WeCom's callback signature and encryption, against WeCom's own published sample and a vector of ours.</summary>
public sealed class WeComCryptoTests
{
    // The sample of WeCom's WXBizMsgCrypt (URL verification): token QDG6eK, corp wx5823bf96d3bd56c7.
    private const string SampleKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string SampleEcho = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";

    // Ours: key abc…EFG, random bytes 00..0f, corp ww1234567890abcdef; computed independently with Python's cryptography.
    private const string OurKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string OurCorp = "ww1234567890abcdef";
    private const string OurMessage = "<xml><ToUserName><![CDATA[ww1234567890abcdef]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[订单 SO-2026-000123 何时发货？]]></Content><MsgId>7000000000000000001</MsgId><ExternalUserID><![CDATA[wmEXTERNAL01]]></ExternalUserID></xml>";
    private const string OurCipher = "IG+0eOkLdhYW9kHtuT3HY5Nr+rdR71sAhNvt6jI4CZ9vHahAxeHjZfM2OUV/Nk0oypp+DDQCjN3JPWNZUmcjuI/g2FXStj/Dw3NHU5mSk5FUJLs4X4jAyoBmcC7gdzfqGQ6ayhY0uyPMlby7QDN+699m2DtMZ3psz3Rii/uGZS1O0nXtYaJCzdi3lR6v9NBg6IdOBa75a0JFUl7FFHsGq9XdZC9Nvwrn8FN2mBm/lTixnIcSHVyQlT7+n6JIuGs0lLJ2R4Fl8bOb3TL0oOlcRdbqDsa/MGPXOTVSeVCLoW8ky9INWMPvdekD5pxTeMqGww9my0p/gVB0dG4O/Fb4eYF5m8tp9hBY0TxQvsGEERCN8sqY7WR+b2wXvqjl9PPL7v8vaY89ahtiuNDC587830j5Kw+sEoZmKtfDtpHEFmh5dkytQmgcJvU10obTjdU315qX1a+6wdZLeOwCdt3UVTVc4+7ZjUzxzWzUOjeRhMhDAGMGFb+6reDnN/lZn5NX";

    [Fact]
    public void WeComsSample_VerifiesAndDecrypts()
    {
        Assert.Equal("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", CallbackCrypto.Signature("QDG6eK", "1409659589", "263014780", SampleEcho));
        Assert.True(CallbackCrypto.Verify("QDG6eK", "1409659589", "263014780", SampleEcho, "5C45FF5E21C57E6AD56BAC8758B79B1D9AC89FD3"));
        Assert.False(CallbackCrypto.Verify("QDG6eK", "1409659589", "263014781", SampleEcho, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"));
        Assert.Equal(("1616140317555161061", "wx5823bf96d3bd56c7"), CallbackCrypto.Decrypt(CallbackCrypto.Key(SampleKey)!, SampleEcho));
    }

    [Fact]
    public void OurVector_EncryptsByteForByte_AndRoundTrips()
    {
        var key = CallbackCrypto.Key(OurKey)!;
        var random = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        Assert.Equal(OurCipher, CallbackCrypto.Encrypt(key, OurMessage, OurCorp, random));
        Assert.Equal((OurMessage, OurCorp), CallbackCrypto.Decrypt(key, OurCipher));
        Assert.Equal("ea000c706411267870eb806c7e789098df0f622d", CallbackCrypto.Signature("tokenT0k3n", "1700000000", "nonce42", OurCipher));
    }

    [Fact]
    public void BadKeysAndCiphers_AreRefused_NotThrown()
    {
        Assert.Null(CallbackCrypto.Key("short"));
        Assert.Null(CallbackCrypto.Key(new string('*', 43)));
        var key = CallbackCrypto.Key(OurKey)!;
        Assert.Null(CallbackCrypto.Decrypt(key, "not base64!"));
        Assert.Null(CallbackCrypto.Decrypt(key, Convert.ToBase64String(new byte[15])));
        // Right length, wrong key: the padding does not check out.
        Assert.Null(CallbackCrypto.Decrypt(CallbackCrypto.Key(SampleKey)!, OurCipher));
        Assert.False(CallbackCrypto.Verify("t", "1", "n", "x", null));
    }
}
