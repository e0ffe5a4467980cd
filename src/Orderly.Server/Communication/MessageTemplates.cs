using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orderly.Server.Communication;

/// <summary>A message rendered for one recipient in their language: subject, plain text and HTML.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html);

/// <summary>
/// The texts of every message per event and language (zh-CN, en). A template sees only the values it is given: the
/// event's own payload and the recipient customer's name, so no other customer's data can reach a message.
/// </summary>
public static partial class MessageTemplates
{
    private sealed record Template(string Subject, string Body);

    private static readonly Dictionary<(string Type, string Language), Template> All = new()
    {
        [("OrderConfirmed", "zh-CN")] = new("订单 {number} 已确认", "尊敬的 {customerName}：\n您的订单 {number} 已确认，金额 {total} {currency}。\n订单状态：{statusUrl}"),
        [("OrderConfirmed", "en")] = new("Order {number} confirmed", "Dear {customerName},\nYour order {number} is confirmed, total {total} {currency}.\nOrder status: {statusUrl}"),
        [("OrderShipped", "zh-CN")] = new("订单 {number} 已发货", "尊敬的 {customerName}：\n您的订单 {number} 已发货。承运商：{carrier}，运单号：{trackingNumber}。\n跟踪：{statusUrl}"),
        [("OrderShipped", "en")] = new("Order {number} shipped", "Dear {customerName},\nYour order {number} has shipped. Carrier: {carrier}, tracking number: {trackingNumber}.\nTrack it: {statusUrl}"),
        [("OrderDelivered", "zh-CN")] = new("订单 {number} 已送达", "尊敬的 {customerName}：\n您的订单 {number} 已送达。感谢您的惠顾！"),
        [("OrderDelivered", "en")] = new("Order {number} delivered", "Dear {customerName},\nYour order {number} has been delivered. Thank you for your business!"),
        [("OrderCancelled", "zh-CN")] = new("订单 {number} 已取消", "尊敬的 {customerName}：\n您的订单 {number} 已取消。原因：{reason}"),
        [("OrderCancelled", "en")] = new("Order {number} cancelled", "Dear {customerName},\nYour order {number} was cancelled. Reason: {reason}"),
        [("ShipmentDelayed", "zh-CN")] = new("订单 {number} 发货延迟", "尊敬的 {customerName}：\n很抱歉，您的订单 {number} 将延迟送达。原因：{reason}。预计到达：{eta}。"),
        [("ShipmentDelayed", "en")] = new("Order {number} delayed", "Dear {customerName},\nWe are sorry: your order {number} is delayed. Reason: {reason}. Expected: {eta}."),
        [("ShipmentTrackingUpdated", "zh-CN")] = new("订单 {number} 物流更新", "尊敬的 {customerName}：\n运单 {trackingNumber}（{carrier}）：{status} {location} {description}"),
        [("ShipmentTrackingUpdated", "en")] = new("Order {number} tracking update", "Dear {customerName},\nShipment {trackingNumber} ({carrier}): {status} {location} {description}"),
        [("InvoiceIssued", "zh-CN")] = new("发票 {number}", "尊敬的 {customerName}：\n发票 {number} 已开具，金额 {total} {currency}，到期日 {dueDate}。"),
        [("InvoiceIssued", "en")] = new("Invoice {number}", "Dear {customerName},\nInvoice {number} has been issued: {total} {currency}, due {dueDate}."),
        [("PaymentReceived", "zh-CN")] = new("已收到付款", "尊敬的 {customerName}：\n我们已于 {receivedOn} 收到您的付款 {amount} {currency}，谢谢！"),
        [("PaymentReceived", "en")] = new("Payment received", "Dear {customerName},\nWe received your payment of {amount} {currency} on {receivedOn}. Thank you!"),
        [("InvoiceOverdue", "zh-CN")] = new("发票 {number} 已逾期", "尊敬的 {customerName}：\n发票 {number} 已逾期 {daysOverdue} 天，未付金额 {due} {currency}（到期日 {dueDate}）。请尽快付款。"),
        [("InvoiceOverdue", "en")] = new("Invoice {number} is overdue", "Dear {customerName},\nInvoice {number} is {daysOverdue} days overdue: {due} {currency} (due {dueDate}). Please pay at your earliest convenience."),
        [("InvoiceReminderDue", "zh-CN")] = new("付款提醒：发票 {number}", "尊敬的 {customerName}：\n温馨提醒：发票 {number} 应付 {due} {currency}，到期日 {dueDate}。"),
        [("InvoiceReminderDue", "en")] = new("Payment reminder: invoice {number}", "Dear {customerName},\nA reminder: invoice {number}, {due} {currency}, is due on {dueDate}."),
        [("CreditNoteIssued", "zh-CN")] = new("红字发票 {number}", "尊敬的 {customerName}：\n红字发票 {number} 已开具，金额 {total} {currency}。"),
        [("CreditNoteIssued", "en")] = new("Credit note {number}", "Dear {customerName},\nCredit note {number} has been issued: {total} {currency}."),
        [("SurveyRequest", "zh-CN")] = new("您对订单 {number} 满意吗？", "尊敬的 {customerName}：\n请花一分钟评价订单 {number} 的服务：{surveyUrl}"),
        [("SurveyRequest", "en")] = new("How did we do on order {number}?", "Dear {customerName},\nPlease take a minute to rate order {number}: {surveyUrl}"),
        [("PurchaseOrderSent", "zh-CN")] = new("采购订单 {number}", "您好：\n附件为我方采购订单 {number}，请确认交期。"),
        [("PurchaseOrderSent", "en")] = new("Purchase order {number}", "Hello,\nPlease find our purchase order {number} attached and confirm the delivery dates."),
        [("OrderSubmitted", "zh-CN")] = new("订单 {number} 待审批", "订单 {number}（{customerName}）待审批：{approvalReasons}，金额 {total} {currency}。"),
        [("OrderSubmitted", "en")] = new("Order {number} needs approval", "Order {number} ({customerName}) needs approval: {approvalReasons}, total {total} {currency}."),
        [("CustomerCreditHeld", "zh-CN")] = new("客户信用冻结", "客户 {customerName} 已信用冻结：{reason}"),
        [("CustomerCreditHeld", "en")] = new("Customer credit held", "Customer {customerName} is on credit hold: {reason}"),
        [("StockAlertRaised", "zh-CN")] = new("库存预警", "库存预警：{kind} {productId} {warehouseId}"),
        [("StockAlertRaised", "en")] = new("Stock alert", "Stock alert: {kind} {productId} {warehouseId}"),
    };

