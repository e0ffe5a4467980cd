using Orderly.Domain.Analytics;

namespace Orderly.Domain.Tests.Analytics;

public sealed class AbcXyzTests
{
    [Fact]
    public void Abc_ClassifiesByCumulativeValueShare()
    {
        // Total 100: a reaches 60 (A), b starts at 60 < 80 (A), c starts at 85 (B), d at 95 (C), e has none (C).
        var classes = AbcXyz.Abc(new Dictionary<string, double> { ["a"] = 60, ["b"] = 25, ["c"] = 10, ["d"] = 5, ["e"] = 0 });

        Assert.Equal(new Dictionary<string, char> { ["a"] = 'A', ["b"] = 'A', ["c"] = 'B', ["d"] = 'C', ["e"] = 'C' }, classes);
    }

    [Fact]
    public void Xyz_ClassifiesByCoefficientOfVariation()
    {
        // Mean 10, population sd 0 / 2 / 10 (values 0 and 20).
        Assert.Equal('X', AbcXyz.Xyz(AbcXyz.Variation([10, 10, 10, 10])));
        Assert.Equal(0.2, AbcXyz.Variation([8, 12, 8, 12])!.Value, 9);
        Assert.Equal('X', AbcXyz.Xyz(0.2));
        Assert.Equal(1.0, AbcXyz.Variation([0, 20, 0, 20])!.Value, 9);
        Assert.Equal('Y', AbcXyz.Xyz(1.0));
        Assert.Equal('Z', AbcXyz.Xyz(AbcXyz.Variation([0, 0, 0, 40])));
        Assert.Equal('Z', AbcXyz.Xyz(AbcXyz.Variation([0, 0])));
    }
}
