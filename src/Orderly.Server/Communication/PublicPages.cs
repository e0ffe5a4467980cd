using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Communication;

/// <summary>
/// The pages customers open without logging in: an order's status (<c>/t/{token}</c>) and its survey (<c>/s/{token}</c>).
/// A token names exactly one order of one customer, so a page shows that order and nothing else; an unknown, revoked,
/// used or expired token shows the same "not found" page.
/// </summary>
public sealed class PublicPages(OrderlyDbContext db, Writes writes, DataScope scope, Caller caller, CustomerDirectory customers, IOptions<CommunicationOptions> options, TimeProvider time, BusinessCalendar calendar)
{
    public async Task<StatusLinkDto> CreateStatusLinkAsync(Guid orderId, CancellationToken ct)
    {
        var order = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Where(o => o.Id == orderId).Select(o => new { o.Id, o.CustomerId }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Order", orderId);
        var token = Tokens.New();
        var link = new StatusLink(order.Id, order.CustomerId, Tokens.Hash(token), await customers.LanguageAsync(order.CustomerId, ct), caller.PersonId, time.GetUtcNow());
        await writes.RunAsync(_ =>
        {
            db.Add(link);
            return Task.CompletedTask;
        }, ct);
        return new StatusLinkDto(link.Id, $"{options.Value.PublicBaseUrl.TrimEnd('/')}/t/{token}", token);
    }

    /// <summary>
    /// A survey link for a delivered order whose customer has no e-mail invitation (no address, or not told by e-mail),
    /// for a rep to hand over in person or by chat: the same single-use, expiring invitation, one per order (409
    /// AlreadyInvited when one exists, the e-mailed one included); the token is shown once.
    /// </summary>
    public async Task<StatusLinkDto> CreateSurveyLinkAsync(Guid orderId, CancellationToken ct)
    {
        var order = await (await scope.OrdersAsync(db.SalesOrders.AsNoTracking(), ct)).Where(o => o.Id == orderId).Select(o => new { o.Id, o.CustomerId, o.Status }).FirstOrDefaultAsync(ct)
            ?? throw new NotFoundException("Order", orderId);
        if (order.Status != Domain.Orders.OrderStatus.Delivered)
        {
            throw new Domain.Common.RuleViolationException("orderId", "NotDelivered", "A survey is for a delivered order.");
        }

        var token = Tokens.New();
        var now = time.GetUtcNow();
        var invitation = new SurveyInvitation(order.Id, order.CustomerId, Tokens.Hash(token), await customers.LanguageAsync(order.CustomerId, ct), now, now, now + options.Value.SurveyValidFor);
        await writes.RunAsync(async t =>
        {
            if (await db.Set<SurveyInvitation>().AnyAsync(i => i.OrderId == order.Id, t))
            {
                throw new ConflictException("AlreadyInvited", "This order's customer is already invited to its survey.");
            }

            db.Add(invitation);
        }, ct);
        return new StatusLinkDto(invitation.Id, $"{options.Value.PublicBaseUrl.TrimEnd('/')}/s/{token}", token);
    }

    public async Task RevokeStatusLinkAsync(Guid linkId, CancellationToken ct)
    {
        var visible = await scope.VisibleCustomerIdsAsync(ct);
        await writes.RunAsync(async token =>
        {
            if (visible is not null && !await db.Set<StatusLink>().AnyAsync(l => l.Id == linkId && visible.Contains(l.CustomerId), token))
            {
                throw new NotFoundException("StatusLink", linkId);
            }

            var link = await db.Set<StatusLink>().FirstOrDefaultAsync(l => l.Id == linkId, token) ?? throw new NotFoundException("StatusLink", linkId);
            link.Revoke(time.GetUtcNow());
        }, ct);
    }

    public async Task<string?> StatusPageAsync(string token, string? language, CancellationToken ct)
    {
        if (!Tokens.LooksValid(token))
        {
            return null;
        }

        var hash = Tokens.Hash(token);
        var link = await db.Set<StatusLink>().AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash && l.RevokedAt == null, ct);
        if (link is null)
        {
            return null;
        }

        var order = await db.SalesOrders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == link.OrderId && o.CustomerId == link.CustomerId, ct);
        if (order is null)
        {
            return null;
        }

