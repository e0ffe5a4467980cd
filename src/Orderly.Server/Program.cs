using Orderly.Server;
using Orderly.Server.Admin;

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
