using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Orderly.Domain.Common;

namespace Orderly.Server.Billing;

/// <summary>The period's vouchers as the JSON bodies Kingdee and Yonyou import.</summary>
public sealed record VoucherExportDto(string Format, DateOnly From, DateOnly To, string Currency, int Count, IReadOnlyList<JsonObject> Items);

public static class VoucherEndpoints
{
    public static void MapVoucherEndpoints(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/billing").WithTags("Billing").RequireAuthorization(BillingPolicies.ManageBilling);
        billing.MapGet("/vouchers", ListAsync).WithName("ExportVouchers")
            .WithSummary("记账凭证 of a period (default: this month) for Kingdee (format=kingdee: GL_VOUCHER Save bodies) or Yonyou U8 (format=yonyou: voucher/add bodies): issued invoices and credit notes, payments and refunds, each balanced. CSV/XLSX twins: /api/exports/vouchers-kingdee and vouchers-yonyou.");
    }

    private static async Task<Ok<VoucherExportDto>> ListAsync(VoucherService vouchers, string? format, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var kind = (format ?? "yonyou").Trim().ToLowerInvariant();
        if (kind is not ("yonyou" or "kingdee"))
        {
            throw new RuleViolationException("format", "UnknownFormat", "The format is kingdee or yonyou.");
        }

        var (start, end, list) = await vouchers.ListAsync(from, to, ct);
        List<JsonObject> items = [.. list.Select(v => kind == "kingdee" ? vouchers.Kingdee(v) : vouchers.Yonyou(v))];
        return TypedResults.Ok(new VoucherExportDto(kind, start, end, vouchers.Options.Currency, items.Count, items));
    }
}
