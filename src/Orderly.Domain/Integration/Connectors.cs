namespace Orderly.Domain.Integration;

/// <summary>The connectors Orderly knows, by the name used in routes and settings.</summary>
public static class ConnectorKinds
{
    public const string ZohoCrm = "zoho-crm";
    public const string Fxiaoke = "fxiaoke";
    public const string Kingdee = "kingdee";
    public const string Yonyou = "yonyou";

    public static readonly IReadOnlyList<string> All = [ZohoCrm, Fxiaoke, Kingdee, Yonyou];
}

/// <summary>
/// One connector's configuration: plain settings as JSON (data centre, client id, mapping, directions, field owners)
/// and the secrets (client secret, refresh token, app secret) as a Data Protection ciphertext, never in clear.
/// </summary>
public sealed class ConnectorConfig
{
    private ConnectorConfig()
    {
    }

    public ConnectorConfig(string kind, DateTimeOffset now)
    {
        Kind = kind;
        UpdatedAt = now;
    }

    public string Kind { get; private set; } = "";
    public bool Enabled { get; set; }
    public string SettingsJson { get; set; } = "{}";
    public string? ProtectedSecrets { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    /// <summary>How often the scheduled inbound sync polls (null: only on demand and on the vendor's pushes).</summary>
    public int? SyncEveryMinutes { get; set; }
    /// <summary>Where the last inbound sweep got to (Modified_Time of the newest record seen), per object as JSON.</summary>
    public string CursorsJson { get; set; } = "{}";
    public int Version { get; set; }
}

/// <summary>The external-id map: this local record is that record in the other system. Makes every sync idempotent.</summary>
public sealed class ExternalLink
{
    private ExternalLink()
    {
    }

    public ExternalLink(string connector, string objectType, string externalId, Guid localId, string fingerprint, DateTimeOffset now)
    {
        Connector = connector;
        ObjectType = objectType;
        ExternalId = externalId;
        LocalId = localId;
        Fingerprint = fingerprint;
        SyncedAt = now;
    }

    public long Id { get; private set; }
    public string Connector { get; private set; } = "";
    public string ObjectType { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    public Guid LocalId { get; private set; }
    /// <summary>A hash of the mapped values last synced: an unchanged record is skipped without a write.</summary>
    public string Fingerprint { get; set; } = "";
    public DateTimeOffset SyncedAt { get; set; }
}

public enum SyncOutcome
{
    Created,
    Updated,
    Unchanged,
    Failed,
}

/// <summary>One record's outcome in one sync run.</summary>
public sealed class SyncLogEntry
{
    private SyncLogEntry()
    {
    }

    public SyncLogEntry(string connector, Guid runId, string direction, string objectType, string? externalId, Guid? localId, SyncOutcome outcome, string? message, DateTimeOffset at)
    {
        Connector = connector;
        RunId = runId;
        Direction = direction;
        ObjectType = objectType;
        ExternalId = externalId;
        LocalId = localId;
        Outcome = outcome;
        Message = message is { Length: > 500 } ? message[..500] : message;
        At = at;
    }

    public long Id { get; private set; }
    public string Connector { get; private set; } = "";
    public Guid RunId { get; private set; }
    public string Direction { get; private set; } = "";
    public string ObjectType { get; private set; } = "";
    public string? ExternalId { get; private set; }
    public Guid? LocalId { get; private set; }
    public SyncOutcome Outcome { get; private set; }
    public string? Message { get; private set; }
    public DateTimeOffset At { get; private set; }
}
