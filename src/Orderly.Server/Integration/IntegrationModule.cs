using Microsoft.Extensions.Options;
using Orderly.Server.Platform;
using Orderly.Server.Platform.Events;

namespace Orderly.Server.Integration;

/// <summary>Orderly's ties to outside systems; today the event sinks configured by the operator.</summary>
public sealed class IntegrationModule : IOrderlyModule
{
    public string Name => "Integration";

    public void AddServices(ModuleServices capability)
    {
        capability.AddOptions<EventSinkOptions>(EventSinkOptions.Section);
        capability.Services.AddHttpClient(nameof(HttpEventSink));
        // One handler per configured sink, each with its own inbox name, so a slow or failing sink never
        // re-sends to the others.
        var sinks = capability.Configuration.GetSection(EventSinkOptions.Section).Get<EventSinkOptions>()?.EventSinks ?? [];
        for (var i = 0; i < sinks.Count; i++)
        {
            var index = i;
            capability.Services.AddScoped<IEventSubscriber>(sp => new HttpEventSink(
                sp.GetRequiredService<IOptions<EventSinkOptions>>().Value.EventSinks[index], sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<TimeProvider>()));
        }
    }
}
