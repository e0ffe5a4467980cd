using Orderly.Server;
using Orderly.Server.Admin;

// appsettings.json reloads on change; by default .NET watches the content root with inotify, recursively, and the
// SQLite database lives under it (data/orderly.db): every page the database writes woke the watcher, ~5% of the
// server's CPU under order entry. Polling looks at the few watched files every 4 s instead. An operator's own
// setting wins.
if (Environment.GetEnvironmentVariable(OrderlyHost.PollingWatcherVariable) is null)
{
    Environment.SetEnvironmentVariable(OrderlyHost.PollingWatcherVariable, "true");
}

var builder = WebApplication.CreateBuilder(args);
builder.AddOrderly();
var app = builder.Build();
app.UseOrderly();

if (AdminCommands.IsCommand(args))
{
    return await AdminCommands.RunAsync(app, args);
}

await app.PrepareDatabaseAsync();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
