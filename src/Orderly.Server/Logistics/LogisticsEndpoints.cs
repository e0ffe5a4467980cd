using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orderly.Domain.Logistics;
using Orderly.Server.Identity;

namespace Orderly.Server.Logistics;

public sealed record CarrierDto(string Code, string Name, string NameZh, string NameEn, string? Kuaidi100Code, bool ValidatesTrackingNumbers);

public sealed record CarrierList(IReadOnlyList<CarrierDto> Items);

/// <summary>Kuaidi100's expected reply to a push: <c>{"result":true,"returnCode":"200","message":"成功"}</c>.</summary>
public sealed record Kuaidi100Reply(bool Result, string ReturnCode, string Message);

/// <summary>The carriers we know and the Kuaidi100 push callback.</summary>
public static class LogisticsEndpoints
{
    public static void MapLogisticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/carriers", Carriers).WithTags("Logistics").RequireAuthorization(Policies.Read).WithName("ListCarriers")
            .WithSummary("The carriers we know, with Chinese and English names and their Kuaidi100 codes.");
        app.MapPost("/api/integrations/kuaidi100/callback", CallbackAsync).WithTags("Logistics").AllowAnonymous().DisableAntiforgery()
            .WithName("Kuaidi100Callback")
            .WithSummary("Kuaidi100's tracking push (form fields param and sign = upper(MD5(param + salt))); answers as Kuaidi100 expects; a repeated push is applied once.");
    }

    private static Ok<CarrierList> Carriers(HttpContext http)
    {
        var zh = System.Globalization.CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        return TypedResults.Ok(new CarrierList([.. Domain.Logistics.Carriers.All.Select(c =>
            new CarrierDto(c.Code, zh ? c.NameZh : c.NameEn, c.NameZh, c.NameEn, c.Kuaidi100Code, c.Validates))]));
    }

    private static async Task<Ok<Kuaidi100Reply>> CallbackAsync(HttpRequest request, TrackingService tracking, IOptionsMonitor<LogisticsOptions> options, ILoggerFactory logs, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Ok(new Kuaidi100Reply(false, "400", "form expected"));
        }

        var form = await request.ReadFormAsync(ct);
        var param = form["param"].ToString();
        var sign = form["sign"].ToString();
        var salt = options.CurrentValue.Kuaidi100Salt;
        if (string.IsNullOrEmpty(salt) || param.Length == 0 || param.Length > 1_000_000
            || !string.Equals(Kuaidi100Client.PushSign(param, salt), sign, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Ok(new Kuaidi100Reply(false, "500", "sign check failed"));
        }

        Kuaidi100Push? push;
        try
        {
            push = JsonSerializer.Deserialize<Kuaidi100Push>(param);
        }
        catch (JsonException)
        {
            return TypedResults.Ok(new Kuaidi100Reply(false, "500", "param is not JSON"));
        }

        if (push?.LastResult is { Nu.Length: > 0 } result)
        {
            var added = await tracking.ApplyAsync(result.Nu!, result, ct);
            logs.CreateLogger("Orderly.Logistics.Kuaidi100").LogInformation("Kuaidi100 push for {Number}: {Added} new events", result.Nu, added);
        }

        return TypedResults.Ok(new Kuaidi100Reply(true, "200", "成功"));
    }
}
