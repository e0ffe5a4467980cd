using Orderly.Domain.Analytics;

namespace Orderly.Domain.Tests.Analytics;

public sealed class RfmTests
{
    [Fact]
    public void Score_GivesQuintilesAndEqualValuesTheSameScore()
    {
        RfmInput[] customers = [new(1, 10, 500), new(5, 8, 400), new(30, 3, 300), new(90, 1, 200), new(200, 1, 100)];

        var scores = Rfm.Score(customers);

        Assert.Equal([5, 4, 3, 2, 1], scores.Select(s => s.R));
        // Two customers with one order: none is worse than them, both score 1.
        Assert.Equal([5, 4, 3, 1, 1], scores.Select(s => s.F));
        Assert.Equal([5, 4, 3, 2, 1], scores.Select(s => s.M));
        Assert.Equal([RfmSegment.Champions, RfmSegment.Champions, RfmSegment.NeedAttention, RfmSegment.Hibernating, RfmSegment.Lost],
            scores.Select(s => s.Segment));
    }

    [Theory]
    [InlineData(3, 5, RfmSegment.Loyal)]
    [InlineData(5, 2, RfmSegment.PotentialLoyalists)]
    [InlineData(4, 1, RfmSegment.NewCustomers)]
    [InlineData(1, 5, RfmSegment.CannotLoseThem)]
    [InlineData(2, 3, RfmSegment.AtRisk)]
    public void SegmentOf_MapsTheGrid(int r, int f, RfmSegment segment) => Assert.Equal(segment, Rfm.SegmentOf(r, f));

    [Fact]
    public void ChurnWarning_WhenIntervalFarBeyondHabit()
    {
        // Orders every 10 days like clockwork: 16 days silent is past 1.5 x 10.
        Assert.False(Rfm.ChurnWarning([10, 10, 10], 15));
        Assert.True(Rfm.ChurnWarning([10, 10, 10], 16));
        Assert.False(Rfm.ChurnWarning([10], 100));
    }

    [Fact]
    public void Percentile_ByNearestRank()
    {
        Assert.Equal(2, Percentile.OfSorted([1, 2, 3, 4], 0.5));
        Assert.Equal(4, Percentile.OfSorted([1, 2, 3, 4], 0.9));
        Assert.Equal(9, Percentile.OfSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9));
        Assert.Null(Percentile.OfSorted([], 0.5));
    }
}
