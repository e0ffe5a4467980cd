using System.ComponentModel.DataAnnotations;

namespace Orderly.Server.Logistics;

/// <summary><c>Orderly:Logistics</c> in configuration: the Kuaidi100 account and the delay rules.</summary>
public sealed class LogisticsOptions
{
    public const string Section = "Orderly:Logistics";

    /// <summary>Kuaidi100 base address (the real one, or a local fake in tests).</summary>
    public Uri Kuaidi100BaseUrl { get; set; } = new("https://poll.kuaidi100.com/");

    /// <summary>授权码 customer; empty: no polling.</summary>
    public string? Kuaidi100Customer { get; set; }

    /// <summary>授权key.</summary>
    public string? Kuaidi100Key { get; set; }

    /// <summary>The salt Kuaidi100 signs its pushes with (sign = upper(MD5(param + salt))).</summary>
    public string? Kuaidi100Salt { get; set; }

    /// <summary>Our callback address given when subscribing.</summary>
    public string? Kuaidi100CallbackUrl { get; set; }

    /// <summary>SF Express (丰桥) route query address: the production one, the sandbox, or a local fake in tests.</summary>
    public Uri SfBaseUrl { get; set; } = new("https://sfapi.sf-express.com/std/service");

    /// <summary>SF 顾客编码 (partnerID); empty: SF shipments are tracked through Kuaidi100 like the others.</summary>
    public string? SfPartnerId { get; set; }

    /// <summary>SF 校验码 (checkword) that signs each request's msgDigest.</summary>
    public string? SfCheckword { get; set; }

    /// <summary>A shipment with no tracking movement for this many hours is late.</summary>
    [Range(1, 24 * 60)]
    public int NoMovementHours { get; set; } = 48;

    /// <summary>A 签收 (signed for) event records the delivery time on the shipment.</summary>
    public bool SignedRecordsDelivery { get; set; } = true;
}
