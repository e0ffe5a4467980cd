using System.Text.Json.Serialization;
using Orderly.Domain.Common;

namespace Orderly.Domain.Communication;

/// <summary>A satisfaction survey sent for one delivered order: answered once through its link, before it expires.</summary>
public sealed class SurveyInvitation
{
    private SurveyInvitation()
    {
    }

    public SurveyInvitation(Guid orderId, Guid customerId, string tokenHash, string language, DateTimeOffset now, DateTimeOffset sendAt, DateTimeOffset expiresAt)
    {
        Id = Ids.New(now);
        OrderId = orderId;
        CustomerId = customerId;
        TokenHash = tokenHash;
        Language = language;
        CreatedAt = now;
        SendAt = sendAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid CustomerId { get; private set; }
    /// <summary>SHA-256 of the link's token; the token itself is only in the message sent.</summary>
    public string TokenHash { get; private set; } = "";
    public string Language { get; private set; } = "zh-CN";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset SendAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? AnsweredAt { get; private set; }

    public bool IsOpen(DateTimeOffset now) => AnsweredAt is null && now < ExpiresAt;

    /// <summary>Takes the answer: single use, before expiry; scores are checked here.</summary>
    public SurveyResponse Answer(int score, int? nps, string? comment, Guid? ownerUserId, string? region, DateTimeOffset now)
    {
        if (AnsweredAt is not null)
        {
            throw new IllegalTransitionException("survey", "Answered", "answer");
        }

        if (now >= ExpiresAt)
        {
            throw new IllegalTransitionException("survey", "Expired", "answer");
        }

        var violations = new List<RuleViolation>();
        if (score is < 1 or > 5)
        {
            violations.Add(new RuleViolation("score", "OutOfRange", "score is 1 to 5."));
        }

        if (nps is < 0 or > 10)
        {
            violations.Add(new RuleViolation("nps", "OutOfRange", "nps is 0 to 10."));
        }

        var text = Text.Optional(comment, "comment", 2000, violations);
        Violations.ThrowIfAny(violations);
        AnsweredAt = now;
        return new SurveyResponse(this, score, nps, text, ownerUserId, region, now);
    }
}

/// <summary>A customer's answer: CSAT 1-5, NPS 0-10 (optional), a comment.</summary>
public sealed class SurveyResponse : IHasDomainEvents
{
    private readonly List<IDomainEvent> _events = [];

    private SurveyResponse()
    {
    }

    internal SurveyResponse(SurveyInvitation invitation, int score, int? nps, string? comment, Guid? ownerUserId, string? region, DateTimeOffset now)
    {
        Id = Ids.New(now);
        InvitationId = invitation.Id;
        OrderId = invitation.OrderId;
        CustomerId = invitation.CustomerId;
        Score = score;
        Nps = nps;
        Comment = comment;
        OwnerUserId = ownerUserId;
        Region = region;
        AnsweredAt = now;
        _events.Add(new SurveyAnswered(Id, CustomerId, OrderId, score, nps));
    }

    public Guid Id { get; private set; }
    public Guid InvitationId { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid CustomerId { get; private set; }
    public int Score { get; private set; }
    public int? Nps { get; private set; }
    public string? Comment { get; private set; }
    /// <summary>The customer's rep and region when it was answered, for the report.</summary>
    public Guid? OwnerUserId { get; private set; }
    public string? Region { get; private set; }
    public DateTimeOffset AnsweredAt { get; private set; }

    public IReadOnlyList<IDomainEvent> TakeEvents()
    {
        var taken = _events.ToList();
        _events.Clear();
        return taken;
    }
}

public sealed record SurveyAnswered(Guid ResponseId, Guid CustomerId, Guid OrderId, int Score, int? Nps) : IDomainEvent
{
    [JsonIgnore]
    public string AggregateType => "SurveyResponse";

    [JsonIgnore]
    public Guid AggregateId => ResponseId;

    [JsonIgnore]
    public Guid? ConcernsCustomer => CustomerId;
}

/// <summary>CSAT and NPS over a set of answers.</summary>
public static class SurveyScores
{
    /// <summary>Mean CSAT (1-5) rounded to two decimals; null without answers.</summary>
    public static decimal? Csat(IReadOnlyCollection<int> scores) =>
        scores.Count == 0 ? null : Math.Round((decimal)scores.Sum() / scores.Count, 2, MidpointRounding.AwayFromZero);

    /// <summary>Net promoter score: % of 9-10 minus % of 0-6, in points (-100 to 100), one decimal; null without answers.</summary>
    public static decimal? Nps(IReadOnlyCollection<int> answers)
    {
        if (answers.Count == 0)
        {
            return null;
        }

        var promoters = answers.Count(a => a >= 9);
        var detractors = answers.Count(a => a <= 6);
        return Math.Round(100m * (promoters - detractors) / answers.Count, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>A low answer calls for a call back: CSAT 1-2 or NPS 0-6.</summary>
    public static bool IsLow(int score, int? nps) => score <= 2 || nps is <= 6;
}
