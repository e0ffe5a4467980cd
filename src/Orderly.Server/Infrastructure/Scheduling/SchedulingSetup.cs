using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>
/// Scheduled work on Quartz.NET's ADO.NET job store, in Orderly's own database: every node runs a scheduler; on
/// PostgreSQL the store is clustered (a row lock while acquiring triggers, check-ins, recovery of a dead node's runs),
/// so each firing runs on one node. A job declares itself with <see cref="AddOrderlyJob{TJob}"/> and a default schedule that
/// <c>Orderly:Scheduling:Jobs:NAME</c> may replace; <see cref="ScheduledJobTriggers"/> puts the triggers in the store.
/// </summary>
public static class SchedulingSetup
{
    public const string SchedulerName = "Orderly";
    public const string JobGroup = "orderly";

    public static IServiceCollection AddOrderlyScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulingOptions>()
            .Bind(configuration.GetSection(SchedulingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (!IsEnabled(configuration))
        {
            return services;
        }

        var provider = DatabaseSetup.ProviderOf(configuration);
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                if (provider == DatabaseProvider.Postgres)
                {
                    // Unique per node, also for two hosts in one process (the tests' nodes).
                    s.InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
                }
            });
            // Schedules are wall-clock: the application's TimeProvider (a fake one in tests) is not Quartz's.
            q.UseTimeProvider(TimeProvider.System);
            q.UseDefaultThreadPool(2);
            q.UsePersistentStore(store =>
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(o => o.DataSourceFactory = sp => NpgsqlFactory.Instance.CreateDataSource(ConnectionString(sp)));
                    store.UseClustering();
                }
                else
                {
                    // Quartz refuses clustering on SQLite (its SQLite lock is in-process). Its SQLite transactions are
                    // BEGIN IMMEDIATE and a trigger is claimed by a conditional update, so nodes sharing one file still
                    // run each firing once; what is lost is the recovery of a dead node's runs until a node restarts.
                    store.UseSqlite(o => o.DataSourceFactory = sp => SqliteFactory.Instance.CreateDataSource(ConnectionString(sp)));
                }

                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o => o.TablePrefix = QuartzSchema.TablePrefix);
            });
        });
        services.AddOptions<ClusteringOptions>().Configure<IOptions<SchedulingOptions>>((c, o) => c.CheckinInterval = o.Value.CheckinInterval);
        services.AddOptions<AdoJobStoreOptions>().Configure<IOptions<SchedulingOptions>>((s, o) => s.MisfireThreshold = o.Value.MisfireThreshold);
        services.AddOptions<QuartzSchedulerOptions>().Configure<IOptions<SchedulingOptions>>((s, o) => s.IdleWaitTime = o.Value.IdleWaitTime);
        // Before Quartz's own hosted service, so a node's triggers are in place before it starts firing them.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScheduledJobTriggers>());
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>
    /// Declares a job: resolvable from the container (tests run it directly) and, when scheduling is on, stored with a
    /// trigger on <paramref name="defaultSchedule"/> unless <c>Orderly:Scheduling:Jobs:<paramref name="name"/></c> gives another.
    /// A missed cron run fires once when a node is back; a missed interval run fires once and the interval restarts.
    /// </summary>
    public static IServiceCollection AddOrderlyJob<TJob>(this IServiceCollection services, IConfiguration configuration, string name, JobSchedule defaultSchedule)
        where TJob : class, IJob
    {
        services.TryAddTransient<TJob>();
        if (!IsEnabled(configuration))
        {
            return services;
        }

        if (!configuration.GetValue($"{SchedulingOptions.Section}:Jobs:{name}:Enabled", defaultValue: true))
        {
            services.AddSingleton(new DisabledJob(name));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DisabledJobsRemoval>());
            return services;
        }

        // The job is declared to Quartz; its trigger is not (ScheduledJobTriggers stores it, see there why).
        services.AddQuartz(q => q.AddJob<TJob>(j => j.WithIdentity(name, JobGroup).StoreDurably().DisallowConcurrentExecution()));
        services.AddSingleton(new ScheduledJob(name, defaultSchedule));
        return services;
    }

    private static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{SchedulingOptions.Section}:Enabled", defaultValue: true);

    private static string ConnectionString(IServiceProvider services) =>
        DatabaseSetup.ConnectionStringOf(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>().ContentRootPath);
}
