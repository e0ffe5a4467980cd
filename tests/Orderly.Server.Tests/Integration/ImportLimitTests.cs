using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Orderly.Server.Tests.WebApi;

namespace Orderly.Server.Tests.Integration;

/// <summary>
/// QUALITY.md S5 for imports, on real Kestrel: a 1 GB upload is refused before it is read (announced length) or as
/// soon as it passes the limit (chunked), and a zip-bomb workbook is refused from its zip directory without being
/// inflated. The limit does not depend on the database: SQLite only.
/// </summary>
public sealed class ImportLimitTests(KestrelSqliteApp app) : IClassFixture<KestrelSqliteApp>
{
    private const long OneGigabyte = 1L << 30;

    [Fact]
    public async Task OneGigabyteUpload_WithItsLength_Is413_BeforeTheBodyIsRead()
    {
        using var admin = await app.AdminAsync();
        var body = new ZeroStream(OneGigabyte);
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data") { Parameters = { new NameValueHeaderValue("boundary", "b") } };
        content.Headers.ContentLength = OneGigabyte;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports?kind=products&mode=dry-run") { Content = content };
        request.Headers.ExpectContinue = true;

        // A client that waits for 100 Continue as long as it takes: the refusal must come before the server asks for the body.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) }) { BaseAddress = admin.BaseAddress };
        patient.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
        using var response = await patient.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Served < 16 * 1024 * 1024, $"the client sent {body.Served / 1e6:F0} MB before the refusal");
    }

    [Fact]
    public async Task ChunkedUpload_PastTheLimit_Is413_AndStoresNothing()
    {
        // 150 MB against the 100 MB default: the server counts what it reads and refuses at the limit.
        using var admin = await app.AdminAsync();
        var before = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<Domain.Integration.ImportJob>()));
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n");
        var body = new ZeroStream(150L << 20, head, (byte)'a');
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data") { Parameters = { new NameValueHeaderValue("boundary", "b") } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports?kind=products&mode=dry-run") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        HttpStatusCode status;
        try
        {
            using var response = await admin.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending: also a refusal.
            status = HttpStatusCode.RequestEntityTooLarge;
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(before, await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Set<Domain.Integration.ImportJob>())));
    }

    [Fact]
    public async Task ZipBombWorkbook_IsRefusedAtUpload_WithoutInflatingIt()
    {
        using var admin = await app.AdminAsync();
        using var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("[Content_Types].xml").Open().Dispose();
            await using var sheet = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 64; i++)
            {
                await sheet.WriteAsync(spaces);
            }
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var refused = await ImportClient.UploadAsync(admin, "products", "dry-run", bomb.ToArray(), "bomb.xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("zip bomb", refused.Body!["detail"].Str(), StringComparison.Ordinal);
        Assert.True(GC.GetTotalMemory(false) - heap < 32_000_000, "the bomb was inflated in memory");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    /// <summary>A stream of <paramref name="length"/> bytes made up as read: a prefix, then one byte repeated; counts what it served.</summary>
    private sealed class ZeroStream(long length, byte[]? prefix = null, byte fill = 0) : Stream
    {
        private readonly byte[] _prefix = prefix ?? [];

        public long Served { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Served);
            for (var i = 0; i < n; i++)
            {
                var at = Served + i;
                buffer[offset + i] = at < _prefix.Length ? _prefix[at] : fill;
            }

            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