        var en = CustomerCommunication.NormalizeLanguage(language ?? link.Language) == CustomerCommunication.English;
        var shipments = await Logistics.TrackingQueries.ForStatusPageAsync(db, order.Id, ct);
        var html = new StringBuilder();
        Open(html, en, en ? $"Order {order.Number}" : $"订单 {order.Number}");
        html.Append("<p><strong>").Append(en ? "Status" : "状态").Append(":</strong> ").Append(E(StatusText(order.Status.ToString(), en))).Append("</p>");
        html.Append("<p>").Append(en ? "Order date" : "下单日期").Append(": ").Append(order.OrderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (order.RequestedDeliveryDate is { } expected)
        {
            html.Append(" · ").Append(en ? "Expected" : "预计交货").Append(": ").Append(expected.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        html.Append("</p><table><thead><tr><th>").Append(en ? "Product" : "产品").Append("</th><th>").Append(en ? "Ordered" : "数量").Append("</th><th>")
            .Append(en ? "Shipped" : "已发货").Append("</th><th>").Append(en ? "Delivered" : "已送达").Append("</th>");
        var prices = options.Value.StatusPageShowsPrices;
        if (prices)
        {
            html.Append("<th>").Append(en ? "Amount" : "金额").Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var line in order.Lines.OrderBy(l => l.LineNumber))
        {
            html.Append("<tr><td>").Append(E(line.ProductName)).Append("</td><td>").Append(Q(line.Quantity)).Append(' ').Append(E(line.Unit)).Append("</td><td>")
                .Append(Q(line.Shipped)).Append("</td><td>").Append(Q(line.Delivered)).Append("</td>");
            if (prices)
            {
                html.Append("<td>").Append(E(Domain.Common.Money.FromMinor(line.LineTotalMinor, line.Currency).Amount.ToString(CultureInfo.InvariantCulture))).Append(' ').Append(E(line.Currency)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table><h2>").Append(en ? "Shipments" : "发货").Append("</h2>");
        if (shipments.Count == 0)
        {
            html.Append("<p>").Append(en ? "Not shipped yet." : "尚未发货。").Append("</p>");
        }

        // Per shipment: the carrier by name in the page's language, the number and the latest tracking events (Logistics).
        var culture = CultureInfo.GetCultureInfo(en ? "en" : "zh-CN");
        foreach (var s in shipments)
        {
            html.Append("<section class=\"shipment\"><p>").Append(s.ShippedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(" · ").Append(en ? "Carrier" : "承运商").Append(": ")
                .Append(E(Logistics.TrackingQueries.CarrierName(s.CarrierCode ?? s.Carrier, culture))).Append(" · ").Append(en ? "Tracking number" : "运单号").Append(": ")
                .Append(E(s.TrackingNumber ?? "-")).Append("</p>");
            var latest = s.Latest(5).ToList();
            if (latest.Count > 0)
            {
                html.Append("<ul class=\"track\">");
                foreach (var t in latest)
                {
                    html.Append("<li>").Append(TimeZoneInfo.ConvertTime(t.At, calendar.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(' ')
                        .Append(E(t.Status ?? "")).Append(' ').Append(E(t.Location ?? "")).Append(' ').Append(E(t.Description ?? "")).Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</section>");
        }

        Close(html);
        return html.ToString();
    }

    public async Task<string?> SurveyPageAsync(string token, string? language, CancellationToken ct)
    {
        var invitation = await OpenInvitationAsync(token, ct);
        if (invitation is null)
        {
            return null;
        }

        var number = await db.SalesOrders.AsNoTracking().Where(o => o.Id == invitation.OrderId).Select(o => o.Number).FirstOrDefaultAsync(ct) ?? "";
        var en = CustomerCommunication.NormalizeLanguage(language ?? invitation.Language) == CustomerCommunication.English;
        var html = new StringBuilder();
        Open(html, en, en ? $"How did we do on order {number}?" : $"您对订单 {number} 满意吗？");
        html.Append("<form method=\"post\"><fieldset><legend>").Append(en ? "Your satisfaction (1 = very unhappy, 5 = very happy)" : "满意度（1 = 非常不满意，5 = 非常满意）").Append("</legend>");
        for (var i = 1; i <= 5; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"score\" value=\"{i}\" required> {i}</label> ");
        }

        html.Append("</fieldset><fieldset><legend>").Append(en ? "How likely are you to recommend us (0-10)?" : "您向朋友推荐我们的可能性（0-10）？").Append("</legend>");
        for (var i = 0; i <= 10; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"nps\" value=\"{i}\"> {i}</label> ");
        }

        html.Append("</fieldset><label>").Append(en ? "Comment" : "意见").Append("<br><textarea name=\"comment\" maxlength=\"2000\" rows=\"4\"></textarea></label><p><button type=\"submit\">")
            .Append(en ? "Send" : "提交").Append("</button></p></form>");
        html.Append("<p><a href=\"?lang=").Append(en ? "zh-CN\">中文" : "en\">English").Append("</a></p>");
        Close(html);
        return html.ToString();
    }

    /// <summary>Takes an answer once; null when the token is unknown, used or expired.</summary>
    public async Task<SurveyResponse?> AnswerAsync(string token, SurveyAnswerRequest answer, CancellationToken ct)
    {
        if (!Tokens.LooksValid(token))
        {
            return null;
        }

        var hash = Tokens.Hash(token);
        var now = time.GetUtcNow();
        return await writes.RunAsync(async t =>
        {
            var invitation = await db.Set<SurveyInvitation>().FirstOrDefaultAsync(i => i.TokenHash == hash, t);
            if (invitation is null || !invitation.IsOpen(now))
            {
                return null;
            }

            var customer = await customers.FindAsync(invitation.CustomerId, t);
            var response = invitation.Answer(answer.Score, answer.Nps, answer.Comment, customer?.OwnerUserId, customer?.Region, now);
            db.Add(response);
            return response;
        }, ct);
    }

    public static string ThanksPage(bool en)
    {
        var html = new StringBuilder();
        Open(html, en, en ? "Thank you!" : "谢谢！");
        html.Append("<p>").Append(en ? "Your answer has been recorded." : "我们已收到您的反馈。").Append("</p>");
        Close(html);
        return html.ToString();
    }

    public static string NotFoundPage()
    {
        var html = new StringBuilder();
        Open(html, en: false, "链接无效 / Link not valid");
        html.Append("<p>此链接不存在、已过期或已使用。</p><p>This link does not exist, has expired or was already used.</p>");
        Close(html);
        return html.ToString();
    }

    private async Task<SurveyInvitation?> OpenInvitationAsync(string token, CancellationToken ct)
    {
        if (!Tokens.LooksValid(token))
        {
            return null;
        }

        var hash = Tokens.Hash(token);
        var invitation = await db.Set<SurveyInvitation>().AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsOpen(time.GetUtcNow()) ? invitation : null;
    }

    private static void Open(StringBuilder html, bool en, string title) =>
        html.Append("<!DOCTYPE html><html lang=\"").Append(en ? "en" : "zh-CN").Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>").Append(E(title))
            .Append("</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}table{width:100%;border-collapse:collapse}")
            .Append("td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}label{display:inline-block;padding:.4rem}button{font-size:1.1rem;padding:.6rem 1.4rem}</style>")
            .Append("</head><body><h1>").Append(E(title)).Append("</h1>");

    private static void Close(StringBuilder html) => html.Append("</body></html>");

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Q(decimal q) => q.ToString("0.###", CultureInfo.InvariantCulture);

    private static string StatusText(string status, bool en) => en ? status switch
    {
        "PendingApproval" => "Being reviewed",
        "PartiallyShipped" => "Partly shipped",
        "OnHold" => "On hold",
        _ => status,
    } : status switch
    {
        "Draft" => "草稿",
        "PendingApproval" => "审核中",
        "Confirmed" => "已确认",
        "PartiallyShipped" => "部分发货",
        "Shipped" => "已发货",
        "Delivered" => "已送达",
        "Cancelled" => "已取消",
        "Rejected" => "未通过",
        "OnHold" => "暂停",
        _ => status,
    };
}
