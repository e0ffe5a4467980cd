namespace Orderly.Domain.Common;

/// <summary>Base of every expected failure the domain reports; the server maps each kind to a status code.</summary>
public abstract class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>One broken business rule, located at a request field such as <c>lines[2].quantity</c>.</summary>
public sealed record RuleViolation(string Field, string Code, string Message);

/// <summary>One or more business rules refuse the request (HTTP 422).</summary>
public sealed class RuleViolationException : DomainException
{
    public RuleViolationException(IReadOnlyList<RuleViolation> violations)
        : base(violations.Count > 0 ? violations[0].Code : "RuleViolation",
               violations.Count == 1 ? violations[0].Message : $"{violations.Count} business rules were violated.")
    {
        Violations = violations;
    }

    public RuleViolationException(string field, string code, string message)
        : this([new RuleViolation(field, code, message)])
    {
    }

    public IReadOnlyList<RuleViolation> Violations { get; }
}

/// <summary>A status change that the transition table does not allow from the current status (HTTP 409).</summary>
public sealed class IllegalTransitionException(string entity, string from, string action)
    : DomainException("IllegalTransition", $"Cannot {action} a {entity} that is {from}.")
{
    public string From { get; } = from;
    public string Action { get; } = action;
}
