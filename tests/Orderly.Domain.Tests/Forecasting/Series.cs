namespace Orderly.Domain.Tests.Forecasting;

/// <summary>Synthetic weekly demand with known structure, from a seeded generator.</summary>
internal static class Series
{
    public static double Normal(Random random, double sigma)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Level + trend per week + a yearly wave + noise.</summary>
    public static double[] Seasonal(int weeks, double level, double trend, double amplitude, double noise, int seed, int season = 52)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, weeks).Select(t =>
            Math.Max(0, level + (trend * t) + (amplitude * Math.Sin(2 * Math.PI * t / season)) + (amplitude / 2 * Math.Cos(4 * Math.PI * t / season)) + Normal(random, noise)))];
    }

    /// <summary>Demand in about one week of <paramref name="every"/>, of 1 to <paramref name="maxSize"/> units.</summary>
    public static double[] Intermittent(int weeks, double every, int maxSize, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, weeks).Select(_ => random.NextDouble() < 1 / every ? random.Next(1, maxSize + 1) : 0d)];
    }

    public static double[] RandomWalk(int weeks, double start, double step, int seed)
    {
        var random = new Random(seed);
        var value = start;
        return [.. Enumerable.Range(0, weeks).Select(_ => value = Math.Max(0, value + Normal(random, step)))];
    }
}
