using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Common;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

/// <param name="Settings">The connector's own settings (see docs/integrations.md for each kind's fields); never its secrets.</param>
/// <param name="SyncEveryMinutes">How often the scheduled inbound sync polls; null when it only syncs on demand and on pushes.</param>
public sealed record ConnectorDto(string Kind, bool Enabled, bool Available, JsonObject? Settings, IReadOnlyList<string> SecretsSet, DateTimeOffset? LastSyncAt, int? SyncEveryMinutes = null);

/// <param name="Settings">The kind's settings object (fields per kind in docs/integrations.md); unknown fields are refused.</param>
/// <param name="Secrets">Merged into the stored secrets: a key sent empty is removed, a key left out is kept.</param>
/// <param name="SyncEveryMinutes">The poll schedule in minutes (1 to 10080); 0 turns it off; left out, it is kept.</param>
public sealed record ConnectorRequest(bool Enabled, JsonObject? Settings = null, Dictionary<string, string>? Secrets = null, int? SyncEveryMinutes = null);

public sealed record SyncResult(Guid RunId, int Created, int Updated, int Unchanged, int Failed);

public sealed record ConnectorTestResult(bool Ok, string? Code, string Message);

public sealed record SyncLogDto(long Id, Guid RunId, string Direction, string ObjectType, string? ExternalId, Guid? LocalId, string Outcome, string? Message, DateTimeOffset At);

