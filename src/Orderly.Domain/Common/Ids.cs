using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Orderly.Domain.Common;

/// <summary>
/// Ids of new records: UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds, like
/// <see cref="Guid.CreateVersion7(DateTimeOffset)"/>, but in creation order within a millisecond too. The 42 bits after
/// the time hold a counter (RFC 9562 section 6.2, method 1: a fixed-length dedicated counter), started at a random
/// value in each process, and the last 32 bits are random (not secret: no id is a credential; links and tokens carry
/// their own secrets).
/// <para>
/// Why: an import or a bulk write creates thousands of records with the same timestamp. With random bits after the
/// time, each new key lands at a random place in the primary-key index and in every index holding the id (the audit
/// trail's entity index), so a batch rewrites pages all over those indexes. In creation order, each batch appends.
/// </para>
/// Ids made by different processes in the same millisecond interleave, and stay unique by their random bits and
/// counters. Ids are never compared for anything but equality and index order.
/// </summary>
public static class Ids
{
    private const long CounterMask = (1L << 42) - 1;

    // Below 2^40, so 2^42 - 2^40 ids go by before the counter wraps.
    private static long _counter = RandomNumberGenerator.GetInt32(int.MaxValue) * (1L << 9);

    /// <summary>A new id for a record created now.</summary>
    public static Guid New() => New(DateTimeOffset.UtcNow);

    /// <summary>A new id for a record created at <paramref name="at"/> (from 1970 on, as for any UUID version 7; year 9999 still fits its 48 bits of milliseconds).</summary>
    public static Guid New(DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(ms, nameof(at));
        var count = Interlocked.Increment(ref _counter) & CounterMask;
        Span<byte> bytes = stackalloc byte[16];
        bytes[0] = (byte)(ms >> 40);
        bytes[1] = (byte)(ms >> 32);
        bytes[2] = (byte)(ms >> 24);
        bytes[3] = (byte)(ms >> 16);
        bytes[4] = (byte)(ms >> 8);
        bytes[5] = (byte)ms;
        bytes[6] = (byte)(0x70 | ((count >> 38) & 0x0F)); // version 7, then 12 bits of counter (rand_a)
        bytes[7] = (byte)(count >> 30);
        bytes[8] = (byte)(0x80 | ((count >> 24) & 0x3F)); // variant 10, then the counter's last 30 bits
        bytes[9] = (byte)(count >> 16);
        bytes[10] = (byte)(count >> 8);
        bytes[11] = (byte)count;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], (uint)Random.Shared.NextInt64());
        return new Guid(bytes, bigEndian: true);
    }
}
