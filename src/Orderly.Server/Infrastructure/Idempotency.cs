using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Data;

namespace Orderly.Server.Infrastructure;

public enum IdempotencyState
{
    InProgress,
    Completed,
}

/// <summary>A client's Idempotency-Key, the hash of the body it came with, and the response once there is one.</summary>
public sealed class IdempotencyRecord
{
    public required string Scope { get; init; }
    public required string Key { get; init; }
    public required string RequestHash { get; init; }
    public IdempotencyState State { get; set; }
    public int StatusCode { get; set; }
    public string? Location { get; set; }
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public sealed record IdempotentReplay(int StatusCode, string? Location, string Body);

/// <summary>
/// Idempotency-Key handling for creating POSTs: the key is claimed in a short transaction of its own, the
/// work commits the response together with what it created, and a replay returns that response byte for byte.
/// Same key + other body -> 422; a retry while the first is still running -> 409.
/// </summary>
public sealed class Idempotency(OrderlyDbContext db, WriteGate gate, TimeProvider time)
{
    public const int MaxKeyLength = 100;

    /// <summary>A claim older than this belongs to a request that died; it may be taken over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public static string HashOf(ReadOnlySpan<byte> body) => Convert.ToHexString(SHA256.HashData(body));

    /// <summary>
    /// A creating POST that honours an Idempotency-Key. <paramref name="create"/> receives, when a key was sent, a
    /// callback to run inside its transaction: it stores the response with what was created, so a replay returns it
    /// byte for byte. A failed request frees the key. <paramref name="created"/> sees the new resource (e.g. its ETag).
    /// </summary>
    public async Task<IResult> CreateAsync<TRequest, TDto>(
        HttpContext http, JsonSerializerOptions json, string resource, Guid? actor, TRequest request,
        Func<Func<TDto, CancellationToken, Task>?, Task<TDto>> create, Func<TDto, string> locationOf, Action<TDto>? created = null)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length == 0)
        {
            var made = await create(null);
            created?.Invoke(made);
            return TypedResults.Created(locationOf(made), made);
        }

        var scope = $"{resource}:{actor}";
        if (await ClaimAsync(scope, key, HashOf(JsonSerializer.SerializeToUtf8Bytes(request, json)), http.RequestAborted) is { } replay)
        {
            http.Response.Headers.Location = replay.Location;
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return Results.Text(replay.Body, "application/json", Encoding.UTF8, replay.StatusCode);
        }

        try
        {
            var body = "";
            var dto = await create(async (dto, token) =>
            {
                body = JsonSerializer.Serialize(dto, json);
                await CompleteAsync(scope, key, StatusCodes.Status201Created, locationOf(dto), body, token);
            });
            created?.Invoke(dto);
            http.Response.Headers.Location = locationOf(dto);
            return Results.Text(body, "application/json", Encoding.UTF8, StatusCodes.Status201Created);
        }
        catch
        {
            await ReleaseAsync(scope, key);
            throw;
        }
    }

    /// <summary>Claims the key; returns the stored response when the request was already completed.</summary>
    public async Task<IdempotentReplay?> ClaimAsync(string scope, string key, string requestHash, CancellationToken ct)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            throw new Orderly.Domain.Common.RuleViolationException("Idempotency-Key", "InvalidIdempotencyKey", $"An Idempotency-Key has 1 to {MaxKeyLength} characters.");
        }

        using var entered = await gate.EnterAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO idempotency_records (\"scope\", \"key\", request_hash, \"state\", status_code, created_at) VALUES ({scope}, {key}, {requestHash}, {nameof(IdempotencyState.InProgress)}, 0, {now.UtcDateTime}) ON CONFLICT (\"scope\", \"key\") DO NOTHING",
            ct);
        if (inserted == 1)
        {
            await transaction.CommitAsync(ct);
            return null;
        }

        var existing = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Scope == scope && r.Key == key, ct);
        if (existing.RequestHash != requestHash)
        {
            throw new Orderly.Domain.Common.RuleViolationException("Idempotency-Key", "IdempotencyKeyReused",
                "This Idempotency-Key was already used with a different request body.");
        }

        if (existing.State == IdempotencyState.Completed)
        {
            return new IdempotentReplay(existing.StatusCode, existing.Location, existing.ResponseBody ?? "");
        }

        if (now - existing.CreatedAt < AbandonedAfter)
        {
            throw new ConflictException("IdempotentRequestInProgress", "A request with this Idempotency-Key is still being processed; retry shortly.");
        }

        // Only one of many retries may take over an abandoned claim: the one whose update still sees it as it was read.
        var seen = existing.CreatedAt;
        var taken = await db.IdempotencyRecords
            .Where(r => r.Scope == scope && r.Key == key && r.State == IdempotencyState.InProgress && r.CreatedAt == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, now), ct);
        if (taken != 1)
        {
            throw new ConflictException("IdempotentRequestInProgress", "A request with this Idempotency-Key is still being processed; retry shortly.");
        }

        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>Stores the response; call inside the transaction that commits the created resource.</summary>
    public Task CompleteAsync(string scope, string key, int statusCode, string? location, string body, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.IdempotencyRecords.Where(r => r.Scope == scope && r.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, IdempotencyState.Completed)
            .SetProperty(r => r.StatusCode, statusCode)
            .SetProperty(r => r.Location, location)
            .SetProperty(r => r.ResponseBody, body)
            .SetProperty(r => r.CompletedAt, now), ct);
    }

    /// <summary>Frees the key after the request failed, so that a corrected retry can use it.</summary>
    public async Task ReleaseAsync(string scope, string key)
    {
        using var entered = await gate.EnterAsync(CancellationToken.None);
        await db.IdempotencyRecords.Where(r => r.Scope == scope && r.Key == key && r.State == IdempotencyState.InProgress)
            .ExecuteDeleteAsync(CancellationToken.None);
    }
}
