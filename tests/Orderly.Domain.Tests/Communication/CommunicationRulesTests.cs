using Orderly.Domain.Common;
using Orderly.Domain.Communication;

namespace Orderly.Domain.Tests.Communication;

public sealed class CommunicationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Nps_IsPromotersMinusDetractorsInPercent()
    {
        // 3 promoters (9, 10, 9), 2 passives (7, 8), 3 detractors (0, 6, 3) of 8: (3 - 3) / 8 = 0; then one more promoter.
        Assert.Equal(0m, SurveyScores.Nps([9, 10, 9, 7, 8, 0, 6, 3]));
        Assert.Equal(11.1m, SurveyScores.Nps([9, 10, 9, 7, 8, 0, 6, 3, 10]));
        Assert.Equal(-100m, SurveyScores.Nps([0, 6]));
        Assert.Null(SurveyScores.Nps([]));
    }

    [Fact]
    public void Csat_IsTheMeanRoundedToTwoDecimals()
    {
        Assert.Equal(3.67m, SurveyScores.Csat([5, 4, 2]));
        Assert.Null(SurveyScores.Csat([]));
    }

    [Fact]
    public void QuietHours_AcrossMidnight_PostponeToTheMorning()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var quiet = new QuietHours(new TimeOnly(22, 0), new TimeOnly(8, 0));
        // 23:30 Shanghai = 15:30 UTC -> next day 08:00 Shanghai = 00:00 UTC.
        var late = new DateTimeOffset(2026, 3, 10, 15, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), quiet.NextAllowed(late, zone));
        // 03:00 Shanghai = 19:00 UTC the day before -> 08:00 the same local day.
        var early = new DateTimeOffset(2026, 3, 10, 19, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), quiet.NextAllowed(early, zone));
        // 12:00 Shanghai: not quiet.
        var noon = new DateTimeOffset(2026, 3, 10, 4, 0, 0, TimeSpan.Zero);
        Assert.Equal(noon, quiet.NextAllowed(noon, zone));
    }

    [Fact]
    public void Mentions_FindNamesAndAddresses_NotEmbeddedAts()
    {
        var found = Mentions.In("Please call back @li.wei and @zhang@orderly.test, not mail me at a@b.c.");
        Assert.Equal(["li.wei", "zhang@orderly.test"], found);
    }

    [Fact]
    public void Interaction_WithoutSummary_OrInTheFuture_IsRefused()
    {
        var e = Assert.Throws<RuleViolationException>(() =>
            Interaction.Log(Guid.NewGuid(), null, InteractionChannel.Phone, Direction.In, " ", null, Now.AddHours(1), null, null, Now));
        Assert.Equal(["Required", "InFuture"], e.Violations.Select(v => v.Code));
    }

    [Fact]
    public void Interaction_Logged_RaisesItsEvent()
    {
        var i = Interaction.Log(Guid.NewGuid(), null, InteractionChannel.WeCom, Direction.In, "问价", null, null, "wx-1", null, Now);
        var e = Assert.IsType<InteractionLogged>(Assert.Single(i.TakeEvents()));
        Assert.Equal(("WeCom", "In"), (e.Channel, e.Direction));
        Assert.Equal("Chat", i.Kind);
    }

    [Fact]
    public void Task_CompletedTwice_Throws_AndIsOverdueOnlyWhileOpen()
    {
        var task = FollowUpTask.Create("Call back", Now.AddHours(-1), Guid.NewGuid(), null, null, null, null, null, Now.AddHours(-2));
        Assert.True(task.IsOverdue(Now));
        Assert.True(task.NeedsReminder(Now, TimeSpan.FromHours(1)));
        task.Complete(null, Now);
        Assert.False(task.IsOverdue(Now));
        Assert.Throws<IllegalTransitionException>(() => task.Complete(null, Now));
    }

    [Fact]
    public void Survey_IsSingleUse_AndExpires()
    {
        var invitation = new SurveyInvitation(Guid.NewGuid(), Guid.NewGuid(), "hash", "en", Now, Now, Now.AddDays(1));
        Assert.Throws<RuleViolationException>(() => invitation.Answer(6, null, null, null, null, Now));
        var response = invitation.Answer(4, 9, "good", null, "East", Now);
        Assert.Equal(4, response.Score);
        Assert.Throws<IllegalTransitionException>(() => invitation.Answer(5, null, null, null, null, Now));
        var late = new SurveyInvitation(Guid.NewGuid(), Guid.NewGuid(), "hash2", "en", Now, Now, Now.AddDays(1));
        Assert.Throws<IllegalTransitionException>(() => late.Answer(5, null, null, null, null, Now.AddDays(2)));
    }

    [Fact]
    public void MessageId_IsDerivedFromEventChannelAndRecipient()
    {
        var id = Guid.NewGuid();
        Assert.Equal(OutgoingMessage.MessageIdFor(id, MessageChannel.Email, "A@x.test"), OutgoingMessage.MessageIdFor(id, MessageChannel.Email, "a@x.test"));
        Assert.NotEqual(OutgoingMessage.MessageIdFor(id, MessageChannel.Email, "a@x.test"), OutgoingMessage.MessageIdFor(id, MessageChannel.Email, "b@x.test"));
        Assert.Equal(OutgoingMessage.DerivedId(id, "survey"), OutgoingMessage.DerivedId(id, "survey"));
    }

    [Fact]
    public void UserPreference_KeepsMutedAndEmailedKindsSortedOnce_AndQuietHoursNeedBothEnds()
    {
        var p = new UserNotificationPreference(Guid.NewGuid());
        p.Change(["TaskDue", " Mention", "TaskDue"], ["ApprovalNeeded"], new TimeOnly(22, 0), new TimeOnly(7, 30));
        Assert.Equal(["Mention", "TaskDue"], p.MutedKinds);
        Assert.Equal(["ApprovalNeeded"], p.EmailedKinds);
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 30)), p.Quiet);
        // 23:00 in Shanghai (UTC+8) is 15:00 UTC: held until 07:30 the next morning, 23:30 UTC.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 23, 30, 0, TimeSpan.Zero), p.Quiet!.Value.NextAllowed(new DateTimeOffset(2026, 3, 10, 15, 0, 0, TimeSpan.Zero), shanghai));

        var e = Assert.Throws<RuleViolationException>(() => p.Change([], [], new TimeOnly(22, 0), null));
        Assert.Equal("Incomplete", e.Code);
        Assert.Equal(["Mention", "TaskDue"], p.MutedKinds);
        p.Change([], [], null, null);
        Assert.Null(p.Quiet);
        Assert.Empty(p.EmailedKinds);
    }

    [Fact]
    public void WeComRecipient_NeedsTheContactsExternalUserId()
    {
        var customer = new CustomerCommunication(Guid.NewGuid());
        var e = Assert.Throws<RuleViolationException>(() => customer.Change("en", null, null, [new NotificationRecipient("Li", null, null, null, ["OrderShipped"], [MessageChannel.WeCom])]));
        Assert.Contains(e.Violations, v => v.Field == "recipients[0].weComUserId" && v.Code == "Required");
        Assert.Throws<RuleViolationException>(() => customer.Change("en", null, null, [new NotificationRecipient(null, null, null, null, ["OrderShipped"], [MessageChannel.Robot])]));
        customer.Change("en", null, null, [new NotificationRecipient("Li", null, null, null, ["OrderShipped"], [MessageChannel.WeCom, MessageChannel.Email], " wmABC ")]);
        Assert.Equal("wmABC", customer.Recipients[0].WeComUserId);
        Assert.Equal([MessageChannel.WeCom, MessageChannel.Email], customer.Recipients[0].ChannelList);
    }
}
