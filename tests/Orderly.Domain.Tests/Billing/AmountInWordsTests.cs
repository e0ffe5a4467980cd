using Orderly.Domain.Billing;

namespace Orderly.Domain.Tests.Billing;

public sealed class AmountInWordsTests
{
    [Theory]
    [InlineData("1234.56", "壹仟贰佰叁拾肆元伍角陆分")]
    [InlineData("0", "零元整")]
    [InlineData("0.05", "伍分")]
    [InlineData("0.5", "伍角整")]
    [InlineData("1", "壹元整")]
    [InlineData("10", "壹拾元整")]
    [InlineData("1000", "壹仟元整")]
    [InlineData("1000.05", "壹仟元零伍分")]
    [InlineData("1002", "壹仟零贰元整")]
    [InlineData("1020.3", "壹仟零贰拾元叁角整")]
    [InlineData("10010", "壹万零壹拾元整")]
    [InlineData("100000", "壹拾万元整")]
    [InlineData("1001000", "壹佰万壹仟元整")]
    [InlineData("100000000", "壹亿元整")]
    [InlineData("100010000", "壹亿零壹万元整")]
    [InlineData("100000001", "壹亿零壹元整")]
    [InlineData("1099.96", "壹仟零玖拾玖元玖角陆分")]
    [InlineData("-12.3", "负壹拾贰元叁角整")]
    [InlineData("5.555", "伍元伍角陆分")]
    public void Chinese_WritesCapitalNumerals(string amount, string expected) =>
        Assert.Equal(expected, AmountInWords.Chinese(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
}
