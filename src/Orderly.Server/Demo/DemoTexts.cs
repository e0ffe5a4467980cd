namespace Orderly.Server.Demo;

/// <summary>The bilingual reasons and comments people give along the order road, and the carriers that ship.</summary>
internal static class DemoTexts
{
    public static readonly string?[] ApprovalComments =
    [
        "同意，按合同价执行 / Approved at contract price",
        "已核实客户信用，同意 / Credit checked, approved",
        "年度框架协议价 / Annual framework agreement price",
        null,
        null,
    ];

    public static readonly string?[] RejectReasons =
    [
        "折扣超出授权范围 / Discount beyond the authorised level",
        "低于最低毛利要求 / Below the minimum margin",
        "信用额度不足，请先回款 / Credit limit insufficient; payment needed first",
        "请按标准价重新报价 / Please re-quote at list price",
    ];

    /// <summary>Why an order is held, and whether finance (credit) or the sales manager holds it.</summary>
    public static readonly (string Reason, bool ByFinance)[] HoldReasons =
    [
        ("信用审核：存在逾期账款 / Credit review: overdue invoices", true),
        ("超出信用额度，等待回款 / Over the credit limit, awaiting payment", true),
        ("客户要求暂缓发货 / Customer asked to delay shipment", false),
        ("收货地址待确认 / Delivery address to be confirmed", false),
        ("价格复核中 / Price under review", false),
    ];

    public static readonly string?[] ReleaseComments =
    [
        "已收到回款 / Payment received",
        "客户确认地址 / Address confirmed",
        "客户要求恢复发货 / Customer asked to resume",
        null,
    ];

    public static readonly string?[] CancelReasons =
    [
        "客户取消订单 / Customer cancelled the order",
        "重复下单 / Duplicate order",
        "交期无法满足 / Delivery date cannot be met",
        "客户改用其他型号 / Customer switched to another model",
        "价格未达成一致 / No agreement on price",
    ];

    /// <summary>Carriers (their codes in Logistics' carrier list) and the prefix of their tracking numbers; 12 digits follow.</summary>
    public static readonly (string Carrier, string Prefix)[] Carriers =
    [
        ("SF", "SF1"),
        ("JD", "JDV"),
        ("ZTO", "7"),
        ("YTO", "YT1"),
        ("JT", "JT"),
    ];
}
