using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.Channels;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>A run in progress on this node: its live counts, and the switch that cancels it.</summary>
public sealed class LiveImport
{
    public CancellationTokenSource Cancel { get; } = new();
    public double Progress { get; set; }
    public int Rows { get; set; }
    public int Valid { get; set; }
    public int Invalid { get; set; }
}

/// <summary>Work for the import worker: which import, in which mode, for whom.</summary>
public sealed record ImportWork(Guid ImportId, ImportMode Mode, ClaimsPrincipal User);

/// <summary>
/// The node's import queue and the runs in progress. Runs are one at a time per node: an import is large,
/// sequential work, and a second one would only share the same disk and the SQLite writer.
/// </summary>
public sealed class ImportJobs
{
    private readonly Channel<ImportWork> _work = Channel.CreateUnbounded<ImportWork>();
    private readonly ConcurrentDictionary<Guid, LiveImport> _live = new();

    public ChannelReader<ImportWork> Reader => _work.Reader;

    public LiveImport Enqueue(ImportWork work)
    {
        var live = _live.GetOrAdd(work.ImportId, _ => new LiveImport());
        _work.Writer.TryWrite(work);
        return live;
    }

    public LiveImport? Live(Guid id) => _live.TryGetValue(id, out var live) ? live : null;

    public void Done(Guid id)
    {
        if (_live.TryRemove(id, out var live))
        {
            live.Cancel.Dispose();
        }
    }

    /// <summary>Asks a queued or running import to stop; true when this node had it.</summary>
    public bool RequestCancel(Guid id)
    {
        if (_live.TryGetValue(id, out var live))
        {
            live.Cancel.Cancel();
            return true;
        }

        return false;
    }
}

/// <summary>Runs queued imports in the background, one at a time.</summary>
public sealed class ImportWorker(ImportJobs queue, IServiceScopeFactory scopes, ILogger<ImportWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in queue.Reader.ReadAllAsync(stoppingToken))
        {
            var live = queue.Live(work.ImportId) ?? new LiveImport();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, live.Cancel.Token);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ImportRunner>().RunAsync(work, live, linked.Token, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Import {ImportId} failed", work.ImportId);
            }
            finally
            {
                queue.Done(work.ImportId);
            }
        }
    }
}
