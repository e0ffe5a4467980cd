using Orderly.Domain.Integration;

namespace Orderly.Domain.Tests.Integration;

public sealed class SyncPositionTests
{
    [Fact]
    public void CompareTo_OrdersByStampThenKey_MissingStampsFirst_NumericKeysAsNumbers()
    {
        SyncPosition[] shuffled =
        [
            new("2026-11-01 09:00:00", "10"), new("2026-11-01 08:00:00", "9"), new(null, "2"), new("2026-11-01 09:00:00", "9"), new(null, "10"),
        ];

        var sorted = shuffled.Order(SyncPosition.ListingOrder).ToList();

        Assert.Equal([new(null, "2"), new(null, "10"), new("2026-11-01 08:00:00", "9"), new("2026-11-01 09:00:00", "9"), new SyncPosition("2026-11-01 09:00:00", "10")], sorted);
    }

    [Fact]
    public void CompareKeys_WhenEitherKeyIsNotANumber_ComparesOrdinally() =>
        Assert.True(SyncPosition.CompareKeys("KD10", "KD9") < 0);

    [Fact]
    public void Rewind_MovesTheStampBackAndDropsTheKey_KeepingTheVendorsLayout()
    {
        Assert.Equal(new SyncPosition("2026-11-01T07:58:00", null), new SyncPosition("2026-11-01T08:00:00.497", "100023").Rewind(TimeSpan.FromMinutes(2)));
        Assert.Equal(new SyncPosition("2026-10-31 23:59:30", null), new SyncPosition("2026-11-01 00:01:30", "7").Rewind(TimeSpan.FromMinutes(2)));
        Assert.Equal(new SyncPosition(null, null), new SyncPosition(null, "7").Rewind(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Cursor_ResumesRightAfterACutOffSweep_AndBeforeTheEndOfAFinishedOne()
    {
        var now = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        var cursor = new SyncCursor("kingdee", "product", now);
        Assert.Null(cursor.ResumeFrom(TimeSpan.FromMinutes(2)));

        cursor.Advance(new SyncPosition("2026-11-01T08:00:00", "100023"), now);
        Assert.Equal(new SyncPosition("2026-11-01T08:00:00", "100023"), cursor.ResumeFrom(TimeSpan.FromMinutes(2)));

        cursor.Finish(now);
        Assert.Equal(new SyncPosition("2026-11-01T07:58:00", null), cursor.ResumeFrom(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Cursor_DoesNotStoreAPositionLongerThanItsColumns()
    {
        var cursor = new SyncCursor("kingdee", "product", DateTimeOffset.UnixEpoch);
        cursor.Advance(new SyncPosition("2026-11-01T08:00:00", "1"), DateTimeOffset.UnixEpoch);

        cursor.Advance(new SyncPosition("2026-11-01T09:00:00", new string('k', SyncPosition.KeyMaxLength + 1)), DateTimeOffset.UnixEpoch);

        Assert.Equal(new SyncPosition("2026-11-01T08:00:00", "1"), cursor.Position);
    }
}
