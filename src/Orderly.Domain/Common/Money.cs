namespace Orderly.Domain.Common;

/// <summary>
/// An amount in one ISO 4217 currency. Arithmetic across currencies throws. Rounding is to the
/// currency's minor unit, half away from zero (the policy in docs/architecture.md).
/// </summary>
public readonly record struct Money
{
    public Money(decimal amount, string currency)
    {
        Currency.DigitsOf(currency);
        Amount = amount;
        CurrencyCode = currency;
    }

    public decimal Amount { get; }

    public string CurrencyCode { get; }

    public static Money Zero(string currency) => new(0m, currency);

    public static Money FromMinor(long minorUnits, string currency) =>
        new(minorUnits / Currency.MinorFactor(currency), currency);

    /// <summary>The amount in integer minor units (fen, cents, fils); the stored form.</summary>
    public long MinorUnits => checked((long)(Rounded().Amount * Currency.MinorFactor(CurrencyCode)));

    public Money Rounded() =>
        new(Math.Round(Amount, Currency.DigitsOf(CurrencyCode), MidpointRounding.AwayFromZero), CurrencyCode);

    /// <summary>True when the amount has no digits below the currency's minor unit.</summary>
    public bool IsWholeMinorUnits => Rounded().Amount == Amount;

    public static Money operator +(Money left, Money right) => new(left.Amount + SameCurrency(left, right).Amount, left.CurrencyCode);

    public static Money operator -(Money left, Money right) => new(left.Amount - SameCurrency(left, right).Amount, left.CurrencyCode);

    public static Money operator *(Money money, decimal factor) => new(money.Amount * factor, money.CurrencyCode);

    public static bool operator <(Money left, Money right) => left.Amount < SameCurrency(left, right).Amount;

    public static bool operator >(Money left, Money right) => left.Amount > SameCurrency(left, right).Amount;

    public static bool operator <=(Money left, Money right) => left.Amount <= SameCurrency(left, right).Amount;

    public static bool operator >=(Money left, Money right) => left.Amount >= SameCurrency(left, right).Amount;

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Multiply(decimal factor) => this * factor;

    public int CompareTo(Money other) => Amount.CompareTo(SameCurrency(this, other).Amount);

    public override string ToString() => $"{Amount:0.############} {CurrencyCode}";

    private static Money SameCurrency(Money left, Money right) =>
        left.CurrencyCode == right.CurrencyCode
            ? right
            : throw new CurrencyMismatchException(left.CurrencyCode, right.CurrencyCode);
}

public sealed class CurrencyMismatchException(string left, string right)
    : DomainException("CurrencyMismatch", $"Cannot combine amounts in {left} and {right}.");
