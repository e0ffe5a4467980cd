using Microsoft.Extensions.Hosting;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Tests.Maintenance;

/// <summary>
/// The event and message dispatchers begin their loops once the host has started, so their first pass does not share
/// the cores with the start itself (P11); these pin the wait they use.
/// </summary>
public sealed class HostStartTests
{
    [Fact]
    public async Task WhenStarted_BeforeTheHostHasStarted_WaitsUntilItHas()
    {
        using var lifetime = new Lifetime();

        var waiting = lifetime.WhenStartedAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        lifetime.Start();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void WhenStarted_AfterTheHostHasStarted_CompletesAtOnce()
    {
        using var lifetime = new Lifetime();
        lifetime.Start();

        Assert.True(lifetime.WhenStartedAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WhenStarted_StoppedBeforeTheHostStarted_EndsTheWait()
    {
        using var lifetime = new Lifetime();
        using var stopping = new CancellationTokenSource();

        var waiting = lifetime.WhenStartedAsync(stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private sealed class Lifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }

        public void Dispose() => _started.Dispose();
    }
}
