using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>
/// A dry run's checked rows, kept on the node that ran it for the commit that usually follows, so the commit does not
/// read and check the file a second time. Only for kinds whose check depends on the file alone
/// (<see cref="ImportHandler.ChecksFileOnly"/>): the stored file of an import never changes, so the rows the commit
/// would check are exactly these. Bounded: only files up to <see cref="MaxFileBytes"/>, at most
/// <see cref="MaxEntries"/> imports, each for <see cref="Keep"/>; a commit on another node, or after that, reads the
/// file again as before. An import that ends (completed, failed, cancelled) drops its rows.
/// </summary>
public sealed class CheckedRows(TimeProvider time)
{
    /// <summary>About 4 MB of checked rows (strings and records) per MB of CSV: 16 MB of file keeps some 60 MB.</summary>
    public const long MaxFileBytes = 16L << 20;
    public const int MaxEntries = 2;
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, Entry> _entries = [];

    /// <summary>What a dry run found: its counts, the refused rows and the good rows ready to write.</summary>
    public sealed record Entry(
        int Rows, int Valid, int Invalid, List<ImportProblem> Errors, List<ImportItem> Items, string? Encoding, DateTimeOffset At);

    public void Put(Guid importId, Entry entry)
    {
        lock (_lock)
        {
            Sweep();
            _entries[importId] = entry;
            while (_entries.Count > MaxEntries)
            {
                _entries.Remove(_entries.MinBy(e => e.Value.At).Key);
            }
        }
    }

    public Entry? Find(Guid importId)
    {
        lock (_lock)
        {
            Sweep();
            return _entries.GetValueOrDefault(importId);
        }
    }

    public void Remove(Guid importId)
    {
        lock (_lock)
        {
            _entries.Remove(importId);
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var id in _entries.Where(e => now - e.Value.At > Keep).Select(e => e.Key).ToList())
        {
            _entries.Remove(id);
        }
    }
}
