using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Orderly.Bench.Phases;

/// <summary>
/// #14's storm: order entry (64 clients placing and confirming 10-line orders) against two servers that differ only in
/// notifications (A: no customer channel and no robot; B: every customer e-mailed on OrderConfirmed through a local SMTP
/// sink, and a WeCom robot told of every confirmation through a local fake that refuses more than 20 a minute), A B A B;
/// the throughput ratio B / A says whether notifications slow order entry (they queue; the dispatcher sends behind).
/// The server not being measured is frozen (SIGSTOP) for the round, so B's queue is sent only during B's own rounds.
/// Then B's queue: messages sent, pending, and the robot's busiest minute, which must stay within its 20.
/// </summary>
public sealed class NotificationStormPhase : IPhase
{
    private const int RobotPerMinute = 20;
    private static readonly string[] Confirmed = ["OrderConfirmed"];
    private static readonly string[] ByEmail = ["Email"];

    public string Name => "notification-storm";

    public bool InSmoke => false;

    public async Task RunAsync(BenchRun run, CancellationToken ct)
    {
        var report = run.Report;
        using var smtp = SmtpSink.Start();
        using var robot = RobotFake.Start();
        var databaseB = run.NewSqlite("storm-on");
        await using var serverA = await ServerProcess.StartAsync(run.Options, run.NewSqlite("storm-off"), run.LogFile("storm-off"), new Dictionary<string, string>());
        await using var serverB = await ServerProcess.StartAsync(run.Options, databaseB, run.LogFile("storm-on"), new Dictionary<string, string>
        {
            ["Orderly__Communication__Smtp__Host"] = "127.0.0.1",
            ["Orderly__Communication__Smtp__Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orderly__Communication__Robots__0__Name"] = "storm",
            ["Orderly__Communication__Robots__0__Kind"] = "WeCom",
            ["Orderly__Communication__Robots__0__Url"] = $"{robot.Url}cgi-bin/webhook/send?key=storm",
            ["Orderly__Communication__Robots__0__Events__0"] = "OrderConfirmed",
            ["Orderly__Communication__Robots__0__PerMinute"] = RobotPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var apiA = await BenchApi.ConnectAsync(serverA.Address, 64);
        using var apiB = await BenchApi.ConnectAsync(serverB.Address, 64);
        var fixtureA = await Fixture.CreateAsync(apiA, "A");
        var fixtureB = await Fixture.CreateAsync(apiB, "B");
        for (var i = 0; i < fixtureB.Customers.Count; i++)
        {
            using var answer = await apiB.Http.PutAsJsonAsync($"/api/customers/{fixtureB.Customers[i]}/communication", new
            {
                language = i % 2 == 0 ? "zh-CN" : "en",
                recipients = new[] { new { email = $"buyer{i}@storm.test", events = Confirmed, channels = ByEmail } },
            }, BenchApi.Json, ct);
            await BenchApi.EnsureAsync(answer, "customer communication preferences");
        }

        var bodiesA = fixtureA.OrderBodies(10_000, run.Options.Seed);
        var bodiesB = fixtureB.OrderBodies(10_000, run.Options.Seed);
        long confirmedB = 0;

        // Each side is measured with the other frozen: B's dispatcher keeps sending its queue after B's round, and
        // without the pause that work would run during A's rounds and make A look slower than it is.
        async Task<double> Measure(BenchApi api, byte[][] bodies, string side, bool count)
        {
            var other = count ? serverA : serverB;
            other.Pause();
            LoadResult result;
            try
            {
                result = await Load.RunAsync(64, run.Options.Round, long.MaxValue,
                    async (_, n, token) => (await OrderCalls.PlaceAndConfirmAsync(api.Http, bodies[n % bodies.Length], token)).Outcome, ct);
            }
            finally
            {
                other.Resume();
            }

            if (count)
            {
                Interlocked.Add(ref confirmedB, result.Ok);
            }

            report.Line(Name, $"{side}: {result.Describe()}");
            return result.PerSecond;
        }

        await Measure(apiA, bodiesA, "warm-up, notifications off", false);
        await Measure(apiB, bodiesB, "warm-up, notifications on", true);
        var comparison = await Comparison.AlternateAsync(
            "notifications off", () => Measure(apiA, bodiesA, "notifications off", false), "notifications on", () => Measure(apiB, bodiesB, "notifications on", true), run.Options.Pairs);
        report.Line(Name, $"**notifications on / off** = {comparison.MedianRatio:N3}x orders/s (medians {comparison.MedianB:N0} vs {comparison.MedianA:N0}/s)");

        // The queue behind the storm: what was sent while orders kept coming, and the robot's pace.
        await Task.Delay(TimeSpan.FromSeconds(5), ct);
        var (sent, pending, dead) = await QueueAsync(databaseB.ConnectionString, ct);
        report.Line(Name, $"{confirmedB:N0} orders confirmed with notifications on; customer e-mails received by the sink {smtp.Received:N0}; queue: {sent:N0} sent, {pending:N0} pending, {dead:N0} dead");
        report.Line(Name, $"robot: {robot.Accepted:N0} sends accepted (digests of the confirmations), {robot.Refused:N0} refused for the rate");
        report.AtMost("C14-robot", robot.BusiestMinute, "sends/min", RobotPerMinute, "the robot's busiest minute during the storm (its limit is 20 a minute)");
        report.AtMost("C14-dead", dead, "messages", 0, "no message given up during the storm");
    }

    private static async Task<(long Sent, long Pending, long Dead)> QueueAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, COUNT(*) FROM outgoing_messages GROUP BY state";
        long sent = 0, pending = 0, dead = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var n = reader.GetInt64(1);
            switch (reader.GetString(0))
            {
                case "Sent": sent = n; break;
                case "Pending": pending = n; break;
                default: dead += n; break;
            }
        }

        return (sent, pending, dead);
    }

