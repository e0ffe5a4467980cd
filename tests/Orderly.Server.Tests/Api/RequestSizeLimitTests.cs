using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// QUALITY.md S5: a body over the 4 MiB limit is refused with 413 problem+json before it is parsed, whether the
/// client announces its length or streams it chunked. Runs on real Kestrel (see <see cref="KestrelSqliteApp"/>);
/// the limit does not depend on the database, so SQLite only.
/// </summary>
public sealed class RequestSizeLimitTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    private const int Limit = 4 * 1024 * 1024;

    [Fact]
    public async Task BodyOver4MiB_WithContentLength_Answers413ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());

        var response = await SendAsync(admin, CustomerBody(Limit + 1024), chunked: false);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal(Problems.MediaType, response.MediaType);
        Assert.Equal(413, response.Body!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(response.Body["title"]?.GetValue<string>()));
        Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task BodyOver4MiB_Chunked_Answers413ProblemJson()
    {
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());

        var response = await SendAsync(admin, CustomerBody(Limit + 64 * 1024), chunked: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal(Problems.MediaType, response.MediaType);
        Assert.Equal(before, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task BodyJustUnderTheLimit_IsParsed_AndRefusedForItsContent()
    {
        using var admin = await app.AdminAsync();

        var response = await SendAsync(admin, CustomerBody(Limit - 1024), chunked: false);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(Problems.MediaType, response.MediaType);
        Assert.Contains(("name", "TooLong"), response.Body!.Violations());
    }

    /// <summary>A customer whose name makes the whole body exactly <paramref name="size"/> bytes.</summary>
    private static byte[] CustomerBody(int size)
    {
        var head = $"{{\"code\":\"{TestData.Unique("BIG")}\",\"name\":\"";
        const string Tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('a', size - head.Length - Tail.Length) + Tail);
    }

    private static async Task<(HttpStatusCode Status, string? MediaType, JsonNode? Body)> SendAsync(HttpClient client, byte[] body, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/customers") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        // A well-behaved client of a large upload waits for 100 Continue, so a refusal arrives before the body is sent.
        request.Headers.ExpectContinue = !chunked;
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>A readable stream that does not tell its length, so the client has to send it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;
    }
}
