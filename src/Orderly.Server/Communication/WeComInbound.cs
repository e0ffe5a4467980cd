using Orderly.Domain.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using Orderly.Server.Orders;

namespace Orderly.Server.Communication;

/// <summary>The outcome of a WeCom callback: 200 with a text, or a problem.</summary>
public sealed record WeComAnswer(int Status, string? Code = null, string? Detail = null, string Text = "")
{
    public static WeComAnswer Ok(string text = "") => new(StatusCodes.Status200OK, Text: text);

    public static WeComAnswer Problem(int status, string code, string detail) => new(status, code, detail);
}

/// <summary>One decrypted WeCom message (the fields Orderly reads).</summary>
public sealed record WeComMessage(string? MsgType, string? Sender, string? Content, string? MsgId, long? CreateTime);

/// <summary>A customer message kept because no customer contact has its sender's WeCom id.</summary>
public sealed record UnmatchedMessageDto(Guid Id, string Channel, string ExternalId, string Sender, string? MessageType, string? Text, DateTimeOffset? SentAt, DateTimeOffset ReceivedAt);

public sealed record UnmatchedMessageListDto(IReadOnlyList<UnmatchedMessageDto> Items);

/// <summary>Whose contact an unmatched message's sender is; the name is how the contact shows among the customer's recipients.</summary>
public sealed record AssignUnmatchedRequest(Guid? CustomerId, string? ContactName = null);

/// <summary>The sender is now the customer's contact; <c>Moved</c> of their kept messages went to the customer's timeline.</summary>
public sealed record AssignUnmatchedResultDto(Guid CustomerId, string Sender, int Moved);

/// <summary>
/// The receiving side of WeCom (企业微信) customer chat: the app's callback URL. A GET verifies the URL (signature over
/// echostr, then the decrypted echostr answered as plain text); a POST carries an encrypted XML message: the signature
/// and a timestamp within the window are checked before anything is read, the receive id must be our corp id, and a text
/// from an external contact becomes an inbound WeCom chat on the timeline of the customer whose WeCom recipient has that
/// ExternalUserID (and of the order of that customer its text names). The same MsgId is recorded once; unknown senders
/// are kept as unmatched messages for managers.
/// </summary>
public sealed partial class WeComInbound(OrderlyDbContext db, Writes writes, DataScope scope, IOptions<CommunicationOptions> options, TimeProvider time, ILogger<WeComInbound> log)
{
    public WeComAnswer Verify(string? signature, string? timestamp, string? nonce, string? echo)
    {
        if (Check(signature, timestamp, nonce, echo) is { } refused)
        {
            return refused;
        }

        var weCom = options.Value.WeCom;
        return CallbackCrypto.Decrypt(CallbackCrypto.Key(weCom.EncodingAesKey)!, echo!) switch
        {
            null => WeComAnswer.Problem(StatusCodes.Status400BadRequest, "Undecryptable", "echostr does not decrypt."),
            var (message, receiver) when receiver != weCom.CorpId => WeComAnswer.Problem(StatusCodes.Status403Forbidden, "WrongReceiver", "The message is for another corp."),
            var (message, _) => WeComAnswer.Ok(message),
        };
    }

