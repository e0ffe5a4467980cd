using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Infrastructure.Scheduling;
using Orderly.Server.Inventory;

namespace Orderly.Server.Tests.Scheduling;

/// <summary>
/// Scheduled jobs on Quartz's job store in Orderly's database: a job fires on its trigger; nodes sharing a database run
/// each firing once, also while one of them (re)starts; a start leaves a stored trigger on an unchanged schedule alone and
/// replaces one whose schedule changed, counting from its last run; runs missed while every node was down are made up once.
/// </summary>
public abstract class SchedulingTests(string provider)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReplenishmentJob_FiresOnItsTrigger()
    {
        var database = TestDatabase.For(provider);
        await database.CreateAsync();
        try
        {
            await using var node = new SchedulerNode(database, "a", (ReplenishmentJob.Name, "00:00:01"));

            var completed = await WaitForAsync(() => node.WithDbAsync(db => db.JobLeases.AsNoTracking()
                .Where(l => l.Name == ReplenishmentService.LeaseName && l.LastCompletedAt != null).AnyAsync()));

            Assert.True(completed, "The replenishment job did not run on its one-second trigger.");
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task TwoNodesOnOneDatabase_RunEachFiringOnce()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await using (var a = new SchedulerNode(database, "a", (ProbeJob.Name, "00:00:01")))
            {
                _ = a.Services;
                // The other node starts (and restarts) while this one fires every second: a start must not set the
                // stored trigger back to a firing that this node has just made.
                for (var start = 0; start < 3; start++)
                {
                    var before = (await RunsAsync(a)).Count;
                    Assert.True(await WaitForAsync(async () => (await RunsAsync(a)).Count > before), "The probe job did not keep firing every second.");
                    await using var b = new SchedulerNode(database, $"b{start}", (ProbeJob.Name, "00:00:01"));
                    _ = b.Services;
                    var started = (await RunsAsync(a)).Count;
                    Assert.True(await WaitForAsync(async () => (await RunsAsync(a)).Count >= started + 2), "The probe job did not keep firing every second.");
                }
            }

            await using var reader = new SchedulerNode(database, "reader", schedulingEnabled: false);
            var runs = await RunsAsync(reader);
            Assert.True(runs.Count == runs.Select(r => r.ScheduledTicks).Distinct().Count(),
                $"A firing ran twice: {string.Join(", ", runs.Select(r => $"{new DateTimeOffset(r.ScheduledTicks, TimeSpan.Zero):HH:mm:ss.fff} on {r.Node}"))}");
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task NodeStart_WithTheScheduleUnchanged_LeavesTheStoredTriggerAlone()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await FirstNodeRunsTheProbeOnceAsync(database);

            // A mark that only a rewrite of the row would lose: a start that rewrote the trigger would write it from a
            // read that another node's firing can overtake.
            await using (var offline = new SchedulerNode(database, "offline", schedulingEnabled: false))
            {
                await offline.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE quartz_triggers SET priority = 7 WHERE trigger_name = 'probe'"));
            }

            await using var second = new SchedulerNode(database, "second", (ProbeJob.Name, "00:10:00"));
            _ = second.Services;

            Assert.Equal(7, await second.WithDbAsync(db => db.Database
                .SqlQueryRaw<int>("SELECT priority AS \"Value\" FROM quartz_triggers WHERE trigger_name = 'probe'").SingleAsync()));
            Assert.Single(await RunsAsync(second));
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task ChangingAJobsSchedule_ReplacesItsTrigger_CountingFromItsLastRun()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await FirstNodeRunsTheProbeOnceAsync(database);

            await using var second = new SchedulerNode(database, "second", (ProbeJob.Name, "00:20:00"));
            _ = second.Services;

            var (previous, next, state) = await second.WithDbAsync(db => db.Database
                .SqlQueryRaw<TriggerRow>("SELECT prev_fire_time, next_fire_time, trigger_state FROM quartz_triggers WHERE trigger_name = 'probe'").SingleAsync());
            Assert.Equal(TimeSpan.FromMinutes(20), TimeSpan.FromTicks(next - previous));
            Assert.Equal("WAITING", state);
            Assert.Single(await RunsAsync(second));
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task RunsMissedWhileEveryNodeWasDown_AreMadeUpOnce()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await FirstNodeRunsTheProbeOnceAsync(database);

            // Every node down for an hour: six ten-minute runs missed.
            var hour = TimeSpan.FromHours(1).Ticks;
            await using (var offline = new SchedulerNode(database, "offline", schedulingEnabled: false))
            {
                await offline.WithDbAsync(db => db.Database.ExecuteSqlAsync(
                    $"UPDATE quartz_triggers SET next_fire_time = next_fire_time - {hour}, prev_fire_time = prev_fire_time - {hour}, start_time = start_time - {hour}"));
            }

            await using var second = new SchedulerNode(database, "second", (ProbeJob.Name, "00:10:00"));
            _ = second.Services;
            Assert.True(await WaitForAsync(async () => (await RunsAsync(second)).Count >= 2), "The missed runs were not made up.");
            await Task.Delay(TimeSpan.FromSeconds(3));
            var runs = await RunsAsync(second);
            Assert.Equal(["first", "second"], runs.Select(r => r.Node).Order());
            var next = await second.WithDbAsync(db => db.Database
                .SqlQueryRaw<long>("SELECT next_fire_time AS \"Value\" FROM quartz_triggers WHERE trigger_name = 'probe'").SingleAsync());
            Assert.True(new DateTimeOffset(next, TimeSpan.Zero) > DateTimeOffset.UtcNow, "The trigger did not move on to a future run.");
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task SwitchingAJobOff_RemovesItsTrigger_SoNoNodeRunsIt()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await using (var on = new SchedulerNode(database, "on", (ProbeJob.Name, "00:00:01")))
            {
                _ = on.Services;
                Assert.True(await WaitForAsync(async () => (await RunsAsync(on)).Count >= 1), "The probe job did not run.");
            }

            await using var off = new SchedulerNode(database, "off", settings: new() { [$"Orderly:Scheduling:Jobs:{ProbeJob.Name}:Enabled"] = "false" });
            _ = off.Services;
            var runs = (await RunsAsync(off)).Count;
            await Task.Delay(TimeSpan.FromSeconds(3));

            Assert.Equal(runs, (await RunsAsync(off)).Count);
            Assert.Equal(0, await off.WithDbAsync(db => db.Database
                .SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM quartz_triggers WHERE trigger_name = 'probe'").SingleAsync()));
        }
        finally
        {
            await database.DropAsync();
        }
    }

    [Fact]
    public async Task Start_WithAScheduleThatIsNotACronExpression_Fails_NamingTheSetting()
    {
        var database = TestDatabase.For(provider);
        await PrepareAsync(database);
        try
        {
            await using var node = new SchedulerNode(database, "bad", settings: new() { [$"Orderly:Scheduling:Jobs:{ReplenishmentJob.Name}:Cron"] = "every day at two" });

            var refused = Assert.ThrowsAny<Exception>(() => node.Services);

            Assert.Contains($"Orderly:Scheduling:Jobs:{ReplenishmentJob.Name}", refused.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await database.DropAsync();
        }
    }

    /// <summary>Migrates the database and adds the probe's table before any scheduler starts.</summary>
    private static async Task PrepareAsync(TestDatabase database)
    {
        await database.CreateAsync();
        await using var setup = new SchedulerNode(database, "setup", schedulingEnabled: false);
        await setup.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(ProbeJob.CreateTable));
    }

    /// <summary>A node on a ten-minute probe schedule starts, runs the probe once (its trigger starts now) and stops.</summary>
    private static async Task FirstNodeRunsTheProbeOnceAsync(TestDatabase database)
    {
        await using var first = new SchedulerNode(database, "first", (ProbeJob.Name, "00:10:00"));
        _ = first.Services;
        Assert.True(await WaitForAsync(async () => (await RunsAsync(first)).Count == 1), "The probe job did not fire when its trigger started.");
    }

    private static Task<List<ProbeRun>> RunsAsync(OrderlyApp node) => node.WithDbAsync(db => db.Database
        .SqlQueryRaw<ProbeRun>("SELECT scheduled_ticks, node FROM probe_runs ORDER BY scheduled_ticks").ToListAsync());

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (DateTimeOffset.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return false;
    }

    private sealed record ProbeRun(long ScheduledTicks, string Node);

    private sealed record TriggerRow(long PrevFireTime, long NextFireTime, string TriggerState);

    /// <summary>A server node on a database the test owns, its scheduler on with the given job schedules (or off).</summary>
    private sealed class SchedulerNode(TestDatabase shared, string name, params (string Job, string Every)[] jobs) : OrderlyApp(TestDatabase.Borrowed(shared))
    {
        private readonly bool _schedulingEnabled = true;
        private readonly Dictionary<string, string> _settings = [];

        public SchedulerNode(TestDatabase shared, string name, bool schedulingEnabled)
            : this(shared, name)
        {
            _schedulingEnabled = schedulingEnabled;
        }

        public SchedulerNode(TestDatabase shared, string name, Dictionary<string, string> settings)
            : this(shared, name)
        {
            _settings = settings;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Test:Node", name);
            builder.UseSetting("Orderly:Scheduling:Enabled", _schedulingEnabled ? "true" : "false");
            builder.UseSetting("Orderly:Scheduling:CheckinInterval", "00:00:02");
            builder.UseSetting("Orderly:Scheduling:IdleWaitTime", "00:00:01");
            // Nothing else fires in these tests: the other jobs wait for 2099.
            foreach (var job in new[] { ReplenishmentJob.Name, SqliteStatisticsJob.Name, ProbeJob.Name }.Where(j => jobs.All(s => s.Job != j) && !_settings.Keys.Any(k => k.Contains($":{j}:", StringComparison.Ordinal))))
            {
                builder.UseSetting($"Orderly:Scheduling:Jobs:{job}:Cron", "0 0 0 1 1 ? 2099");
            }

            foreach (var (job, every) in jobs)
            {
                builder.UseSetting($"Orderly:Scheduling:Jobs:{job}:Every", every);
            }

            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices((context, services) =>
                services.AddOrderlyJob<ProbeJob>(context.Configuration, ProbeJob.Name, JobSchedule.Interval(TimeSpan.FromHours(1))));
        }
    }
}

public sealed class SchedulingTests_Sqlite() : SchedulingTests("sqlite");

public sealed class SchedulingTests_Postgres() : SchedulingTests("postgres");
