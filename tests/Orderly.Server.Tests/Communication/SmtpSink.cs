using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Orderly.Server.Tests.Communication;

/// <summary>A real SMTP server in the test process (the SmtpServer package): every message that arrives, repeats included.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public int Port { get; private set; }

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    public IReadOnlyList<MimeMessage> To(string address) => [.. Received.Where(m => m.To.Mailboxes.Any(x => x.Address == address))];

    /// <summary>What a receiver deduplicating by Message-ID keeps.</summary>
    public IReadOnlyList<MimeMessage> DistinctTo(string address) => [.. To(address).GroupBy(m => m.MessageId).Select(g => g.First())];

    private TaskCompletionSource? _hold;

    /// <summary>
    /// The next message is stored, then the sink keeps the client waiting for its reply until <see cref="Release"/>:
    /// the sender has delivered it but cannot know, like a process killed between the send and its record.
    /// </summary>
    public Task HoldNextAsync()
    {
        HeldReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return HeldReached.Task;
    }

    /// <summary>Completes when a message is being held.</summary>
    public TaskCompletionSource HeldReached { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static SmtpSink Start()
    {
        var sink = new SmtpSink { Port = FreePort() };
        var options = new SmtpServerOptionsBuilder().ServerName("sink.test")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, sink.Port)).IsSecure(false).AuthenticationRequired(false)).Build();
        var provider = new SmtpServer.ComponentModel.ServiceProvider();
        provider.Add(new Store(sink));
        sink._running = new SmtpServer.SmtpServer(options, provider).StartAsync(sink._stop.Token);
        return sink;
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

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            sink.Received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            if (sink._hold is { } hold)
            {
                sink.HeldReached.TrySetResult();
                await hold.Task.WaitAsync(cancellationToken);
            }

            return SmtpResponse.Ok;
        }
    }
}
