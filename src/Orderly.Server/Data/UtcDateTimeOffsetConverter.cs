using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Orderly.Server.Data;

public sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTime>(
    v => v.UtcDateTime,
    v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
