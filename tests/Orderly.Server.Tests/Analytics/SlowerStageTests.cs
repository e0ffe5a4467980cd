using Orderly.Server.Analytics;

namespace Orderly.Server.Tests.Analytics;

/// <summary>The "stages that got slower": p50 up by more than 20% with at least 3 orders on each side.</summary>
public sealed class SlowerStageTests
{
    [Theory]
    [InlineData(3, 12.1, 3, 10.0, true)]
    [InlineData(3, 12.0, 3, 10.0, false)] // exactly 20% more is not slower
    [InlineData(2, 30.0, 3, 10.0, false)] // too few orders now
    [InlineData(3, 30.0, 2, 10.0, false)] // too few orders before
    [InlineData(5, 30.0, 5, 0.0, false)]  // nothing to compare with
    [InlineData(5, 8.0, 5, 10.0, false)]  // faster
    public void SlowerWhenTheMedianGrewByMoreThanAFifth(int orders, double p50, int previousOrders, double previousP50, bool slower) =>
        Assert.Equal(slower, Bottlenecks.IsSlower(orders, p50, previousOrders, previousP50));

    [Fact]
    public void NoMedianOnEitherSide_IsNotSlower()
    {
        Assert.False(Bottlenecks.IsSlower(5, null, 5, 10));
        Assert.False(Bottlenecks.IsSlower(5, 10, 5, null));
    }
}
