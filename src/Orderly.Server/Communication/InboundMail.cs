using System.Buffers;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Orderly.Server.Communication;

/// <summary>
/// Files a customer's e-mail on the order it answers: found by the reply address (<c>reply+TOKEN@domain</c>), else by
/// the thread (In-Reply-To / References naming an order e-mail we sent). The same Message-ID is recorded once.
/// </summary>
public sealed class InboundMailService(OrderlyDbContext db, Writes writes, IOptions<CommunicationOptions> options, TimeProvider time)
{
    public async Task<Guid?> ReceiveAsync(MimeMessage message, IEnumerable<string> envelopeRecipients, CancellationToken ct)
    {
        var target = await FindOrderAsync(message, envelopeRecipients, ct);
        if (target is not { } found)
        {
            return null;
        }

        var externalId = message.MessageId ?? $"sha256:{Tokens.Hash(message.Subject + message.Date.ToString("O") + message.TextBody)}";
        if (await db.Set<Interaction>().AnyAsync(i => i.Channel == InteractionChannel.Email && i.ExternalId == externalId, ct))
        {
            return found.OrderId;
        }

        var now = time.GetUtcNow();
        var body = message.TextBody ?? (message.HtmlBody is { } html ? WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " ")) : null);
        var subject = string.IsNullOrWhiteSpace(message.Subject) ? "(no subject)" : message.Subject;
        var from = message.From.Mailboxes.FirstOrDefault()?.Address;
        var occurred = message.Date == DateTimeOffset.MinValue || message.Date > now ? now : message.Date;
        var interaction = Interaction.Log(found.CustomerId, found.OrderId, InteractionChannel.Email, Direction.In,
            Truncate(from is null ? subject : $"{subject} ({from})", Interaction.SummaryMaxLength), body is null ? null : Truncate(body, Interaction.BodyMaxLength),
            occurred, Truncate(externalId, Interaction.ExternalIdMaxLength), null, now);
        try
        {
            await writes.RunAsync(_ =>
            {
                db.Add(interaction);
                return Task.CompletedTask;
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The same message arrived twice at once: the unique (channel, external id) kept one.
        }

        return found.OrderId;
    }

    private async Task<(Guid OrderId, Guid CustomerId)?> FindOrderAsync(MimeMessage message, IEnumerable<string> envelopeRecipients, CancellationToken ct)
    {
        var domain = options.Value.Smtp.ReplyDomain;
        var addresses = envelopeRecipients.Concat(message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address));
        foreach (var address in addresses)
        {
            var at = address.LastIndexOf('@');
            if (at > 6 && address[..6].Equals("reply+", StringComparison.OrdinalIgnoreCase) && address[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase))
            {
                var token = address[6..at].ToLowerInvariant();
                if (await db.Set<OrderMailbox>().AsNoTracking().Where(m => m.Token == token).Select(m => new { m.OrderId, m.CustomerId }).FirstOrDefaultAsync(ct) is { } box)
                {
                    return (box.OrderId, box.CustomerId);
                }
            }
        }

        var thread = message.References.Append(message.InReplyTo).Where(r => r is not null).Select(r => r!).ToList();
        foreach (var reference in thread)
        {
            var local = reference.Split('@')[0];
            var id = local.StartsWith("order-", StringComparison.Ordinal) ? null : local;
            if (id is not null && await db.Set<OutgoingMessage>().AsNoTracking().Where(m => m.MessageId == id && m.OrderId != null && m.CustomerId != null)
                    .Select(m => new { OrderId = m.OrderId!.Value, CustomerId = m.CustomerId!.Value }).FirstOrDefaultAsync(ct) is { } sent)
            {
                return (sent.OrderId, sent.CustomerId);
            }
        }

        return null;
    }

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;
}

/// <summary>The SMTP receiving endpoint (off by default: <c>Orderly:Communication:InboundSmtp:Enabled</c>).</summary>
public sealed class InboundSmtpServer(IServiceScopeFactory scopes, IOptions<CommunicationOptions> options, ILogger<InboundSmtpServer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inbound = options.Value.InboundSmtp;
        if (!inbound.Enabled)
        {
            return;
        }

        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("orderly")
            .MaxMessageSize(inbound.MaxMessageBytes)
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Any, inbound.Port)).IsSecure(false).AuthenticationRequired(false))
            .Build();
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(scopes, log));
        var server = new SmtpServer.SmtpServer(serverOptions, provider);
        await server.StartAsync(stoppingToken);
    }

    private sealed class Store(IServiceScopeFactory scopes, ILogger log) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                using var stream = new MemoryStream(buffer.ToArray());
                var message = await MimeMessage.LoadAsync(stream, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("communication:inbound-mail");
                var order = await scope.ServiceProvider.GetRequiredService<InboundMailService>()
                    .ReceiveAsync(message, transaction.To.Select(t => $"{t.User}@{t.Host}"), cancellationToken);
                return order is null ? new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "No order answers to this address") : SmtpResponse.Ok;
            }
            catch (FormatException e)
            {
                log.LogInformation(e, "An inbound e-mail could not be read.");
                return new SmtpResponse(SmtpReplyCode.SyntaxError, "Unreadable message");
            }
        }
    }
}
