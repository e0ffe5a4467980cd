using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orderly.Domain.Communication;

namespace Orderly.Server.Communication;

public sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> builder)
    {
        builder.ToTable("interactions");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(i => i.Direction).HasConversion<string>().HasMaxLength(3);
        builder.Property(i => i.Summary).HasMaxLength(Interaction.SummaryMaxLength * 4);
        builder.Property(i => i.ExternalId).HasMaxLength(Interaction.ExternalIdMaxLength * 4);
        builder.Property(i => i.Mentions).HasMaxLength(2000);
        builder.Ignore(i => i.Kind);
        builder.Ignore(i => i.MentionedUsers);
        // The same channel message is recorded once: a repeat finds this index.
        builder.HasIndex(i => new { i.Channel, i.ExternalId }).IsUnique();
        builder.HasIndex(i => new { i.CustomerId, i.OccurredAt });
        builder.HasIndex(i => new { i.OrderId, i.OccurredAt });
    }
}

public sealed class TimelineEntryConfiguration : IEntityTypeConfiguration<TimelineEntry>
{
    public void Configure(EntityTypeBuilder<TimelineEntry> builder)
    {
        builder.ToTable("timeline_entries");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.HasIndex(t => t.SourceId).IsUnique();
        builder.Property(t => t.Kind).HasMaxLength(20);
        builder.Property(t => t.Channel).HasMaxLength(20);
        builder.Property(t => t.Direction).HasMaxLength(3);
        builder.Property(t => t.Summary).HasMaxLength(2000);
        builder.Property(t => t.Ref).HasMaxLength(200);
        builder.HasIndex(t => new { t.CustomerId, t.At });
        builder.HasIndex(t => new { t.OrderId, t.At });
    }
}

public sealed class FollowUpTaskConfiguration : IEntityTypeConfiguration<FollowUpTask>
{
    public void Configure(EntityTypeBuilder<FollowUpTask> builder)
    {
        builder.ToTable("follow_up_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Subject).HasMaxLength(FollowUpTask.SubjectMaxLength * 4);
        builder.Property(t => t.Rule).HasMaxLength(50);
        builder.Property(t => t.State).HasConversion<string>().HasMaxLength(10);
        builder.HasIndex(t => new { t.AssigneeId, t.State, t.DueAt });
        builder.HasIndex(t => new { t.State, t.DueAt });
    }
}

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.Kind).HasMaxLength(30);
        builder.Property(n => n.Title).HasMaxLength(800);
        builder.Property(n => n.Body).HasMaxLength(8000);
        builder.Property(n => n.Link).HasMaxLength(500);
        builder.Property(n => n.SourceKey).HasMaxLength(100);
        builder.HasIndex(n => new { n.UserId, n.SourceKey }).IsUnique();
        builder.HasIndex(n => new { n.UserId, n.ReadAt });
    }
}

public sealed class UserNotificationPreferenceConfiguration : IEntityTypeConfiguration<UserNotificationPreference>
{
    public void Configure(EntityTypeBuilder<UserNotificationPreference> builder)
    {
        builder.ToTable("user_notification_preferences");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).ValueGeneratedNever();
        builder.Property(p => p.Muted).HasMaxLength(500);
        builder.Property(p => p.Emailed).HasMaxLength(500);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.MutedKinds);
        builder.Ignore(p => p.EmailedKinds);
        builder.Ignore(p => p.Quiet);
    }
}