    public static bool Has(string type) => All.ContainsKey((type, "en"));

    /// <summary>Renders <paramref name="type"/> in <paramref name="language"/> with <paramref name="values"/>; unknown placeholders render empty.</summary>
    public static RenderedMessage Render(string type, string language, IReadOnlyDictionary<string, string> values)
    {
        var template = All.GetValueOrDefault((type, language)) ?? All[(type, "en")];
        var subject = Fill(template.Subject, values, html: false);
        var text = Fill(template.Body, values, html: false);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(language).Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"font-family:sans-serif\">");
        foreach (var line in template.Body.Split('\n'))
        {
            html.Append("<p>").Append(Fill(line, values, html: true)).Append("</p>");
        }

        html.Append("</body></html>");
        return new RenderedMessage(subject, text, html.ToString());
    }

    /// <summary>
    /// An e-mail a user wrote: their plain text as it is, then a footer in the customer's language with the author, the
    /// company's sender name and, on an order, its number (a reply lands on that order).
    /// </summary>
    public static RenderedMessage RenderWritten(string language, string subject, string body, string? author, string company, string? orderNumber)
    {
        var chinese = language != "en";
        var footer = new List<string> { "-- " };
        if (author is { Length: > 0 })
        {
            footer.Add(author);
        }

        footer.Add(company);
        footer.Add(chinese
            ? orderNumber is null ? "直接回复此邮件即可联系我们。" : $"关于订单 {orderNumber}：直接回复此邮件即可联系我们。"
            : orderNumber is null ? "Simply reply to this e-mail to reach us." : $"About order {orderNumber}: simply reply to this e-mail to reach us.");
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var text = string.Join("\n", lines) + "\n\n" + string.Join("\n", footer);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(chinese ? "zh-CN" : "en").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"font-family:sans-serif\">");
        foreach (var line in lines)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(line)).Append("</p>");
        }

        html.Append("<hr><p style=\"color:#666\">").Append(string.Join("<br>", footer.Skip(1).Select(WebUtility.HtmlEncode))).Append("</p></body></html>");
        return new RenderedMessage(subject, text, html.ToString());
    }

    /// <summary>The payload's scalar values by property name, as text (amounts invariant, arrays joined).</summary>
    public static Dictionary<string, string> ValuesOf(string payload)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(payload);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString() ?? "",
                JsonValueKind.Number => property.Value.GetDecimal().ToString(CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Array => string.Join(", ", property.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString())),
                _ => "",
            };
        }

        return values;
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html) =>
        Placeholder().Replace(template, m =>
        {
            var value = values.GetValueOrDefault(m.Groups[1].Value) ?? "";
            if (!html)
            {
                return value;
            }

            var encoded = WebUtility.HtmlEncode(value);
            return value.StartsWith("http", StringComparison.Ordinal) ? $"<a href=\"{encoded}\">{encoded}</a>" : encoded;
        });

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();
}
