using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// The one place that turns exceptions into RFC 9457 problem+json: rule violations 422, illegal transitions and
/// concurrency conflicts 409, missing resources 404, malformed requests 400. Anything else is a bug and a 500.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        if (problem is null)
        {
            return false;
        }

        if (problem.Status >= 500)
        {
            log.LogError(exception, "Unhandled error on {Path}", httpContext.Request.Path);
        }

        if (problem.Status == 422 && httpContext.Request.Path.StartsWithSegments("/api/orders"))
        {
            CountRefusal(exception);
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails? ToProblem(Exception exception) => exception switch
    {
        RuleViolationException rules => RuleProblem(rules),
        IllegalTransitionException illegal => Problem(409, "Illegal transition", illegal.Message, illegal.Code),
        DomainException domain => Problem(422, "Business rule violated", domain.Message, domain.Code),
        NotFoundException missing => Problem(404, "Not found", missing.Message, "NotFound"),
        PreconditionException pre => Problem(pre.StatusCode, pre.StatusCode == 412 ? "Precondition failed" : "Precondition required", pre.Message,
            pre.StatusCode == 412 ? "StaleETag" : "IfMatchRequired"),
        ForbiddenException forbidden => Problem(403, "Forbidden", forbidden.Message, forbidden.Code),
        ConflictException conflict => Problem(409, "Conflict", conflict.Message, conflict.Code),
        UnavailableException unavailable => Problem(503, "Service unavailable", unavailable.Message, unavailable.Code),
        DbUpdateConcurrencyException => Problem(409, "Concurrent change",
            "Someone else changed this record at the same time; reload it and try again.", "ConcurrencyConflict"),
        DbUpdateException update when IsUniqueViolation(update) => Problem(409, "Duplicate",
            "A record with the same unique value (a code, SKU, number or customer PO) was saved at the same time; reload and try again.", "Duplicate"),
        BadHttpRequestException bad => BadRequest(bad),
        JsonException json => Problem(400, "Malformed JSON", Describe(json), "MalformedJson"),
        _ => null,
    };

    private static void CountRefusal(Exception exception)
    {
        var rules = exception is RuleViolationException violation ? violation.Violations.Select(v => v.Code).Distinct()
            : exception is DomainException domain ? [domain.Code]
            : [];
        foreach (var rule in rules)
        {
            Telemetry.OrderlyMetrics.OrderRefused(rule);
        }
    }

    private static bool IsUniqueViolation(DbUpdateException update) => update.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private static ProblemDetails RuleProblem(RuleViolationException rules)
    {
        var problem = Problem(422, "Business rule violated", rules.Message, rules.Code);
        problem.Extensions["errors"] = rules.Violations
            .GroupBy(v => v.Field)
            .ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray());
        problem.Extensions["violations"] = rules.Violations.Select(v => new { field = v.Field, code = v.Code, message = v.Message }).ToArray();
        return problem;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        var inner = bad.InnerException;
        while (inner is not null and not JsonException)
        {
            inner = inner.InnerException;
        }

        return bad.StatusCode switch
        {
            413 => Problem(413, "Request body too large", bad.Message, "BodyTooLarge"),
            _ when inner is JsonException json => Problem(400, "Malformed JSON", Describe(json), "MalformedJson"),
            _ => Problem(bad.StatusCode, "Bad request", bad.Message, "BadRequest"),
        };
    }

    private static string Describe(JsonException json)
    {
        var path = json.Path;
        if (path is { Length: > 0 } && json.InnerException is JsonException { Path: { Length: > 1 } rest })
        {
            path += rest[1..];
        }

        var reason = ReasonOf(json);
        return path is { Length: > 0 } ? $"{reason} (at {path})" : reason;
    }

    /// <summary>The message without the position System.Text.Json appends to it.</summary>
    public static string ReasonOf(JsonException json)
    {
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static ProblemDetails Problem(int status, string title, string detail, string code) => new()
    {
        Status = status,
        Title = title,
        Detail = detail,
        Type = $"https://orderly.dev/problems/{code}",
        Extensions = { ["code"] = code },
    };
}
