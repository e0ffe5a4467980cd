using System.Text;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Common;

public sealed class TextTests
{
    private const string DecomposedCafe = "Cafe\u0301";
    private const string ComposedCafe = "Caf\u00e9";

    [Fact]
    public void Normalize_TurnsDecomposedInputIntoNfc()
    {
        Assert.NotEqual(ComposedCafe, DecomposedCafe);

        var normalized = Text.Normalize(DecomposedCafe);

        Assert.Equal(ComposedCafe, normalized);
        Assert.True(normalized.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(4, normalized.Length);
    }

    [Fact]
    public void Required_StoresTrimmedNfc()
    {
        Assert.Equal(ComposedCafe, Text.Required($"  {DecomposedCafe}\t", "name", 10));
    }

    [Fact]
    public void Required_KeepsChineseTextByteForByte()
    {
        const string name = "上海华联贸易有限公司";

        var stored = Text.Required(name, "name", 10);

        Assert.Equal(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(stored));
    }

    [Theory]
    [InlineData("张伟", 2)]
    [InlineData("\U0001F600", 1)]                                   // one emoji, two UTF-16 units
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467", 1)]  // family: a ZWJ sequence of three emoji
    [InlineData("\U0001F1E8\U0001F1F3", 1)]                        // a flag from two regional indicators
    [InlineData(DecomposedCafe, 4)]
    [InlineData("", 0)]
    public void LengthOf_CountsUserPerceivedCharacters(string value, int expected)
    {
        Assert.Equal(expected, Text.LengthOf(value));
    }

    [Fact]
    public void Required_AtTheLimitInTextElements_IsAccepted()
    {
        var tenEmoji = string.Concat(Enumerable.Repeat("\U0001F600", 10));

        Assert.Equal(20, tenEmoji.Length);
        Assert.Equal(tenEmoji, Text.Required(tenEmoji, "name", 10));
    }

    [Fact]
    public void Required_DecomposedTextAtTheLimit_IsAccepted()
    {
        var fiveAccents = string.Concat(Enumerable.Repeat("e\u0301", 5));

        Assert.Equal(5, Text.LengthOf(Text.Required(fiveAccents, "name", 5)));
    }

    [Fact]
    public void Required_OverTheLimit_ThrowsTooLong()
    {
        var error = Assert.Throws<RuleViolationException>(() => Text.Required("张伟张伟张伟", "name", 5));

        Assert.Equal("TooLong", error.Code);
        var violation = Assert.Single(error.Violations);
        Assert.Equal(("name", "TooLong"), (violation.Field, violation.Code));
    }

    [Fact]
    public void Optional_OverTheLimit_ThrowsTooLong()
    {
        var error = Assert.Throws<RuleViolationException>(() => Text.Optional("abcdef", "region", 5));

        Assert.Equal("TooLong", error.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void Required_Blank_ThrowsRequired(string? value)
    {
        var error = Assert.Throws<RuleViolationException>(() => Text.Required(value, "sku", 10));

        Assert.Equal(("sku", "Required"), (error.Violations[0].Field, error.Code));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Optional_Blank_IsNull(string? value)
    {
        Assert.Null(Text.Optional(value, "region", 10));
    }

    [Fact]
    public void Required_WithAViolationList_CollectsInsteadOfThrowing()
    {
        var violations = new List<RuleViolation>();

        var result = Text.Required(new string('x', 11), "name", 10, violations);

        Assert.Equal(string.Empty, result);
        var violation = Assert.Single(violations);
        Assert.Equal(("name", "TooLong"), (violation.Field, violation.Code));
    }
}