    public async Task<WeComAnswer> ReceiveAsync(string? signature, string? timestamp, string? nonce, byte[] body, CancellationToken ct)
    {
        if (!options.Value.WeCom.CallbackConfigured)
        {
            return WeComAnswer.Problem(StatusCodes.Status403Forbidden, "NotConfigured", "The WeCom callback is not configured.");
        }

        var outer = ReadXml(body, ["Encrypt"]);
        if (outer?.GetValueOrDefault("Encrypt") is not { Length: > 0 } encrypted)
        {
            return WeComAnswer.Problem(StatusCodes.Status400BadRequest, "MalformedXml", "The body is not WeCom's <xml> with an <Encrypt> element.");
        }

        if (Check(signature, timestamp, nonce, encrypted) is { } refused)
        {
            return refused;
        }

        var weCom = options.Value.WeCom;
        if (CallbackCrypto.Decrypt(CallbackCrypto.Key(weCom.EncodingAesKey)!, encrypted) is not var (plain, receiver))
        {
            return WeComAnswer.Problem(StatusCodes.Status400BadRequest, "Undecryptable", "Encrypt does not decrypt.");
        }

        if (receiver != weCom.CorpId)
        {
            return WeComAnswer.Problem(StatusCodes.Status403Forbidden, "WrongReceiver", "The message is for another corp.");
        }

        var fields = ReadXml(Encoding.UTF8.GetBytes(plain), ["MsgType", "FromUserName", "ExternalUserID", "Content", "MsgId", "CreateTime"]);
        if (fields is null)
        {
            return WeComAnswer.Problem(StatusCodes.Status400BadRequest, "MalformedXml", "The decrypted message is not XML.");
        }

        var message = new WeComMessage(fields.GetValueOrDefault("MsgType"), fields.GetValueOrDefault("ExternalUserID") ?? fields.GetValueOrDefault("FromUserName"),
            fields.GetValueOrDefault("Content"), fields.GetValueOrDefault("MsgId"),
            long.TryParse(fields.GetValueOrDefault("CreateTime"), NumberStyles.None, CultureInfo.InvariantCulture, out var created) ? created : null);
        if (message.MsgType != "text" || message.Sender is not { Length: > 0 } || message.MsgId is not { Length: > 0 })
        {
            // Events and other message types: acknowledged, not recorded.
            return WeComAnswer.Ok();
        }

        await RecordAsync(message, ct);
        return WeComAnswer.Ok();
    }

    private async Task RecordAsync(WeComMessage m, CancellationToken ct)
    {
        var externalId = $"wecom:{m.MsgId}";
        if (await db.Set<Interaction>().AnyAsync(i => i.Channel == InteractionChannel.WeCom && i.ExternalId == externalId, ct)
            || await db.Set<UnmatchedMessage>().AnyAsync(u => u.Channel == InteractionChannel.WeCom && u.ExternalId == externalId, ct))
        {
            return;
        }

        var now = time.GetUtcNow();
        DateTimeOffset? sentAt = m.CreateTime is { } seconds && seconds > 0 && seconds < 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        var occurred = sentAt is { } at && at <= now ? at : now;
        var text = m.Content ?? "";
        var customerId = await db.Set<CustomerCommunication>().AsNoTracking()
            .Where(c => c.Recipients.Any(r => r.WeComUserId == m.Sender)).Select(c => (Guid?)c.CustomerId).FirstOrDefaultAsync(ct);
        try
        {
            if (customerId is { } customer)
            {
                var interaction = await ChatAsync(customer, text, occurred, externalId, now, ct);
                await writes.RunAsync(_ =>
                {
                    db.Add(interaction);
                    return Task.CompletedTask;
                }, ct);
            }
            else
            {
                var unmatched = new UnmatchedMessage(InteractionChannel.WeCom, externalId, m.Sender!, m.MsgType, text, sentAt, now);
                await writes.RunAsync(_ =>
                {
                    db.Add(unmatched);
                    return Task.CompletedTask;
                }, ct);
            }
        }
        catch (DbUpdateException)
        {
            // The same message arrived twice at once: the unique (channel, external id) kept one.
            log.LogInformation("A WeCom message arrived twice at once; kept once.");
        }
        catch (Domain.Common.RuleViolationException e)
        {
            log.LogInformation("A WeCom message could not be recorded: {Reason}", e.Message);
        }
    }

    /// <summary>An inbound WeCom chat on the customer's timeline, and on the order of theirs its text names.</summary>
    private async Task<Interaction> ChatAsync(Guid customer, string text, DateTimeOffset occurred, string externalId, DateTimeOffset now, CancellationToken ct)
    {
        var numbers = OrderNumbers().Matches(text).Select(x => x.Value.ToUpperInvariant()).Distinct().Take(10).ToList();
        var orderId = numbers.Count == 0 ? null : await db.OrderRefs().Where(o => o.CustomerId == customer && numbers.Contains(o.Number.ToUpper()))
            .Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        var summary = text.Length == 0 ? "(WeCom)" : Truncate(text.ReplaceLineEndings(" "), Interaction.SummaryMaxLength);
        return Interaction.Log(customer, orderId, InteractionChannel.WeCom, Direction.In, summary, text.Length == 0 ? null : Truncate(text, Interaction.BodyMaxLength),
            occurred, externalId, null, now);
    }

