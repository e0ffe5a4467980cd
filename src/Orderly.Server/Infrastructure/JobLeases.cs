using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

/// <summary>One row per scheduled job: who runs it now and until when, and when it last completed.</summary>
public sealed class JobLease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";
    public DateTimeOffset Until { get; set; }
    public DateTimeOffset? LastCompletedAt { get; set; }
}

public sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.ToTable("job_leases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}

/// <summary>
/// A database lease, so that of many server nodes one runs a job at a time: taking it is one conditional UPDATE
/// (<c>... WHERE name = @n AND (until &lt; @now OR holder = @me)</c>), or the INSERT of the row on first use; the
/// database decides who wins, on SQLite and PostgreSQL alike. A holder that dies loses the lease when it expires.
/// </summary>
public sealed class JobLeases(OrderlyDbContext db, WriteGate gate, TimeProvider time)
{
    /// <summary>This process; each acquisition adds its own suffix, so two runs in one process exclude each other too.</summary>
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}";

    private static readonly DateTimeOffset Released = DateTimeOffset.UnixEpoch;

    /// <summary>Takes the lease for <paramref name="duration"/>, or returns null when someone else holds it.</summary>
    public async Task<JobLeaseHandle?> TryAcquireAsync(string name, TimeSpan duration, CancellationToken ct)
    {
        var holder = $"{Node}:{Guid.NewGuid():N}";
        var now = time.GetUtcNow();
        var until = now + duration;
        using var entered = await gate.EnterAsync(ct);
        var taken = await db.JobLeases
            .Where(l => l.Name == name && (l.Until < now || l.Holder == holder))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.Until, until), ct);
        if (taken == 0)
        {
            taken = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO job_leases (name, holder, until) VALUES ({name}, {holder}, {until.UtcDateTime}) ON CONFLICT (name) DO NOTHING", ct);
        }

        return taken == 1 ? new JobLeaseHandle(this, name, holder, until) : null;
    }

    public async Task<JobLease?> FindAsync(string name, CancellationToken ct) =>
        await db.JobLeases.AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);

    /// <summary>Extends a held lease; false when it was lost (expired and taken by another holder).</summary>
    internal async Task<bool> RenewAsync(JobLeaseHandle lease, TimeSpan duration, CancellationToken ct)
    {
        var until = time.GetUtcNow() + duration;
        using var entered = await gate.EnterAsync(ct);
        var renewed = await db.JobLeases
            .Where(l => l.Name == lease.Name && l.Holder == lease.Holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, until), ct);
        return renewed == 1;
    }

    internal async Task ReleaseAsync(JobLeaseHandle lease, bool completed)
    {
        var now = time.GetUtcNow();
        using var entered = await gate.EnterAsync(CancellationToken.None);
        var mine = db.JobLeases.Where(l => l.Name == lease.Name && l.Holder == lease.Holder);
        if (completed)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, Released).SetProperty(l => l.LastCompletedAt, now), CancellationToken.None);
        }
        else
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Until, Released), CancellationToken.None);
        }
    }
}

/// <summary>A held lease; disposing releases it, recording a completion when <see cref="Complete"/> was called.</summary>
public sealed class JobLeaseHandle : IAsyncDisposable
{
    private readonly JobLeases _leases;
    private bool _completed;
    private bool _released;

    internal JobLeaseHandle(JobLeases leases, string name, string holder, DateTimeOffset until)
    {
        _leases = leases;
        Name = name;
        Holder = holder;
        Until = until;
    }

    public string Name { get; }
    public string Holder { get; }
    public DateTimeOffset Until { get; }

    public Task<bool> RenewAsync(TimeSpan duration, CancellationToken ct) => _leases.RenewAsync(this, duration, ct);

    public void Complete() => _completed = true;

    public async ValueTask DisposeAsync()
    {
        if (!_released)
        {
            _released = true;
            await _leases.ReleaseAsync(this, _completed);
        }
    }
}
