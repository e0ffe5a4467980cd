using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Orderly.Browser.Tests;

/// <summary>A real SMTP server in the test process (the SmtpServer package) that the browser tests' server sends its e-mail to.</summary>
public sealed class MailInbox : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public int Port { get; private set; }

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. Received.Where(m => m.To.Mailboxes.Any(x => string.Equals(x.Address, address, StringComparison.OrdinalIgnoreCase)))];

    public static MailInbox Start()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var inbox = new MailInbox { Port = ((IPEndPoint)listener.LocalEndpoint).Port };
        listener.Stop();
        var options = new SmtpServerOptionsBuilder().ServerName("inbox.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, inbox.Port)).IsSecure(false).AuthenticationRequired(false)).Build();
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(inbox));
        inbox._running = new SmtpServer.SmtpServer(options, provider).StartAsync(inbox._stop.Token);
        return inbox;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private sealed class Store(MailInbox inbox) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            inbox.Received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
