using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Orderly.Server.Infrastructure;

/// <summary>
/// Refuses, as problem+json, what would otherwise reach a handler and break it or be stored silently changed: control
/// characters in query strings and JSON text, dates outside the supported range, numbers a decimal(18,4) column
/// cannot hold (<see cref="JsonBodyGuard"/>), over-long request targets; and lets routing's own 405/415 answers through instead of the 403 of
/// the closed fallback policy.
/// </summary>
public static class InputGuards
{
    /// <summary>The longest path and query string answered by the application; Kestrel refuses longer request lines itself.</summary>
    public const int MaxRequestTarget = 8 * 1024;

    /// <summary>Kestrel's own limit, above <see cref="MaxRequestTarget"/> so the pipeline answers in between with problem+json.</summary>
    public const int KestrelMaxRequestLine = 64 * 1024;

    public static readonly DateOnly FirstSupportedDate = new(1900, 1, 1);
    public static readonly DateOnly LastSupportedDate = new(2999, 12, 31);

    public static void AddInputGuards(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestLineSize = KestrelMaxRequestLine);
    }

    public static IApplicationBuilder UseInputGuards(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxRequestTarget)
        {
            await WriteAsync(http, StatusCodes.Status414UriTooLong, "Request target too long", "UriTooLong",
                $"The path and query string may be at most {MaxRequestTarget} characters.", null);
            return;
        }

        var endpoint = http.GetEndpoint();
        if (endpoint is not null and not RouteEndpoint && endpoint.RequestDelegate is { } routingAnswer
            && (endpoint.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) == true || endpoint.DisplayName?.StartsWith("415 ", StringComparison.Ordinal) == true))
        {
            // Routing's answer for a known path with another method or body type; the status code pages add problem+json.
            await routingAnswer(http);
            return;
        }

        if (QueryProblem(http, endpoint) is { } problem)
        {
            await WriteAsync(http, StatusCodes.Status400BadRequest, problem.Title, problem.Code, problem.Detail, problem.Parameter);
            return;
        }

        if (await BodyProblemAsync(http) is { } bodyProblem)
        {
            await WriteAsync(http, StatusCodes.Status400BadRequest, bodyProblem.Title, bodyProblem.Code,
                $"{bodyProblem.Detail} (at {bodyProblem.Path})", bodyProblem.Path);
            return;
        }

        await next();
    });

    private static (string Parameter, string Title, string Code, string Detail)? QueryProblem(HttpContext http, Endpoint? endpoint)
    {
        var query = http.Request.Query;
        if (query.Count == 0)
        {
            return null;
        }

        foreach (var (name, values) in query)
        {
            foreach (var value in values)
            {
                if ((ControlCharacterIn(name) ?? ControlCharacterIn(value)) is { } control)
                {
                    return (name, "Control character", "ControlCharacter",
                        $"Query parameter '{name}' contains the control character U+{(int)control:X4}.");
                }
            }
        }

        foreach (var parameter in endpoint?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? [])
        {
            if (IsDate(parameter.ParameterInfo) && query[parameter.Name] is { Count: > 0 } given
                && given.Any(v => v is not null && DateOutOfRange(v)))
            {
                return (parameter.Name, "Date out of range", "DateOutOfRange",
                    $"Query parameter '{parameter.Name}' must be a date from {FirstSupportedDate:yyyy-MM-dd} to {LastSupportedDate:yyyy-MM-dd}.");
            }
        }

        return null;
    }

    /// <summary>Buffers a JSON body (within the body size limit, which reading enforces) and checks its tokens.</summary>
    private static async Task<(string Path, string Title, string Code, string Detail)?> BodyProblemAsync(HttpContext http)
    {
        var request = http.Request;
        if (request.ContentLength == 0 || !request.HasJsonContentType())
        {
            return null;
        }

        var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, http.RequestAborted);
        request.Body = new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);
        return JsonBodyGuard.Check(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static bool IsDate(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset);
    }

    private static bool DateOutOfRange(string value)
    {
        DateOnly? day = DateOnly.TryParse(value, CultureInfo.InvariantCulture, out var date) ? date
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) ? DateOnly.FromDateTime(instant.UtcDateTime)
            : null;
        return day is { } d && (d < FirstSupportedDate || d > LastSupportedDate);
    }

    /// <summary>The first C0 control character or DEL in the text, or null; <paramref name="allowLineBreaks"/> lets tab, CR and LF through.</summary>
    public static char? ControlCharacterIn(string? text, bool allowLineBreaks = false)
    {
        foreach (var c in text ?? "")
        {
            if ((c < ' ' || c == '\u007f') && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return c;
            }
        }

        return null;
    }

    private static async Task WriteAsync(HttpContext http, int status, string title, string code, string detail, string? parameter)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status, Title = title, Detail = detail, Type = $"https://orderly.dev/problems/{code}", Extensions = { ["code"] = code },
        };
        if (parameter is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [parameter] = [detail] };
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}
