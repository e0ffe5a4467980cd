using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Orderly.Server.Communication;

/// <summary>The public status and survey pages (no login) and the survey report.</summary>
public static class SurveyEndpoints
{
    public const string SurveyLimit = "survey";

    public static void MapSurveyEndpoints(this IEndpointRouteBuilder app)
    {
        var surveys = app.MapGroup("/api/surveys").WithTags("Communication").RequireAuthorization(CommunicationPolicies.ReadSurveys);
        surveys.MapGet("/responses", ResponsesAsync).WithName("ListSurveyResponses").WithSummary("Survey answers in a period (dates inclusive), newest first, within your customers.");
        surveys.MapGet("/summary", SummaryAsync).WithName("GetSurveySummary")
            .WithSummary("CSAT (mean 1-5) and NPS (% 9-10 minus % 0-6) of the answers in a period, optionally by rep, region, category or month.");

        // Public by design: the token in the path is the credential (>= 128 bits, stored hashed).
        var pages = app.MapGroup("").WithTags("Public").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/t/{token}", StatusPageAsync).WithName("OrderStatusPage");
        pages.MapGet("/s/{token}", SurveyPageAsync).WithName("SurveyPage");
        pages.MapPost("/s/{token}", AnswerAsync).WithName("AnswerSurvey").RequireRateLimiting(SurveyLimit).DisableAntiforgery();
    }

    private static async Task<Ok<SurveyResponsesDto>> ResponsesAsync(DateOnly? from, DateOnly? to, int? limit, SurveyReports reports, CancellationToken ct) =>
        TypedResults.Ok(await reports.ResponsesAsync(from, to, limit, ct));

    private static async Task<Ok<SurveySummaryDto>> SummaryAsync(DateOnly? from, DateOnly? to, string? groupBy, SurveyReports reports, CancellationToken ct) =>
        TypedResults.Ok(await reports.SummaryAsync(from, to, groupBy, ct));

    private static async Task<IResult> StatusPageAsync(string token, string? lang, PublicPages pages, CancellationToken ct) =>
        await pages.StatusPageAsync(token, lang, ct) is { } html ? Html(html, 200) : Html(PublicPages.NotFoundPage(), 404);

    private static async Task<IResult> SurveyPageAsync(string token, string? lang, PublicPages pages, CancellationToken ct) =>
        await pages.SurveyPageAsync(token, lang, ct) is { } html ? Html(html, 200) : Html(PublicPages.NotFoundPage(), 404);

    /// <summary>JSON <c>{score, nps?, comment?}</c> from a client, or the page's own form post.</summary>
    private static async Task<IResult> AnswerAsync(string token, HttpRequest request, PublicPages pages, IOptions<JsonOptions> json, CancellationToken ct)
    {
        SurveyAnswerRequest? answer;
        var form = request.HasFormContentType;
        if (form)
        {
            var fields = await request.ReadFormAsync(ct);
            answer = int.TryParse(fields["score"], out var score)
                ? new SurveyAnswerRequest(score, int.TryParse(fields["nps"], out var nps) ? nps : null, fields["comment"].ToString() is { Length: > 0 } c ? c : null)
                : null;
        }
        else
        {
            try
            {
                answer = await JsonSerializer.DeserializeAsync<SurveyAnswerRequest>(request.Body, json.Value.SerializerOptions, ct);
            }
            catch (JsonException)
            {
                answer = null;
            }
        }

        if (answer is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "Malformed answer", extensions: new Dictionary<string, object?> { ["code"] = "MalformedJson" });
        }

        var response = await pages.AnswerAsync(token, answer, ct);
        if (response is null)
        {
            return form ? Html(PublicPages.NotFoundPage(), 404) : TypedResults.NotFound();
        }

        return form
            ? Html(PublicPages.ThanksPage(request.Query["lang"].ToString().StartsWith("en", StringComparison.Ordinal)), 201)
            : TypedResults.Created((string?)null, new SurveyAnswerDto(response.Id, response.Score, response.Nps));
    }

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
