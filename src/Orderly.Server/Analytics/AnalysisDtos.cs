namespace Orderly.Server.Analytics;

/// <summary>Sums of counted orders: orders (null where a figure is per product), lines, quantity (per product only), value, cost and margin.</summary>
public sealed record FigureDto(long? Orders, long Lines, decimal? Quantity, decimal Value, decimal Cost, decimal Margin, decimal? MarginRate);

public sealed record ComparisonDto(DateOnly From, DateOnly To, FigureDto Figures, decimal? ValueChange, decimal? LinesChange);

public sealed record MixDto(string Key, string Label, decimal Value);

public sealed record PeriodFigureDto(DateOnly Start, FigureDto Figures, IReadOnlyList<MixDto> Mix);

/// <param name="Orders">The order list behind the figure: a query of <c>GET /api/orders</c> (and the web UI's order list).</param>
public sealed record AnalysisItemDto(string Key, string Label, FigureDto Figures, decimal Share, decimal CumulativeShare, string Orders);

/// <param name="ParetoCount">How many of the items make the first 80% of the value.</param>
/// <param name="Notes">What the figures do not cover, e.g. that margin uses today's product cost.</param>
public sealed record OrdersAnalysisDto(
    DateOnly From, DateOnly To, string GroupBy, string By, string Currency, FigureDto Totals, ComparisonDto PreviousPeriod, ComparisonDto LastYear,
    IReadOnlyList<PeriodFigureDto> Periods, IReadOnlyList<AnalysisItemDto> Items, int ItemCount, int ParetoCount, IReadOnlyList<string> Notes);

public sealed record StageTimeStatsDto(string Stage, int Orders, double? P50Hours, double? P90Hours);

public sealed record StageTrendDto(string Stage, int Orders, double? P50Hours, double? P90Hours, int PreviousOrders, double? PreviousP50Hours, bool Slower);

public sealed record StagePeriodDto(DateOnly Start, IReadOnlyList<StageTimeStatsDto> Stages);

public sealed record StageGroupDto(string Key, string Label, IReadOnlyList<StageTimeStatsDto> Stages);

public sealed record AgeingDto(string Status, int Orders, double? P50Hours, double? P90Hours, double? MaxHours, int UnderOneDay, int OneToThreeDays, int ThreeToSevenDays, int SevenToThirtyDays, int OverThirtyDays);

public sealed record BottlenecksDto(
    DateOnly From, DateOnly To, string GroupBy, IReadOnlyList<StageTrendDto> Stages, IReadOnlyList<StagePeriodDto> Periods,
    IReadOnlyList<StageGroupDto> Reps, IReadOnlyList<AgeingDto> Ageing, IReadOnlyList<string> Notes);

public sealed record RfmCustomerDto(
    Guid CustomerId, string Code, string Name, int RecencyDays, int Frequency, decimal Monetary, int R, int F, int M, string Segment,
    DateOnly LastOrder, double? MeanIntervalDays, bool ChurnWarning);

public sealed record SegmentCountDto(string Segment, int Customers, decimal Monetary);

public sealed record SegmentMoveDto(string From, string To, int Customers);

public sealed record RfmCellDto(int R, int F, int Customers);

public sealed record RfmDto(
    DateOnly AsOf, DateOnly From, string Currency, int Customers, IReadOnlyList<SegmentCountDto> Segments, IReadOnlyList<RfmCellDto> Grid,
    DateOnly PreviousAsOf, IReadOnlyList<SegmentMoveDto> Movement, int ChurnWarnings, IReadOnlyList<RfmCustomerDto> Items);

public sealed record PreferenceDto(string Key, string Label, decimal Quantity, decimal Value, long Lines);

public sealed record CustomerPreferencesDto(Guid CustomerId, DateOnly From, DateOnly To, string Currency, IReadOnlyList<PreferenceDto> Categories, IReadOnlyList<PreferenceDto> Products);
