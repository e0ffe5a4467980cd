using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Communication;
using Orderly.Server.Data;
using Orderly.Server.Identity;

namespace Orderly.Server.Communication;

/// <summary>Survey answers and the CSAT / NPS report by period, rep, region or product category, within the caller's customers.</summary>
public sealed class SurveyReports(OrderlyDbContext db, DataScope scope)
{
    public async Task<SurveyResponsesDto> ResponsesAsync(DateOnly? from, DateOnly? to, int? limit, CancellationToken ct)
    {
        var rows = await (await QueryAsync(from, to, ct)).OrderByDescending(r => r.AnsweredAt).Take(Math.Clamp(limit ?? 200, 1, 1000))
            .Select(r => new SurveyResponseDto(r.Id, r.OrderId, r.CustomerId, r.Score, r.Nps, r.Comment, r.AnsweredAt, r.OwnerUserId, r.Region)).ToListAsync(ct);
        return new SurveyResponsesDto(rows);
    }

    public async Task<SurveySummaryDto> SummaryAsync(DateOnly? from, DateOnly? to, string? groupBy, CancellationToken ct)
    {
        var rows = await (await QueryAsync(from, to, ct)).OrderBy(r => r.AnsweredAt).Select(r => new { r.Id, r.OrderId, r.Score, r.Nps, r.OwnerUserId, r.Region, r.AnsweredAt }).Take(100_000).ToListAsync(ct);
        var groups = new List<SurveyGroupDto>();
        IEnumerable<(string Key, int Score, int? Nps)> keyed = groupBy?.ToLowerInvariant() switch
        {
            null or "" => [],
            "rep" => rows.Select(r => (r.OwnerUserId?.ToString() ?? "none", r.Score, r.Nps)),
            "region" => rows.Select(r => (r.Region ?? "none", r.Score, r.Nps)),
            "month" => rows.Select(r => (r.AnsweredAt.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), r.Score, r.Nps)),
            "category" => await ByCategoryAsync(rows.Select(r => (r.OrderId, r.Score, r.Nps)).ToList(), ct),
            _ => throw new Domain.Common.RuleViolationException("groupBy", "UnknownGrouping", "groupBy is rep, region, category or month."),
        };
        foreach (var g in keyed.GroupBy(k => k.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            groups.Add(new SurveyGroupDto(g.Key, SurveyScores.Csat([.. g.Select(x => x.Score)]), SurveyScores.Nps([.. g.Where(x => x.Nps.HasValue).Select(x => x.Nps!.Value)]), g.Count()));
        }

        return new SurveySummaryDto(SurveyScores.Csat([.. rows.Select(r => r.Score)]), SurveyScores.Nps([.. rows.Where(r => r.Nps.HasValue).Select(r => r.Nps!.Value)]), rows.Count, groups);
    }

    /// <summary>An answer counts once in each category its order's products belong to.</summary>
    private async Task<IEnumerable<(string Key, int Score, int? Nps)>> ByCategoryAsync(List<(Guid OrderId, int Score, int? Nps)> rows, CancellationToken ct)
    {
        var orders = rows.Select(r => r.OrderId).Distinct().ToList();
        var pairs = await (from l in db.OrderLines.AsNoTracking()
                           join p in db.Products.AsNoTracking() on l.ProductId equals p.Id
                           where orders.Contains(l.OrderId)
                           select new { l.OrderId, p.Category }).Distinct().ToListAsync(ct);
        var byOrder = pairs.GroupBy(p => p.OrderId).ToDictionary(g => g.Key, g => g.Select(x => x.Category ?? "none").Distinct().ToList());
        return rows.SelectMany(r => byOrder.GetValueOrDefault(r.OrderId, ["none"]).Select(c => (c, r.Score, r.Nps)));
    }

    private async Task<IQueryable<SurveyResponse>> QueryAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var query = db.Set<SurveyResponse>().AsNoTracking();
        if (from is { } f)
        {
            var start = new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.AnsweredAt >= start);
        }

        if (to is { } t)
        {
            var end = new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.AnsweredAt < end);
        }

        return await scope.VisibleCustomerIdsAsync(ct) is { } visible ? query.Where(r => visible.Contains(r.CustomerId)) : query;
    }
}
