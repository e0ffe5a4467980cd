using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Orderly.Server.Tests.Infrastructure;

/// <summary>
/// The host of every local stand-in for an outside service (carriers, CRMs, ERPs, chat robots, webhook receivers):
/// Kestrel on 127.0.0.1 with a free port, quiet. The caller maps its routes, starts it and reads <c>Urls</c>.
/// </summary>
public static class LocalServer
{
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
