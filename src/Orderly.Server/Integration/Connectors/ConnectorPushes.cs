using Orderly.Domain.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;
using static Orderly.Server.Integration.VendorJson;

namespace Orderly.Server.Integration;

/// <summary>How a push was answered: 200 (accepted, or a repeat of one accepted), else a problem with its code.</summary>
public sealed record PushAnswer(int Status, string? Code = null, string? Message = null, bool Duplicate = false)
{
    public static readonly PushAnswer Accepted = new(StatusCodes.Status200OK);

    public static PushAnswer Malformed(string message) => new(StatusCodes.Status400BadRequest, "MalformedPush", message);

    public static PushAnswer BadSignature(string message) => new(StatusCodes.Status401Unauthorized, "BadSignature", message);

    public static PushAnswer NotEnabled(string kind) =>
        new(StatusCodes.Status403Forbidden, "PushNotEnabled", $"The {kind} connector does not accept pushes: enable it and set its push secrets (docs/integrations-setup.md).");
}

/// <summary>
/// The vendors' pushes (integrations.md A1, A2, B2): the signature or token is checked, the content decrypted, and the
/// push recorded once per vendor event id with a <see cref="ConnectorChangeReceived"/> event in the same transaction;
/// the answer goes back at once and the re-read of the records is the outbox's (<see cref="ConnectorPushSync"/>).
/// Nothing a caller sends makes it fail: a body that is not what the vendor sends is a 400, a bad signature a 401.
/// </summary>
public sealed class ConnectorPushes(ConnectorService connectors, OrderlyDbContext db, Writes writes, TimeProvider time, ILogger<ConnectorPushes> log)
{
    /// <summary>How far a push's timestamp may be from now (Fxiaoke's demo uses 500 s).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(500);

    public const int MaxBody = 256 * 1024;

    /// <summary>Fxiaoke: <c>{nonce, timeStamp, content, sig}</c>, sig over the callback token; content AES-encrypted with the encodingAesKey.</summary>
    public async Task<PushAnswer> FxiaokeAsync(byte[] body, CancellationToken ct)
    {
        const string kind = ConnectorKinds.Fxiaoke;
        if (Parse(body) is not { } root)
        {
            return PushAnswer.Malformed("The body is not a JSON object.");
        }

        var (nonce, stamp, content, sig) = (Str(root, "nonce"), Str(root, "timeStamp"), Str(root, "content"), Str(root, "sig"));
        if (nonce is null || stamp is null || content is null || sig is null)
        {
            return PushAnswer.Malformed("nonce, timeStamp, content and sig are required.");
        }

        var config = await connectors.PushConfigAsync(kind, ct);
        if (config is not { Enabled: true } c || c.Secrets.GetValueOrDefault("callbackToken") is not { Length: > 0 } token
            || CallbackCrypto.Key(c.Secrets.GetValueOrDefault("encodingAesKey")) is not { } key)
        {
            return PushAnswer.NotEnabled(kind);
        }

        if (!FxiaokeSignature.Verify(token, stamp, nonce, content, sig, time.GetUtcNow(), Window))
        {
            return PushAnswer.BadSignature("sig does not match, or timeStamp is outside the accepted window.");
        }

        if (CallbackCrypto.Decrypt(key, content) is not { } plain || Parse(plain.Message) is not { } message)
        {
            return PushAnswer.Malformed("content does not decrypt to a JSON message with the encodingAesKey.");
        }

        var objectType = ObjectType(Str(message, "objectApiName") ?? Str(message, "dataObjectApiName") ?? Str(message, "apiName"));
        var eventId = Str(message, "eventId") ?? Str(message, "msgId") ?? "sig:" + sig;
        return await RecordAsync(kind, eventId, objectType, Ids(message, "dataIds", "dataId", "objectId"), ct);
    }

    /// <summary>Yonyou: <c>{msgSignature, timestamp, nonce, encrypt}</c>, msgSignature over the app secret; the event id is the message's <c>eventId</c>.</summary>
    public async Task<PushAnswer> YonyouAsync(byte[] body, CancellationToken ct)
    {
        const string kind = ConnectorKinds.Yonyou;
        if (Parse(body) is not { } root)
        {
            return PushAnswer.Malformed("The body is not a JSON object.");
        }

        var (sig, stamp, nonce, encrypt) = (Str(root, "msgSignature"), Str(root, "timestamp"), Str(root, "nonce"), Str(root, "encrypt"));
        if (sig is null || stamp is null || nonce is null || encrypt is null)
        {
            return PushAnswer.Malformed("msgSignature, timestamp, nonce and encrypt are required.");
        }

        var config = await connectors.PushConfigAsync(kind, ct);
        if (config is not { Enabled: true } c || c.Secrets.GetValueOrDefault("appSecret") is not { Length: > 0 } secret
            || CallbackCrypto.Key(c.Secrets.GetValueOrDefault("encodingAesKey")) is not { } key)
        {
            return PushAnswer.NotEnabled(kind);
        }

        if (!YonyouSignature.VerifyEvent(secret, stamp, nonce, encrypt, sig, time.GetUtcNow(), Window))
        {
            return PushAnswer.BadSignature("msgSignature does not match, or timestamp is outside the accepted window.");
        }

        if (CallbackCrypto.Decrypt(key, encrypt) is not { } plain || Parse(plain.Message) is not { } message)
        {
            return PushAnswer.Malformed("encrypt does not decrypt to a JSON message with the encodingAesKey.");
        }

        if (Str(message, "eventId") is not { } eventId)
        {
            return PushAnswer.Malformed("The message has no eventId.");
        }

        var data = message.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : message;
        return await RecordAsync(kind, eventId, ObjectType(Str(message, "eventType")), Ids(data, "ids", "id"), ct);
    }

