namespace Orderly.Domain.Common;

/// <summary>
/// Quantities are decimals with at most three places (grams of a kilogram, millimetres of a metre),
/// stored as integer thousandths so that stock arithmetic in SQL is exact on SQLite and PostgreSQL.
/// </summary>
public static class Quantity
{
    public const int MaxDecimals = 3;
    public const decimal Scale = 1000m;
    public const decimal Max = 1_000_000_000m;

    public static long ToStored(decimal quantity) => checked((long)decimal.Round(quantity * Scale, 0, MidpointRounding.AwayFromZero));

    public static decimal FromStored(long stored) => stored / Scale;

    public static bool HasAtMostMaxDecimals(decimal quantity) => decimal.Round(quantity, MaxDecimals) == quantity;

    public static bool IsWhole(decimal quantity) => decimal.Truncate(quantity) == quantity;
}