    /// <summary>A minimal SMTP receiver on 127.0.0.1 that accepts every message and counts it.</summary>
    private sealed class SmtpSink : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private long _received;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public long Received => Interlocked.Read(ref _received);

        public static SmtpSink Start()
        {
            var sink = new SmtpSink();
            sink._listener.Start();
            _ = sink.AcceptAsync();
            return sink;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 storm.test ESMTP");
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-storm.test");
                            await writer.WriteLineAsync("250 8BITMIME");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 go ahead");
                            while (await reader.ReadLineAsync(_stop.Token) is { } body && body != ".")
                            {
                            }

                            Interlocked.Increment(ref _received);
                            await writer.WriteLineAsync("250 queued");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }

    /// <summary>A WeCom group robot on 127.0.0.1: errcode 0, or 45009 beyond 20 messages in any minute, like the real one.</summary>
    private sealed class RobotFake : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<DateTime> _accepted = new();
        private long _refused;

        public string Url { get; private set; } = "";

        public int Accepted => _accepted.Count;

        public long Refused => Interlocked.Read(ref _refused);

        /// <summary>The most sends accepted in any 60 seconds.</summary>
        public int BusiestMinute
        {
            get
            {
                var times = _accepted.OrderBy(t => t).ToList();
                var best = 0;
                for (int i = 0, j = 0; i < times.Count; i++)
                {
                    while (times[i] - times[j] >= TimeSpan.FromMinutes(1))
                    {
                        j++;
                    }

                    best = Math.Max(best, i - j + 1);
                }

                return best;
            }
        }

        public static RobotFake Start()
        {
            var fake = new RobotFake();
            var port = ServerProcess.FreePort();
            fake.Url = $"http://127.0.0.1:{port}/";
            fake._listener.Prefixes.Add(fake.Url);
            fake._listener.Start();
            _ = fake.ServeAsync();
            return fake;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                string answer;
                lock (_accepted)
                {
                    var now = DateTime.UtcNow;
                    if (_accepted.Count(t => now - t < TimeSpan.FromMinutes(1)) >= RobotPerMinute)
                    {
                        Interlocked.Increment(ref _refused);
                        answer = "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}";
                    }
                    else
                    {
                        _accepted.Enqueue(now);
                        answer = "{\"errcode\":0,\"errmsg\":\"ok\"}";
                    }
                }

                var bytes = Encoding.UTF8.GetBytes(answer);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
