using System.Collections.Concurrent;
using Orderly.Domain.Analytics;
using Orderly.Domain.Common;

namespace Orderly.Server.Analytics;

/// <summary>
/// RFM over one window (the year up to <see cref="AsOf"/>) in one currency: each customer who bought, scored, and what
/// every answer over the window reads (segment counts and values, the grid, the churn warnings, the customers by value).
/// Built once from the window's <see cref="BuyingSums"/> and never changed after, so callers may share it.
/// </summary>
internal sealed class RfmWindow
{
    /// <summary>The segment of a customer who did not buy in the window.</summary>
    public const sbyte NoSegment = -1;

    private static readonly int Segments = Enum.GetValues<RfmSegment>().Length;

    private readonly sbyte[] _segmentOfOrdinal;

    private RfmWindow(DateOnly asOf, Row[] rows, sbyte[] segmentOfOrdinal)
    {
        AsOf = asOf;
        Rows = rows;
        _segmentOfOrdinal = segmentOfOrdinal;
        SegmentCounts = new int[Segments];
        SegmentValues = new decimal[Segments];
        var cells = new int[6, 6];
        foreach (var row in rows)
        {
            var segment = (int)row.Score.Segment;
            SegmentCounts[segment]++;
            SegmentValues[segment] += row.Monetary;
            cells[row.Score.R, row.Score.F]++;
            ChurnWarnings += row.Churn ? 1 : 0;
        }

        // The cells with customers, highest recency first, then highest frequency (as the grid is shown).
        var grid = new List<RfmCellDto>();
        for (var r = 5; r >= 1; r--)
        {
            for (var f = 5; f >= 1; f--)
            {
                if (cells[r, f] > 0)
                {
                    grid.Add(new RfmCellDto(r, f, cells[r, f]));
                }
            }
        }

        Grid = grid;
        // Highest value first, on the value in minor units (a plain long) taken out once.
        var keys = new long[rows.Length];
        ByValue = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            keys[i] = -rows[i].ValueMinor;
            ByValue[i] = i;
        }

        Array.Sort(keys, ByValue);
    }

    public DateOnly AsOf { get; }

    /// <summary>The customers who bought in the window (in ordinal order).</summary>
    public Row[] Rows { get; }

    /// <summary>Customers per segment (by segment number).</summary>
    public int[] SegmentCounts { get; }

    /// <summary>Their value per segment.</summary>
    public decimal[] SegmentValues { get; }

    public IReadOnlyList<RfmCellDto> Grid { get; }

    public int ChurnWarnings { get; }

    /// <summary>The indexes of <see cref="Rows"/>, highest value first.</summary>
    public int[] ByValue { get; }

    /// <summary>The segment of a customer by ordinal, <see cref="NoSegment"/> when they did not buy in the window.</summary>
    public int SegmentOf(int ordinal) => ordinal < _segmentOfOrdinal.Length ? _segmentOfOrdinal[ordinal] : NoSegment;

    /// <summary>The window's customers (only the <paramref name="allowed"/> ordinals when given) scored as of <paramref name="asOf"/>.</summary>
    public static RfmWindow Build(BuyingSums sums, bool[]? allowed, DateOnly asOf, string currency)
    {
        var ordinals = new List<int>();
        for (var k = 0; k < sums.Count; k++)
        {
            if (sums.Bought(k) && (allowed is null || allowed[k]))
            {
                ordinals.Add(k);
            }
        }

        var inputs = new RfmInput[ordinals.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var history = sums[ordinals[i]];
            inputs[i] = new RfmInput(asOf.DayNumber - history.LastDay, (int)history.Orders, history.ValueMinor);
        }

        var scores = Rfm.Score(inputs);
        var rows = new Row[inputs.Length];
        var segmentOfOrdinal = new sbyte[sums.Count];
        Array.Fill(segmentOfOrdinal, NoSegment);
        for (var i = 0; i < rows.Length; i++)
        {
            var k = ordinals[i];
            var history = sums[k];
            // The gaps between buying days: as many as the days less one, summing to last - first.
            var gaps = history.DaysBought - 1;
            var gapSum = history.LastDay - history.FirstDay;
            var recency = inputs[i].RecencyDays;
            rows[i] = new Row(
                k, recency, (int)history.Orders, history.ValueMinor, Money.FromMinor(history.ValueMinor, currency).Amount, scores[i],
                DateOnly.FromDayNumber(history.LastDay), gaps == 0 ? null : Math.Round(gapSum / (double)gaps, 2),
                Rfm.ChurnWarning(gaps, gapSum, history.SquaredGaps, recency));
            segmentOfOrdinal[k] = (sbyte)scores[i].Segment;
        }

        return new RfmWindow(asOf, rows, segmentOfOrdinal);
    }

    /// <summary>A scored customer: ordinal, days since the last order, orders, value, scores, last order, mean interval and churn warning.</summary>
    public readonly record struct Row(
        int Ordinal, int Recency, int Orders, long ValueMinor, decimal Monetary, RfmScore Score, DateOnly Last, double? Interval, bool Churn);
}

/// <summary>
/// The company-wide <see cref="RfmWindow"/>s, kept per (as-of day, currency) while every day of the window is the same
/// <see cref="SalesProjection.DaySlice"/> (a changed day is loaded as a new slice): the comparison window of a call
/// (90 days back by default) changes only when an old order is cancelled, and the current one until the next order.
/// A rep's windows rank their own customers and are not kept. Windows are immutable, so concurrent calls share them.
/// </summary>
public sealed class RfmWindows(SalesProjection projection)
{
    /// <summary>Windows kept at most (a few hundred kB each at 5,000 customers); the least recently built go first.</summary>
    private const int Keep = 16;

    private readonly ConcurrentDictionary<(DateOnly AsOf, string Currency), Kept> _kept = new();
    private long _built;

    /// <summary>The window of the year up to <paramref name="asOf"/> from <paramref name="days"/> (which hold every day of it).</summary>
    internal RfmWindow Of(IReadOnlyList<SalesProjection.DaySlice> days, DateOnly asOf, string currency, IReadOnlyCollection<Guid>? visible)
    {
        var first = asOf.AddDays(1 - CustomerAnalysis.WindowDays);
        var slices = new SalesProjection.DaySlice?[asOf.DayNumber - first.DayNumber + 1];
        foreach (var slice in days)
        {
            if (slice.Day >= first && slice.Day <= asOf)
            {
                slices[slice.Day.DayNumber - first.DayNumber] = slice;
            }
        }

        if (visible is null && _kept.TryGetValue((asOf, currency), out var kept) && Same(kept.Slices, slices))
        {
            return kept.Window;
        }

        var (sums, allowed) = projection.CustomerSums(days, first, asOf, visible);
        var window = RfmWindow.Build(sums, allowed, asOf, currency);
        if (visible is null)
        {
            _kept[(asOf, currency)] = new Kept(slices, window, Interlocked.Increment(ref _built));
            Trim();
        }

        return window;
    }

    private static bool Same(SalesProjection.DaySlice?[] kept, SalesProjection.DaySlice?[] slices)
    {
        for (var i = 0; i < slices.Length; i++)
        {
            if (!ReferenceEquals(kept[i], slices[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Drops every kept window, e.g. for a test.</summary>
    public void Clear() => _kept.Clear();

    private void Trim()
    {
        while (_kept.Count > Keep)
        {
            var oldest = _kept.MinBy(k => k.Value.Built);
            _kept.TryRemove(oldest.Key, out _);
        }
    }

    private sealed record Kept(SalesProjection.DaySlice?[] Slices, RfmWindow Window, long Built);
}
