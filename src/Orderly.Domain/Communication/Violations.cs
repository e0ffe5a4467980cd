using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

internal static class Violations
{
    public static void ThrowIfAny(List<RuleViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }
}
