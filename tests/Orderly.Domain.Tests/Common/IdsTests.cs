using System.Collections.Concurrent;
using Orderly.Domain.Common;

namespace Orderly.Domain.Tests.Common;

public sealed class IdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 8, 30, 15, 123, TimeSpan.Zero);

    // How SQLite orders them (EF stores a Guid as upper-case text) and how PostgreSQL orders a uuid (its bytes).
    private static string Text(Guid id) => id.ToString().ToUpperInvariant();

    private static byte[] Bytes(Guid id) => id.ToByteArray(bigEndian: true);

    [Fact]
    public void New_InOneMillisecond_IncreasesInTextAndInByteOrder()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.New(At)).ToList();

        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(Text(ids[i - 1]), Text(ids[i])) < 0, $"text order broken at {i}: {ids[i - 1]} then {ids[i]}");
            Assert.True(Bytes(ids[i - 1]).AsSpan().SequenceCompareTo(Bytes(ids[i])) < 0, $"byte order broken at {i}");
        }
    }

    [Fact]
    public void New_IsAVersion7UuidCarryingTheMillisecond()
    {
        var id = Ids.New(At);
        var bytes = Bytes(id);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, bytes[8] >> 6);
        var ms = 0L;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        Assert.Equal(At.ToUnixTimeMilliseconds(), ms);
        // The same first 48 bits as the framework's own version 7 id for the same instant.
        Assert.Equal(Bytes(Guid.CreateVersion7(At))[..6], bytes[..6]);
    }

    [Fact]
    public void New_OrdersByTimeFirst_WhateverTheOrderOfCreation()
    {
        var later = Ids.New(At.AddMilliseconds(1));
        var earlier = Ids.New(At);

        Assert.True(string.CompareOrdinal(Text(earlier), Text(later)) < 0);
    }

    [Fact]
    public void New_FromManyThreads_IsUniqueAndIncreasesWithinEachThread()
    {
        var all = new ConcurrentDictionary<Guid, byte>();
        var broken = 0;
        Parallel.For(0, 8, _ =>
        {
            var previous = Guid.Empty;
            for (var i = 0; i < 20_000; i++)
            {
                var id = Ids.New(At);
                if (!all.TryAdd(id, 0) || (previous != Guid.Empty && string.CompareOrdinal(Text(previous), Text(id)) >= 0))
                {
                    Interlocked.Increment(ref broken);
                }

                previous = id;
            }
        });

        Assert.Equal(0, broken);
        Assert.Equal(160_000, all.Count);
    }

    [Fact]
    public void New_BeforeTheUnixEpoch_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ids.New(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(7, Ids.New(DateTimeOffset.UnixEpoch).Version);
    }
}