public sealed class CustomerCommunicationConfiguration : IEntityTypeConfiguration<CustomerCommunication>
{
    public void Configure(EntityTypeBuilder<CustomerCommunication> builder)
    {
        builder.ToTable("customer_communications");
        builder.HasKey(c => c.CustomerId);
        builder.Property(c => c.CustomerId).ValueGeneratedNever();
        builder.Property(c => c.Language).HasMaxLength(10);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Ignore(c => c.Quiet);
        builder.OwnsMany(c => c.Recipients, r =>
        {
            r.ToTable("notification_recipients");
            r.WithOwner().HasForeignKey("customer_id");
            r.Property<int>("id");
            r.HasKey("id");
            r.Property(x => x.Name).HasMaxLength(400);
            r.Property(x => x.Email).HasMaxLength(1000);
            r.Property(x => x.Phone).HasMaxLength(160);
            r.Property(x => x.WeComUserId).HasMaxLength(256);
            r.Property(x => x.Language).HasMaxLength(10);
            r.Property(x => x.Events).HasMaxLength(1000);
            r.Property(x => x.Channels).HasMaxLength(100);
            r.Ignore(x => x.EventList);
            r.Ignore(x => x.ChannelList);
        });
        builder.Navigation(c => c.Recipients).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

public sealed class OutgoingMessageConfiguration : IEntityTypeConfiguration<OutgoingMessage>
{
    public void Configure(EntityTypeBuilder<OutgoingMessage> builder)
    {
        builder.ToTable("outgoing_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.EventType).HasMaxLength(100);
        builder.Property(m => m.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.State).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.Recipient).HasMaxLength(320);
        builder.Property(m => m.Target).HasMaxLength(100);
        builder.Property(m => m.Language).HasMaxLength(10);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.MessageId).HasMaxLength(100);
        // One message per event, channel and recipient, however often the event is delivered.
        builder.HasIndex(m => new { m.EventId, m.Channel, m.Recipient }).IsUnique();
        builder.HasIndex(m => new { m.State, m.NotBefore });
        builder.HasIndex(m => new { m.Channel, m.Recipient, m.SentAt });
        builder.HasIndex(m => m.MessageId);
        builder.HasIndex(m => new { m.Target, m.CreatedAt });
    }
}

public sealed class StatusLinkConfiguration : IEntityTypeConfiguration<StatusLink>
{
    public void Configure(EntityTypeBuilder<StatusLink> builder)
    {
        builder.ToTable("status_links");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.OrderId);
        builder.Property(s => s.Language).HasMaxLength(10);
    }
}

public sealed class OrderMailboxConfiguration : IEntityTypeConfiguration<OrderMailbox>
{
    public void Configure(EntityTypeBuilder<OrderMailbox> builder)
    {
        builder.ToTable("order_mailboxes");
        builder.HasKey(m => m.OrderId);
        builder.Property(m => m.OrderId).ValueGeneratedNever();
        builder.Property(m => m.Token).HasMaxLength(40);
        builder.HasIndex(m => m.Token).IsUnique();
    }
}

public sealed class SurveyInvitationConfiguration : IEntityTypeConfiguration<SurveyInvitation>
{
    public void Configure(EntityTypeBuilder<SurveyInvitation> builder)
    {
        builder.ToTable("survey_invitations");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.TokenHash).HasMaxLength(64);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.OrderId).IsUnique();
        builder.Property(s => s.Language).HasMaxLength(10);
    }
}

public sealed class SurveyResponseConfiguration : IEntityTypeConfiguration<SurveyResponse>
{
    public void Configure(EntityTypeBuilder<SurveyResponse> builder)
    {
        builder.ToTable("survey_responses");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasIndex(s => s.InvitationId).IsUnique();
        builder.HasIndex(s => s.AnsweredAt);
        builder.Property(s => s.Comment).HasMaxLength(8000);
        builder.Property(s => s.Region).HasMaxLength(256);
    }
}

public sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.Property(w => w.Url).HasMaxLength(2000);
        builder.Property(w => w.Events).HasMaxLength(2000);
        builder.Property(w => w.ProtectedSecret).HasMaxLength(2000);
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.Ignore(w => w.EventList);
    }
}

public sealed class UnmatchedMessageConfiguration : IEntityTypeConfiguration<UnmatchedMessage>
{
    public void Configure(EntityTypeBuilder<UnmatchedMessage> builder)
    {
        builder.ToTable("unmatched_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.ExternalId).HasMaxLength(Interaction.ExternalIdMaxLength * 4);
        builder.Property(m => m.Sender).HasMaxLength(128 * 4);
        builder.Property(m => m.MessageType).HasMaxLength(32);
        // The same channel message is kept once.
        builder.HasIndex(m => new { m.Channel, m.ExternalId }).IsUnique();
        builder.HasIndex(m => m.ReceivedAt);
    }
}
