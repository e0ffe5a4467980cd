using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Orderly.Domain.Communication;
using Orderly.Server.Documents;

namespace Orderly.Server.Communication;

/// <summary>
/// Sends e-mail through the company's SMTP server with MailKit: HTML and text parts, the company's sender, a reply address
/// that routes answers to the order's timeline, a Message-ID derived from the event (a re-send repeats it) and the order's
/// thread in References.
/// </summary>
public sealed class EmailSender(IOptions<CommunicationOptions> options, IEnumerable<IDocumentSource> documents)
{
    public static string ThreadIdOf(Guid orderId, string replyDomain) => $"order-{orderId:N}@{replyDomain}";

    public async Task<MimeMessage> ComposeAsync(OutgoingMessage m, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        mime.To.Add(MailboxAddress.Parse(m.Recipient));
        if (m.Target is { Length: > 0 } mailbox && m.OrderId is not null)
        {
            mime.ReplyTo.Add(new MailboxAddress(smtp.FromName, $"reply+{mailbox}@{smtp.ReplyDomain}"));
        }

        mime.Subject = m.Subject ?? "";
        mime.MessageId = $"{m.MessageId}@{smtp.ReplyDomain}";
        if (m.OrderId is { } order)
        {
            mime.References.Add(ThreadIdOf(order, smtp.ReplyDomain));
        }

        mime.Headers.Add("X-Orderly-Event-Id", m.EventId.ToString());
        var body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html };
        if (m.AttachmentKind is { } kind && m.AttachmentId is { } id && documents.FirstOrDefault(d => d.Kind == kind) is { } source
            && await source.RenderAsync(id, m.Language, ct) is { } document)
        {
            body.Attachments.Add(document.FileName, document.Content, ContentType.Parse(document.ContentType));
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>Sends a batch over one connection; returns after each message the server accepted (the callback marks it).</summary>
    public async Task SendAsync(IReadOnlyList<OutgoingMessage> batch, Func<OutgoingMessage, Exception?, Task> done, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        if (smtp.Host is null)
        {
            throw new InvalidOperationException("No SMTP server is configured (Orderly:Communication:Smtp:Host).");
        }

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (smtp.UserName is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, smtp.Password ?? "", ct);
        }

        foreach (var message in batch)
        {
            try
            {
                await client.SendAsync(await ComposeAsync(message, ct), ct);
                await done(message, null);
            }
            catch (Exception e) when (e is SmtpCommandException or FormatException or ParseException)
            {
                await done(message, e);
            }
        }

        await client.DisconnectAsync(quit: true, ct);
    }
}