/// <summary>
/// Connector settings (secrets encrypted with ASP.NET Core Data Protection, whose keys live in the database), test
/// connection, the sync runs and their log. Each kind's client maps the vendor's records to Orderly's terms; the
/// sweep itself (<see cref="ConnectorInbound"/>) is the same for all.
/// </summary>
public sealed class ConnectorService(
    OrderlyDbContext db, Writes writes, IDataProtectionProvider protection, IHttpClientFactory clients, ConnectorTokenCache tokens,
    Microsoft.Extensions.Options.IOptions<ConnectorRetryOptions> retry, ConnectorInbound inbound, TimeProvider time)
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
    private readonly IDataProtector _protector = protection.CreateProtector("Orderly.Integration.ConnectorSecrets.v1");
    private Dictionary<string, string>? _pushing;

    public static bool IsAvailable(string kind) => ConnectorKinds.All.Contains(kind);

    public async Task<List<ConnectorDto>> ListAsync(CancellationToken ct)
    {
        var configs = await db.Set<ConnectorConfig>().AsNoTracking().ToDictionaryAsync(c => c.Kind, ct);
        return [.. ConnectorKinds.All.Select(k => ToDto(k, configs.GetValueOrDefault(k)))];
    }

    public async Task<ConnectorDto> SaveAsync(string kind, ConnectorRequest request, CancellationToken ct)
    {
        CheckKind(kind);
        string? settingsJson = null;
        if (request.Settings is { } raw)
        {
            var settings = ParseSettings(kind, raw.ToJsonString(), "settings");
            settingsJson = JsonSerializer.Serialize(settings, settings.GetType(), VendorJson.Options);
        }

        if (request.SyncEveryMinutes is < 0 or > 10_080)
        {
            throw new RuleViolationException("syncEveryMinutes", "OutOfRange", "syncEveryMinutes is 1 to 10080 (a week), or 0 for no schedule.");
        }

        var config = await writes.RunAsync(async token =>
        {
            var config = await db.Set<ConnectorConfig>().FirstOrDefaultAsync(c => c.Kind == kind, token);
            if (config is null)
            {
                config = new ConnectorConfig(kind, time.GetUtcNow());
                db.Set<ConnectorConfig>().Add(config);
            }

            config.Enabled = request.Enabled;
            if (request.SyncEveryMinutes is { } every)
            {
                config.SyncEveryMinutes = every == 0 ? null : every;
            }
            if (settingsJson is not null)
            {
                config.SettingsJson = settingsJson;
            }

            if (request.Secrets is { Count: > 0 } secrets)
            {
                var merged = Secrets(config);
                foreach (var (key, value) in secrets)
                {
                    if (string.IsNullOrEmpty(value))
                    {
                        merged.Remove(key);
                    }
                    else
                    {
                        merged[key] = value;
                    }
                }

                config.ProtectedSecrets = _protector.Protect(JsonSerializer.Serialize(merged, VendorJson.Options));
            }

            config.UpdatedAt = time.GetUtcNow();
            return config;
        }, ct);
        return ToDto(kind, config);
    }

    public async Task<ConnectorTestResult> TestAsync(string kind, CancellationToken ct)
    {
        var config = await ConfigAsync(kind, ct);
        try
        {
            await Client(config).TestAsync(ct);
            return new ConnectorTestResult(true, null, "Connected.");
        }
        catch (ConnectorException e)
        {
            return new ConnectorTestResult(false, e.Code, e.Message);
        }
        catch (HttpRequestException e)
        {
            return new ConnectorTestResult(false, "Unreachable", e.Message);
        }
    }

    public async Task<List<SyncLogDto>> LogAsync(string kind, Guid? runId, int? limit, CancellationToken ct)
    {
        CheckKind(kind);
        var query = db.Set<SyncLogEntry>().AsNoTracking().Where(e => e.Connector == kind);
        if (runId is { } run)
        {
            query = query.Where(e => e.RunId == run);
        }

        return await query.OrderByDescending(e => e.Id).Take(Paging.Clamp(limit))
            .Select(e => new SyncLogDto(e.Id, e.RunId, e.Direction, e.ObjectType, e.ExternalId, e.LocalId, e.Outcome.ToString(), e.Message, e.At)).ToListAsync(ct);
    }

    /// <summary>
    /// One inbound sweep of every object the connector brings in (or of <paramref name="only"/> that one). A full sweep
    /// (on demand) reads everything; an incremental one (the schedule, the vendor's pushes) reads only what changed since
    /// the stored cursors. Both move the cursors of the objects they swept to the end.
    /// </summary>
    public async Task<SyncResult> SyncAsync(string kind, CancellationToken ct, string? only = null, bool incremental = false)
    {
        var config = await ConfigAsync(kind, ct);
        if (!config.Enabled)
        {
            throw new ConflictException("ConnectorDisabled", $"The {kind} connector is disabled.");
        }

        var stored = Cursors(config.CursorsJson);
        var cursors = incremental ? new Dictionary<string, DateTimeOffset>(stored) : [];
        var result = await inbound.RunAsync(Client(config), ct, only, cursors, resume: incremental);
        await writes.RunAsync(async token =>
        {
            var fresh = await db.Set<ConnectorConfig>().FirstAsync(c => c.Kind == kind, token);
            var merged = Cursors(fresh.CursorsJson);
            foreach (var (objectType, at) in cursors)
            {
                // Never move a cursor back: a slower run that started earlier may finish after a later one.
                if (!merged.TryGetValue(objectType, out var was) || was < at)
                {
                    merged[objectType] = at;
                }
            }

            fresh.CursorsJson = JsonSerializer.Serialize(merged, VendorJson.Options);
            if (only is null)
            {
                fresh.LastSyncAt = time.GetUtcNow();
            }
        }, ct);
        return result;
    }

    /// <summary>
    /// Whether the kind's connector is enabled with sales orders going out. The configurations are read once per scope:
    /// the event dispatcher asks for each order-push subscriber of a delivered batch, and they share one query.
    /// </summary>
    public async Task<bool> PushesOrdersAsync(string kind, CancellationToken ct)
    {
        _pushing ??= await db.Set<ConnectorConfig>().AsNoTracking().Where(c => c.Enabled).ToDictionaryAsync(c => c.Kind, c => c.SettingsJson, ct);
        return _pushing.TryGetValue(kind, out var settings) && ParseSettings(kind, settings, "settings").SalesOrdersOut;
    }

    /// <summary>The enabled connector's client, or null when it is not configured or disabled.</summary>
    public async Task<IConnectorClient?> EnabledClientAsync(string kind, CancellationToken ct)
    {
        var config = await db.Set<ConnectorConfig>().AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct);
        return config is { Enabled: true } ? Client(config) : null;
    }

    /// <summary>What a vendor push is checked against: whether the connector is enabled, its settings and its secrets (null when not configured).</summary>
    public async Task<(bool Enabled, IConnectorSettings Settings, IReadOnlyDictionary<string, string> Secrets)?> PushConfigAsync(string kind, CancellationToken ct)
    {
        var config = await db.Set<ConnectorConfig>().AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct);
        return config is null ? null : (config.Enabled, ParseSettings(kind, config.SettingsJson, "settings"), Secrets(config));
    }

    /// <summary>The connector's client whatever its state (for the Zoho notification registration).</summary>
    public async Task<IConnectorClient> ClientAsync(string kind, CancellationToken ct) => Client(await ConfigAsync(kind, ct));

    private IConnectorClient Client(ConnectorConfig config)
    {
        var secrets = Secrets(config);
        var http = clients.CreateClient("connectors");
        var policy = new ConnectorRetry(retry.Value);
        return ParseSettings(config.Kind, config.SettingsJson, "settings") switch
        {
            ZohoSettings zoho => (IConnectorClient)new ZohoCrmClient(http, tokens, zoho, new ZohoSecrets(secrets.GetValueOrDefault("clientSecret"), secrets.GetValueOrDefault("refreshToken")), policy),
            FxiaokeSettings fx => new FxiaokeClient(http, tokens, fx, secrets.GetValueOrDefault("appSecret"), secrets.GetValueOrDefault("permanentCode"), policy),
            KingdeeSettings kd => new KingdeeClient(http, tokens, kd, secrets.GetValueOrDefault("password"), secrets.GetValueOrDefault("appSecret"), policy, time),
            YonyouSettings yy => new YonyouClient(http, tokens, yy, secrets.GetValueOrDefault("appSecret"), policy, time),
            var other => throw new InvalidOperationException($"No client for {other.GetType().Name}."),
        };
    }

    /// <summary>Reads a kind's settings, refusing unknown fields, and checks them.</summary>
    public static IConnectorSettings ParseSettings(string kind, string json, string field)
    {
        try
        {
            var settings = kind switch
            {
                ConnectorKinds.ZohoCrm => (IConnectorSettings?)JsonSerializer.Deserialize<ZohoSettings>(json, Strict),
                ConnectorKinds.Fxiaoke => JsonSerializer.Deserialize<FxiaokeSettings>(json, Strict),
                ConnectorKinds.Kingdee => JsonSerializer.Deserialize<KingdeeSettings>(json, Strict),
                _ => JsonSerializer.Deserialize<YonyouSettings>(json, Strict),
            } ?? throw new RuleViolationException(field, "InvalidSettings", $"{field} is empty.");
            switch (settings)
            {
                case ZohoSettings zoho:
                    zoho.Validate();
                    break;
                case FxiaokeSettings fx when fx.PageSize is < 1 or > 1000:
                    throw new RuleViolationException(field + ".pageSize", "OutOfRange", "pageSize is 1 to 1000.");
                case KingdeeSettings kd when kd.Limit is < 1 or > 10_000:
                    throw new RuleViolationException(field + ".limit", "OutOfRange", "limit is 1 to 10000.");
            }

            return settings;
        }
        catch (JsonException e)
        {
            throw new RuleViolationException(field, "InvalidSettings", $"{field}: {e.Message}");
        }
    }

    private async Task<ConnectorConfig> ConfigAsync(string kind, CancellationToken ct)
    {
        CheckKind(kind);
        return await db.Set<ConnectorConfig>().AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct)
            ?? throw new ConflictException("ConnectorNotConfigured", $"Configure the {kind} connector first (PUT /api/connectors/{kind}).");
    }

    private static Dictionary<string, DateTimeOffset> Cursors(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(json, VendorJson.Options) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The scheduled poll: an incremental sync of each enabled connector whose schedule is due; one connector failing
    /// (the vendor down) is logged and leaves the others to run.
    /// </summary>
    public async Task<int> RunDueAsync(ILogger log, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var configs = await db.Set<ConnectorConfig>().AsNoTracking().Where(c => c.Enabled && c.SyncEveryMinutes != null).ToListAsync(ct);
        var ran = 0;
        foreach (var config in configs.Where(c => c.LastSyncAt is not { } last || last.AddMinutes(c.SyncEveryMinutes!.Value) <= now.AddSeconds(20)))
        {
            try
            {
                var result = await SyncAsync(config.Kind, ct, incremental: true);
                ran++;
                log.LogInformation("Scheduled sync of {Connector}: {Created} created, {Updated} updated, {Failed} failed", config.Kind, result.Created, result.Updated, result.Failed);
            }
            catch (Exception e) when (e is ConnectorException or HttpRequestException or ConflictException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                db.ChangeTracker.Clear();
                log.LogWarning("Scheduled sync of {Connector} failed: {Reason}", config.Kind, e.Message);
            }
        }

        return ran;
    }

    private Dictionary<string, string> Secrets(ConnectorConfig config) =>
        config.ProtectedSecrets is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(_protector.Unprotect(config.ProtectedSecrets), VendorJson.Options) ?? [];

    private ConnectorDto ToDto(string kind, ConnectorConfig? config)
    {
        var settings = ParseSettings(kind, config?.SettingsJson ?? "{}", "settings");
        return new ConnectorDto(kind, config?.Enabled ?? false, IsAvailable(kind), JsonSerializer.SerializeToNode(settings, settings.GetType(), VendorJson.Options)!.AsObject(),
            config is null ? [] : [.. Secrets(config).Keys.Order()], config?.LastSyncAt, config?.SyncEveryMinutes);
    }

    private static void CheckKind(string kind)
    {
        if (!ConnectorKinds.All.Contains(kind))
        {
            throw new NotFoundException("Connector", kind);
        }
    }
}
