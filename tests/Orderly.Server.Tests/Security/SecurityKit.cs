using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orderly.Server.Audit;

namespace Orderly.Server.Tests.Security;

/// <summary>Small helpers shared by the security and audit tests: user ids, teams, audit rows, leak scans.</summary>
public static class SecurityKit
{
    public static readonly string[] AllRoles = ["Admin", "SalesManager", "SalesRep", "OrderClerk", "Warehouse", "Purchasing", "Finance", "Viewer"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A roles array for a request body.</summary>
    public static string[] Roles(params string[] roles) => roles;

    public static Task<Guid> UserIdAsync(this OrderlyApp app, string email) =>
        app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>Puts a user in a manager's team (or in none) through PUT /api/users/{id}, keeping the given roles.</summary>
    public static async Task SetManagerAsync(HttpClient admin, Guid userId, Guid? managerId, string displayName, params string[] roles) =>
        (await admin.PutAsync($"/api/users/{userId}", new { displayName, roles, managerId }, null)).Expect(HttpStatusCode.OK);

    /// <summary>Creates a customer as the given caller (a rep becomes its owner); returns the created body.</summary>
    public static async Task<JsonNode> CustomerAsync(HttpClient caller, string name, Guid? ownerUserId = null) =>
        (await caller.PostAsync("/api/customers", ownerUserId is { } owner
            ? new { code = TestData.Unique("C"), name, ownerUserId = (Guid?)owner }
            : (object)new { code = TestData.Unique("C"), name })).Expect(HttpStatusCode.Created);

    /// <summary>
    /// Gives a customer a credit limit as someone allowed to (a rep's new customer starts at the configured default,
    /// 0), keeping its owner, code and name; returns the updated body.
    /// </summary>
    public static async Task<JsonNode> GrantCreditAsync(HttpClient finance, JsonNode customer, decimal creditLimit) =>
        (await finance.PutAsync($"/api/customers/{customer.Id()}", new
        {
            code = customer["code"]!.GetValue<string>(), name = customer["name"]!.GetValue<string>(), creditLimit,
            ownerUserId = customer["ownerUserId"]?.GetValue<Guid?>(),
        }, "*")).Expect(HttpStatusCode.OK);

    public static async Task<JsonNode> OrderAsync(HttpClient caller, Guid customerId, Guid productId, decimal quantity = 1, decimal? discountPercent = null, string? customerPo = null) =>
        (await caller.PostAsync("/api/orders", new
        {
            customerId, customerPo, lines = new[] { new { productId, quantity, discountPercent } },
        })).Expect(HttpStatusCode.Created);

    public static Task<long> LastAuditIdAsync(this OrderlyApp app) =>
        app.WithDbAsync(async db => await db.AuditRecords.MaxAsync(a => (long?)a.Id) ?? 0);

    public static Task<List<AuditRecord>> AuditAfterAsync(this OrderlyApp app, long afterId) =>
        app.WithDbAsync(db => db.AuditRecords.AsNoTracking().Where(a => a.Id > afterId).OrderBy(a => a.Id).ToListAsync());

    public static List<AuditChange> ChangesOf(AuditRecord record) =>
        JsonSerializer.Deserialize<List<AuditChange>>(record.Changes, Json) ?? [];

    /// <summary>The body as text with the id the caller itself sent replaced, so an echo of the request is not counted as a leak.</summary>
    public static string Scrub(string text, params string[] echoed)
    {
        foreach (var value in echoed)
        {
            text = text.Replace(value, "{SENT}", StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }

    /// <summary>The body without fields that differ on every request (trace ids), for comparing two answers.</summary>
    public static string Comparable(JsonNode? body, params string[] echoed)
    {
        if (body is null)
        {
            return "";
        }

        var copy = body.DeepClone();
        if (copy is JsonObject obj)
        {
            obj.Remove("traceId");
        }

        return Scrub(copy.ToJsonString(), echoed);
    }

    /// <summary>Which of the secrets (names, numbers, ids) occur in the text, case-insensitively.</summary>
    public static IReadOnlyList<string> LeakedIn(string text, IEnumerable<string> secrets) =>
        [.. secrets.Where(s => s.Length > 0 && text.Contains(s, StringComparison.OrdinalIgnoreCase))];
}
