using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Catalog;
using Orderly.Domain.Common;
using Orderly.Domain.Customers;
using Orderly.Domain.Integration;
using Orderly.Server.Data;
using Orderly.Server.Infrastructure;

namespace Orderly.Server.Integration;

public sealed record ConnectorDto(string Kind, bool Enabled, bool Available, ZohoSettings? Settings, IReadOnlyList<string> SecretsSet, DateTimeOffset? LastSyncAt);

/// <summary>Settings are Zoho's today; each connector that is added brings its own settings record.</summary>
public sealed record ConnectorRequest(bool Enabled, ZohoSettings? Settings = null, Dictionary<string, string>? Secrets = null);

public sealed record SyncResult(Guid RunId, int Created, int Updated, int Unchanged, int Failed);

public sealed record ConnectorTestResult(bool Ok, string? Code, string Message);

public sealed record SyncLogDto(long Id, Guid RunId, string Direction, string ObjectType, string? ExternalId, Guid? LocalId, string Outcome, string? Message, DateTimeOffset At);

/// <summary>
/// Connector settings (secrets encrypted with ASP.NET Core Data Protection, whose keys live in the database), test
/// connection, the sync runs and their log. Zoho CRM is implemented: Accounts and Products come in, mapped through the
/// external-id map so a run repeated after any failure creates nothing twice and an unchanged record writes nothing.
/// </summary>
public sealed class ConnectorService(
    OrderlyDbContext db, Writes writes, IDataProtectionProvider protection, IHttpClientFactory clients, ConnectorTokenCache tokens,
    Microsoft.Extensions.Options.IOptions<ConnectorRetryOptions> retry, TimeProvider time, ILogger<ConnectorService> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDataProtector _protector = protection.CreateProtector("Orderly.Integration.ConnectorSecrets.v1");

    public static bool IsAvailable(string kind) => kind == ConnectorKinds.ZohoCrm;

    public async Task<List<ConnectorDto>> ListAsync(CancellationToken ct)
    {
        var configs = await db.Set<ConnectorConfig>().AsNoTracking().ToDictionaryAsync(c => c.Kind, ct);
        return [.. ConnectorKinds.All.Select(k => ToDto(k, configs.GetValueOrDefault(k)))];
    }

    public async Task<ConnectorDto> SaveAsync(string kind, ConnectorRequest request, CancellationToken ct)
    {
        CheckKind(kind);
        if (kind == ConnectorKinds.ZohoCrm && request.Settings is { } settings)
        {
            if (settings.ApiUrl is null && !ZohoSettings.DataCentres.Contains(settings.DataCentre, StringComparer.OrdinalIgnoreCase))
            {
                throw new RuleViolationException("settings.dataCentre", "UnknownDataCentre", $"dataCentre is one of {string.Join(", ", ZohoSettings.DataCentres)}.");
            }

            if (settings.PerPage is < 1 or > 200)
            {
                throw new RuleViolationException("settings.perPage", "OutOfRange", "perPage is 1 to 200.");
            }
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
            if (request.Settings is { } settings)
            {
                config.SettingsJson = JsonSerializer.Serialize(settings, Json);
            }

            if (request.Secrets is { Count: > 0 } secrets)
            {
                // Secrets merge: a key sent empty is removed, a key left out keeps its stored value.
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

                config.ProtectedSecrets = _protector.Protect(JsonSerializer.Serialize(merged, Json));
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
            await Zoho(config).TestAsync(ct);
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

    /// <summary>One inbound sweep of every object the connector brings in.</summary>
    public async Task<SyncResult> SyncAsync(string kind, CancellationToken ct)
    {
        var config = await ConfigAsync(kind, ct);
        if (!config.Enabled)
        {
            throw new ConflictException("ConnectorDisabled", $"The {kind} connector is disabled.");
        }

        var settings = Deserialize<ZohoSettings>(config.SettingsJson, "settings");
        var client = Zoho(config);
        var run = new Run(Guid.CreateVersion7(time.GetUtcNow()), kind);
        try
        {
            if (settings.ProductsIn)
            {
                await SyncProductsAsync(client, settings, run, ct);
            }

            if (settings.AccountsIn)
            {
                await SyncAccountsAsync(client, settings, run, ct);
            }
        }
        catch (ConnectorException e)
        {
            log.LogWarning("Sync of {Connector} stopped: {Reason}", kind, e.Message);
            await FlushAsync(run, [new SyncLogEntry(kind, run.Id, "in", "run", null, null, SyncOutcome.Failed, e.Message, time.GetUtcNow())], ct);
            throw;
        }

        await writes.RunAsync(async token =>
        {
            var fresh = await db.Set<ConnectorConfig>().FirstAsync(c => c.Kind == kind, token);
            fresh.LastSyncAt = time.GetUtcNow();
        }, ct);
        return new SyncResult(run.Id, run.Created, run.Updated, run.Unchanged, run.Failed);
    }

    private sealed class Run(Guid id, string connector)
    {
        public Guid Id { get; } = id;
        public string Connector { get; } = connector;
        public int Created { get; set; }
        public int Updated { get; set; }
        public int Unchanged { get; set; }
        public int Failed { get; set; }
    }

    private sealed record Incoming(string ExternalId, string Fingerprint, JsonElement Record);

    private Task SyncProductsAsync(ZohoCrmClient client, ZohoSettings settings, Run run, CancellationToken ct) =>
        SweepAsync(client.ListAsync("Products", "Product_Name,Product_Code,Unit_Price,Product_Active,Usage_Unit", ct), "product", run, async (batch, entries, token) =>
        {
            var ids = batch.Select(b => b.ExternalId).ToList();
            var links = await LinksAsync(run.Connector, "product", ids, token);
            var localIds = links.Values.Select(l => l.LocalId).ToList();
            var products = await db.Products.Where(p => localIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, token);
            var skus = batch.Select(b => Str(b.Record, "Product_Code") ?? $"ZOHO-{b.ExternalId}").ToList();
            var bySku = await db.Products.Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, token);
            foreach (var item in batch)
            {
                var r = item.Record;
                var sku = Str(r, "Product_Code") ?? $"ZOHO-{item.ExternalId}";
                links.TryGetValue(item.ExternalId, out var link);
                var product = link is not null ? products.GetValueOrDefault(link.LocalId) : bySku.GetValueOrDefault(sku);
                if (link?.Fingerprint == item.Fingerprint && product is not null)
                {
                    run.Unchanged++;
                    entries.Add(Log(run, "product", item.ExternalId, product.Id, SyncOutcome.Unchanged, null));
                    continue;
                }

                try
                {
                    var price = Dec(r, "Unit_Price") ?? 0m;
                    var details = new ProductDetails(sku, Str(r, "Product_Name") ?? sku, Str(r, "Usage_Unit") ?? "pcs",
                        product is not null && settings.OrderlyOwnsField("products.listPrice") ? product.ListPrice.Amount : Math.Round(price, 2),
                        product?.Currency, product?.Category, product?.MinPrice.Amount is { } min && min <= price ? min : null, product?.Cost.Amount,
                        product?.IsWholeUnit ?? true, r.TryGetProperty("Product_Active", out var active) && active.ValueKind == JsonValueKind.False ? false : true,
                        product?.AllowBackorder ?? true);
                    if (product is null)
                    {
                        product = new Product(details, time.GetUtcNow());
                        db.Products.Add(product);
                        bySku[sku] = product;
                        run.Created++;
                        entries.Add(Log(run, "product", item.ExternalId, product.Id, SyncOutcome.Created, null));
                    }
                    else
                    {
                        product.Update(details, time.GetUtcNow());
                        run.Updated++;
                        entries.Add(Log(run, "product", item.ExternalId, product.Id, SyncOutcome.Updated, null));
                    }

                    Link(run.Connector, "product", item, product.Id, link);
                }
                catch (RuleViolationException e)
                {
                    run.Failed++;
                    entries.Add(Log(run, "product", item.ExternalId, product?.Id, SyncOutcome.Failed, string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Code}"))));
                }
            }
        }, ct);

    private Task SyncAccountsAsync(ZohoCrmClient client, ZohoSettings settings, Run run, CancellationToken ct) =>
        SweepAsync(client.ListAsync("Accounts", "Account_Name,Account_Number,Phone,Billing_City,Billing_Street", ct), "customer", run, async (batch, entries, token) =>
        {
            var ids = batch.Select(b => b.ExternalId).ToList();
            var links = await LinksAsync(run.Connector, "customer", ids, token);
            var localIds = links.Values.Select(l => l.LocalId).ToList();
            var customers = await db.Customers.Where(c => localIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, token);
            var codes = batch.Select(b => Str(b.Record, "Account_Number") ?? $"ZOHO-{b.ExternalId}").ToList();
            var byCode = await db.Customers.Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, token);
            foreach (var item in batch)
            {
                var r = item.Record;
                var code = Str(r, "Account_Number") ?? $"ZOHO-{item.ExternalId}";
                links.TryGetValue(item.ExternalId, out var link);
                var customer = link is not null ? customers.GetValueOrDefault(link.LocalId) : byCode.GetValueOrDefault(code);
                if (link?.Fingerprint == item.Fingerprint && customer is not null)
                {
                    run.Unchanged++;
                    entries.Add(Log(run, "customer", item.ExternalId, customer.Id, SyncOutcome.Unchanged, null));
                    continue;
                }

                try
                {
                    var c = customer;
                    var details = new CustomerDetails(code, Str(r, "Account_Name") ?? code, Str(r, "Billing_City") ?? c?.Region, Str(r, "Billing_Street") ?? c?.Address,
                        c?.Email, Str(r, "Phone") ?? c?.Phone, c?.Currency, c?.CreditLimit?.Amount, c?.PaymentTermsDays ?? 30, c?.Tier ?? CustomerTier.Standard,
                        c?.OwnerUserId, c?.IsActive ?? true, c?.IsBlocked ?? false,
                        c?.Contacts.Select(x => new ContactDetails(x.Name, x.Title, x.Email, x.Phone, x.IsPrimary)).ToList(),
                        c?.ReservationPolicy ?? Domain.Allocation.ReservationPolicy.ShipPartial);
                    if (customer is null)
                    {
                        customer = new Customer(details, time.GetUtcNow());
                        db.Customers.Add(customer);
                        byCode[code] = customer;
                        run.Created++;
                        entries.Add(Log(run, "customer", item.ExternalId, customer.Id, SyncOutcome.Created, null));
                    }
                    else
                    {
                        customer.Update(details, time.GetUtcNow());
                        run.Updated++;
                        entries.Add(Log(run, "customer", item.ExternalId, customer.Id, SyncOutcome.Updated, null));
                    }

                    Link(run.Connector, "customer", item, customer.Id, link);
                }
                catch (RuleViolationException e)
                {
                    run.Failed++;
                    entries.Add(Log(run, "customer", item.ExternalId, customer?.Id, SyncOutcome.Failed, string.Join("; ", e.Violations.Select(v => $"{v.Field}: {v.Code}"))));
                }
            }
        }, ct);

    /// <summary>Reads the vendor's records page by page and applies each page in one unit of work with its log entries.</summary>
    private async Task SweepAsync(IAsyncEnumerable<JsonElement> records, string objectType, Run run,
        Func<List<Incoming>, List<SyncLogEntry>, CancellationToken, Task> apply, CancellationToken ct)
    {
        var batch = new List<Incoming>(200);
        await foreach (var record in records.WithCancellation(ct))
        {
            var id = Str(record, "id") ?? throw new ConnectorException("ZohoBadRecord", $"A {objectType} record has no id.");
            batch.Add(new Incoming(id, Fingerprint(record), record));
            if (batch.Count == 200)
            {
                await ApplyAsync(batch, run, apply, ct);
                batch = new List<Incoming>(200);
            }
        }

        if (batch.Count > 0)
        {
            await ApplyAsync(batch, run, apply, ct);
        }
    }

    private async Task ApplyAsync(List<Incoming> batch, Run run, Func<List<Incoming>, List<SyncLogEntry>, CancellationToken, Task> apply, CancellationToken ct)
    {
        // The vendor may list a record twice across pages while it changes: the last copy wins.
        batch = [.. batch.GroupBy(b => b.ExternalId).Select(g => g.Last())];
        await writes.RunAsync(async token =>
        {
            var entries = new List<SyncLogEntry>();
            await apply(batch, entries, token);
            db.Set<SyncLogEntry>().AddRange(entries);
        }, ct);
        db.ChangeTracker.Clear();
    }

    private Task FlushAsync(Run run, List<SyncLogEntry> entries, CancellationToken ct) =>
        writes.RunAsync(_ => { db.Set<SyncLogEntry>().AddRange(entries); return Task.CompletedTask; }, ct);

    private async Task<Dictionary<string, ExternalLink>> LinksAsync(string connector, string objectType, List<string> ids, CancellationToken ct) =>
        await db.Set<ExternalLink>().Where(l => l.Connector == connector && l.ObjectType == objectType && ids.Contains(l.ExternalId)).ToDictionaryAsync(l => l.ExternalId, ct);

    private void Link(string connector, string objectType, Incoming item, Guid localId, ExternalLink? link)
    {
        if (link is null)
        {
            db.Set<ExternalLink>().Add(new ExternalLink(connector, objectType, item.ExternalId, localId, item.Fingerprint, time.GetUtcNow()));
        }
        else
        {
            link.Fingerprint = item.Fingerprint;
            link.SyncedAt = time.GetUtcNow();
        }
    }

    private SyncLogEntry Log(Run run, string objectType, string externalId, Guid? localId, SyncOutcome outcome, string? message) =>
        new(run.Connector, run.Id, "in", objectType, externalId, localId, outcome, message, time.GetUtcNow());

    private static string Fingerprint(JsonElement record)
    {
        // Modified_Time and other bookkeeping fields change without the mapped values changing.
        var text = string.Join('\u001f', record.EnumerateObject().Where(p => p.Name is not ("Modified_Time" or "Created_Time" or "$etag")).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value.GetRawText()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string? Str(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString()!.Trim(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static decimal? Dec(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;

    private ZohoCrmClient Zoho(ConnectorConfig config)
    {
        var secrets = Secrets(config);
        return new ZohoCrmClient(clients.CreateClient("connectors"), tokens, Deserialize<ZohoSettings>(config.SettingsJson, "settings"),
            new ZohoSecrets(secrets.GetValueOrDefault("clientSecret"), secrets.GetValueOrDefault("refreshToken")), new ConnectorRetry(retry.Value));
    }

    private async Task<ConnectorConfig> ConfigAsync(string kind, CancellationToken ct)
    {
        CheckKind(kind);
        if (!IsAvailable(kind))
        {
            throw new RuleViolationException("kind", "ConnectorNotAvailable", $"The {kind} connector is not available in this version.");
        }

        return await db.Set<ConnectorConfig>().AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind, ct)
            ?? throw new ConflictException("ConnectorNotConfigured", $"Configure the {kind} connector first (PUT /api/connectors/{kind}).");
    }

    private Dictionary<string, string> Secrets(ConnectorConfig config) =>
        config.ProtectedSecrets is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(_protector.Unprotect(config.ProtectedSecrets), Json) ?? [];

    private ConnectorDto ToDto(string kind, ConnectorConfig? config)
    {
        var settings = kind == ConnectorKinds.ZohoCrm ? Deserialize<ZohoSettings>(config?.SettingsJson ?? "{}", "settings") : null;
        return new ConnectorDto(kind, config?.Enabled ?? false, IsAvailable(kind), settings,
            config is null ? [] : [.. Secrets(config).Keys.Order()], config?.LastSyncAt);
    }

    private static T Deserialize<T>(string json, string field)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new RuleViolationException(field, "InvalidSettings", $"{field} is empty.");
        }
        catch (JsonException e)
        {
            throw new RuleViolationException(field, "InvalidSettings", $"{field}: {e.Message}");
        }
    }

    private static void CheckKind(string kind)
    {
        if (!ConnectorKinds.All.Contains(kind))
        {
            throw new NotFoundException("Connector", kind);
        }
    }
}
