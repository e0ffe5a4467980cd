using Orderly.Domain.Orders;

namespace Orderly.Server.Analytics;

public sealed record RevenueDayDto(DateOnly Day, long Orders, decimal Value);

public sealed record RevenueDto(string Currency, DateOnly From, DateOnly To, long Orders, decimal Value, IReadOnlyList<RevenueDayDto> Days);

public sealed record ProductSalesDto(Guid ProductId, string Sku, string Name, decimal Quantity, decimal Value);

public sealed record TopProductsDto(string Currency, DateOnly From, DateOnly To, IReadOnlyList<ProductSalesDto> Items);

public sealed record CustomerSalesDto(Guid CustomerId, string Code, string Name, long Orders, decimal Value);

public sealed record TopCustomersDto(string Currency, DateOnly From, DateOnly To, IReadOnlyList<CustomerSalesDto> Items);

public sealed record StatusCountDto(OrderStatus Status, long Orders);

/// <summary>Orders that left a status in the period, and how long they had stayed in it.</summary>
public sealed record StageTimeDto(OrderStatus Status, long Exits, double AverageHours, double TotalHours);

public sealed record FunnelDto(DateOnly From, DateOnly To, IReadOnlyList<StatusCountDto> Statuses, IReadOnlyList<StageTimeDto> StageTimes);
