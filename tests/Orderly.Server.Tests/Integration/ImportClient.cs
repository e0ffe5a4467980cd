using System.Net.Http.Headers;
using System.Text;

namespace Orderly.Server.Tests.Integration;

/// <summary>Uploads files to /api/imports and waits for the background run to settle.</summary>
public static class ImportClient
{
    public static readonly Encoding Utf8Bom = new UTF8Encoding(true);

    public static byte[] Bytes(string text, Encoding encoding) => [.. encoding.GetPreamble(), .. encoding.GetBytes(text)];

    public static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> UploadAsync(
        HttpClient client, string kind, string mode, byte[] file, string fileName = "data.csv", string extra = "")
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx", StringComparison.Ordinal)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        content.Add(part, "file", fileName);
        return await client.SendAsync(HttpMethod.Post, $"/api/imports?kind={kind}&mode={mode}{extra}", null, r => r.Content = content);
    }

    /// <summary>Uploads and waits; returns the import's final state document.</summary>
    public static async Task<JsonNode> RunAsync(HttpClient client, string kind, string mode, byte[] file, string fileName = "data.csv", string extra = "")
    {
        var id = (await UploadAsync(client, kind, mode, file, fileName, extra)).Expect(HttpStatusCode.Accepted).Id();
        return await SettledAsync(client, id);
    }

    public static async Task<JsonNode> CommitAsync(HttpClient client, Guid id, string mode)
    {
        (await client.PostAsync($"/api/imports/{id}/commit?mode={mode}")).Expect(HttpStatusCode.Accepted);
        return await SettledAsync(client, id);
    }

    public static async Task<JsonNode> SettledAsync(HttpClient client, Guid id, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(600));
        while (true)
        {
            var body = (await client.GetJsonAsync($"/api/imports/{id}")).Expect(HttpStatusCode.OK);
            if (body["state"].Str() is not ("Queued" or "Validating" or "Committing"))
            {
                return body;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Import {id} still {body["state"].Str()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The full error report, parsed: (row, column, code).</summary>
    public static async Task<List<(int Row, string Column, string Code)>> ErrorsAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync(new Uri($"/api/imports/{id}/errors.csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var reader = new StringReader(text.TrimStart('\uFEFF'));
        var records = new Domain.Integration.CsvRecordReader(reader).Records().Skip(1);
        return [.. records.Where(r => r.Fields.Length >= 3).Select(r => (int.Parse(r.Fields[0], System.Globalization.CultureInfo.InvariantCulture), r.Fields[1], r.Fields[2]))];
    }
}