    /// <summary>
    /// A manager says whose contact an unmatched message's sender is: the sender becomes one of the customer's recipients
    /// (their WeCom id, no notices until someone chooses events), and every message kept from that sender moves to the
    /// customer's timeline (and to the order its text names), in one transaction; later messages land there directly.
    /// A sender already known as another customer's contact is a conflict: one WeCom id belongs to one customer.
    /// </summary>
    public async Task<AssignUnmatchedResultDto> AssignAsync(Guid id, AssignUnmatchedRequest request, CancellationToken ct)
    {
        if (request.CustomerId is not { } customerId || customerId == Guid.Empty)
        {
            throw new RuleViolationException("customerId", "Required", "Name the customer whose contact the sender is.");
        }

        if (!await scope.CanSeeCustomerAsync(customerId, ct))
        {
            throw new NotFoundException("Customer", customerId);
        }

        var sender = await db.Set<UnmatchedMessage>().AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Sender, u.Channel }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("UnmatchedMessage", id);
        var now = time.GetUtcNow();
        return await writes.RunAsync(async token =>
        {
            var owner = await db.Set<CustomerCommunication>().AsNoTracking()
                .Where(c => c.CustomerId != customerId && c.Recipients.Any(r => r.WeComUserId == sender.Sender)).Select(c => (Guid?)c.CustomerId).FirstOrDefaultAsync(token);
            if (owner is not null)
            {
                throw new ConflictException("SenderAlreadyAssigned", "This WeCom sender is already another customer's contact.");
            }

            var preferences = await db.Set<CustomerCommunication>().FirstOrDefaultAsync(c => c.CustomerId == customerId, token);
            if (preferences is null)
            {
                // The customer's defaults (their own e-mail for the usual events), kept beside the new contact.
                preferences = CustomerCommunication.Defaults(customerId);
                db.Add(preferences);
            }

            preferences.AddWeComContact(request.ContactName, sender.Sender);
            var kept = await db.Set<UnmatchedMessage>().Where(u => u.Channel == sender.Channel && u.Sender == sender.Sender).OrderBy(u => u.ReceivedAt).ToListAsync(token);
            foreach (var message in kept)
            {
                var sentAt = message.SentAt is { } at && at <= now ? at : message.ReceivedAt;
                db.Add(await ChatAsync(customerId, message.Text ?? "", sentAt, message.ExternalId, now, token));
                db.Remove(message);
            }

            return new AssignUnmatchedResultDto(customerId, sender.Sender, kept.Count);
        }, ct);
    }

    public async Task<UnmatchedMessageListDto> UnmatchedAsync(int? limit, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 100, 1, 500);
        var items = await db.Set<UnmatchedMessage>().AsNoTracking().OrderByDescending(u => u.ReceivedAt).Take(take).ToListAsync(ct);
        return new UnmatchedMessageListDto([.. items.Select(u => new UnmatchedMessageDto(u.Id, u.Channel.ToString(), u.ExternalId, u.Sender, u.MessageType, u.Text, u.SentAt, u.ReceivedAt))]);
    }

    /// <summary>The signature and the timestamp, before anything is decrypted; null when both hold.</summary>
    private WeComAnswer? Check(string? signature, string? timestamp, string? nonce, string? encrypted)
    {
        var weCom = options.Value.WeCom;
        if (!weCom.CallbackConfigured)
        {
            return WeComAnswer.Problem(StatusCodes.Status403Forbidden, "NotConfigured", "The WeCom callback is not configured.");
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(encrypted) || string.IsNullOrEmpty(signature)
            || !CallbackCrypto.Verify(weCom.CallbackToken!, timestamp, nonce, encrypted, signature))
        {
            return WeComAnswer.Problem(StatusCodes.Status401Unauthorized, "BadSignature", "msg_signature does not match.");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799
            || (DateTimeOffset.FromUnixTimeSeconds(seconds) - time.GetUtcNow()).Duration() > weCom.CallbackWindow)
        {
            return WeComAnswer.Problem(StatusCodes.Status401Unauthorized, "StaleTimestamp", "timestamp is outside the allowed window.");
        }

        return null;
    }

    /// <summary>The text of the named child elements of the root, or null when the body is not XML (no DTDs, no entities).</summary>
    private static Dictionary<string, string>? ReadXml(byte[] body, string[] names)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1_048_576, IgnoreComments = true };
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, settings);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element)
            {
                return null;
            }

            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && names.Contains(reader.LocalName) && !found.ContainsKey(reader.LocalName))
                {
                    var name = reader.LocalName;
                    found[name] = reader.ReadElementContentAsString();
                }
                else
                {
                    reader.Read();
                }
            }

            return found;
        }
        catch (XmlException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;

    [GeneratedRegex(@"\bSO-\d{4}-\d{6,}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OrderNumbers();
}

/// <summary>WeCom's callback URL (anonymous: the signature is the authentication) and the managers' list of unmatched messages.</summary>
public static class WeComInboundEndpoints
{
    public static void MapWeComInboundEndpoints(this IEndpointRouteBuilder app)
    {
        var callback = app.MapGroup("/api/integrations/wecom").WithTags("Communication").AllowAnonymous().DisableAntiforgery();
        callback.MapGet("/callback", (string? msg_signature, string? timestamp, string? nonce, string? echostr, WeComInbound inbound) =>
                Answer(inbound.Verify(msg_signature, timestamp, nonce, echostr)))
            .WithName("WeComCallbackVerify").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("WeCom's URL verification: msg_signature checked over echostr with the callback token, echostr decrypted and answered as plain text.");
        callback.MapPost("/callback", ReceiveAsync)
            .WithName("WeComCallback").Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("WeCom's encrypted message push (an XML body of any content type): signature and timestamp checked, decrypted, a customer's text recorded once on their timeline (unknown senders kept as unmatched); answered with an empty 200.");

        app.MapGet("/api/communication/unmatched", async (int? limit, WeComInbound inbound, CancellationToken ct) => TypedResults.Ok(await inbound.UnmatchedAsync(limit, ct)))
            .WithTags("Communication").RequireAuthorization(CommunicationPolicies.ReadUnmatched).WithName("ListUnmatchedMessages")
            .WithSummary("Customer messages from senders no customer contact matches (newest first), for a manager to assign.");
        app.MapPost("/api/communication/unmatched/{id:guid}/assign", async (Guid id, AssignUnmatchedRequest request, WeComInbound inbound, CancellationToken ct) =>
                TypedResults.Ok(await inbound.AssignAsync(id, request, ct)))
            .WithTags("Communication").RequireAuthorization(CommunicationPolicies.AssignUnmatched).WithName("AssignUnmatchedMessage")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Makes an unmatched message's sender a contact of the customer (a recipient with their WeCom id, no notices until chosen) and moves every message kept from them to the customer's timeline, in one transaction.");
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, string? msg_signature, string? timestamp, string? nonce, WeComInbound inbound, IOptions<CommunicationOptions> options, CancellationToken ct)
    {
        var max = options.Value.WeCom.CallbackMaxBytes;
        if (request.ContentLength > max)
        {
            return Answer(WeComAnswer.Problem(StatusCodes.Status413PayloadTooLarge, "TooLarge", $"A callback is at most {max} bytes."));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return Answer(WeComAnswer.Problem(StatusCodes.Status413PayloadTooLarge, "TooLarge", $"A callback is at most {max} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        return Answer(await inbound.ReceiveAsync(msg_signature, timestamp, nonce, buffer.ToArray(), ct));
    }

    private static IResult Answer(WeComAnswer answer) => answer.Status == StatusCodes.Status200OK
        ? TypedResults.Text(answer.Text, "text/plain")
        : TypedResults.Problem(answer.Detail, statusCode: answer.Status, title: answer.Code, extensions: new Dictionary<string, object?> { ["code"] = answer.Code });
}