    /// <summary>Zoho CRM notification: <c>{channel_id, token, module, operation, ids, server_time}</c>, the token the one Orderly registered.</summary>
    public async Task<PushAnswer> ZohoAsync(byte[] body, CancellationToken ct)
    {
        const string kind = ConnectorKinds.ZohoCrm;
        if (Parse(body) is not { } root)
        {
            return PushAnswer.Malformed("The body is not a JSON object.");
        }

        var (token, channel, module, operation) = (Str(root, "token"), Str(root, "channel_id"), Str(root, "module"), Str(root, "operation"));
        if (token is null || channel is null || module is null)
        {
            return PushAnswer.Malformed("token, channel_id and module are required.");
        }

        var config = await connectors.PushConfigAsync(kind, ct);
        if (config is not { Enabled: true } c || c.Secrets.GetValueOrDefault("notificationToken") is not { Length: > 0 } expected)
        {
            return PushAnswer.NotEnabled(kind);
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            return PushAnswer.BadSignature("token is not the one registered with actions/watch.");
        }

        var ids = Ids(root, "ids");
        // Zoho sends no event id: a repeat carries the same channel, time, operation and ids.
        var identity = string.Join('\u001f', [channel, Str(root, "server_time") ?? "", module, operation ?? "", .. ids.Order(StringComparer.Ordinal)]);
        return await RecordAsync(kind, "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity))), ObjectType(module), ids, ct);
    }

    /// <summary>Records the push once (the unique vendor event id drops a repeat) with its event, in one transaction.</summary>
    private async Task<PushAnswer> RecordAsync(string kind, string eventId, string? objectType, List<string> ids, CancellationToken ct)
    {
        if (eventId.Length > ConnectorPush.EventIdMaxLength)
        {
            eventId = "h:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)));
        }

        if (await IsRecordedAsync(kind, eventId, ct))
        {
            return PushAnswer.Accepted with { Duplicate = true };
        }

        try
        {
            await writes.RunAsync(_ =>
            {
                var push = new ConnectorPush(Domain.Common.Ids.New(time.GetUtcNow()), kind, eventId, objectType, ids, time.GetUtcNow());
                db.Set<ConnectorPush>().Add(push);
                db.Events.Raise(new ConnectorChangeReceived(push.Id, kind, eventId, objectType, ids));
                return Task.CompletedTask;
            }, ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (!await IsRecordedAsync(kind, eventId, ct))
            {
                throw;
            }

            return PushAnswer.Accepted with { Duplicate = true };
        }

        db.ChangeTracker.Clear();
        log.LogInformation("{Connector} push {EventId} accepted: {ObjectType} {Count} records", kind, eventId, objectType ?? "any", ids.Count);
        return PushAnswer.Accepted;
    }

    private Task<bool> IsRecordedAsync(string kind, string eventId, CancellationToken ct) =>
        db.Set<ConnectorPush>().AsNoTracking().AnyAsync(p => p.Connector == kind && p.EventId == eventId, ct);

    /// <summary>Orderly's object type for a vendor's object or event name (null: re-read every object).</summary>
    public static string? ObjectType(string? vendorName) => vendorName?.ToLowerInvariant() switch
    {
        null => null,
        var n when n.Contains("order", StringComparison.Ordinal) => ConnectorInbound.SalesOrder,
        var n when n.Contains("product", StringComparison.Ordinal) || n.Contains("material", StringComparison.Ordinal) => ConnectorInbound.Product,
        var n when n.Contains("account", StringComparison.Ordinal) || n.Contains("contact", StringComparison.Ordinal)
            || n.Contains("merchant", StringComparison.Ordinal) || n.Contains("customer", StringComparison.Ordinal) => ConnectorInbound.Customer,
        _ => null,
    };

    private static List<string> Ids(JsonElement r, params string[] names)
    {
        foreach (var name in names)
        {
            if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v))
            {
                if (v.ValueKind == JsonValueKind.Array)
                {
                    return [.. v.EnumerateArray().Select(e => e.ValueKind switch
                    {
                        JsonValueKind.String => e.GetString(),
                        JsonValueKind.Number => e.GetRawText(),
                        _ => null,
                    }).OfType<string>().Where(s => s.Length is > 0 and <= 100).Take(200)];
                }

                if (Str(r, name) is { Length: <= 100 } one)
                {
                    return [one];
                }
            }
        }

        return [];
    }

    private static JsonElement? Parse(byte[] body)
    {
        // JsonDocument checks the structure, not the bytes inside strings: invalid UTF-8 would fail later, when read.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));
}
