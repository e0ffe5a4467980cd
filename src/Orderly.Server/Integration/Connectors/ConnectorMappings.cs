using System.Text.Json.Nodes;
using Orderly.Domain.Integration;

namespace Orderly.Server.Integration;

/// <summary>One Orderly field and the vendor's field it is read from or written to (a dotted path for nested fields).</summary>
public sealed record FieldMap(string Orderly, string Remote, string? Note = null);

/// <summary>
/// How one object travels in one direction: the vendor's object and, field by field, Orderly's field and the vendor's.
/// The connector clients read and write the vendor's records through these maps (field lists, cell positions, paths),
/// and the field-mapping page lists the same instances, so what the page shows is what the code does.
/// </summary>
public sealed record ObjectMap(string ObjectType, string Direction, string RemoteObject, IReadOnlyList<FieldMap> Fields)
{
    public const string In = "in";
    public const string Out = "out";

    /// <summary>The vendor's field for an Orderly field (a programming error when the map has none).</summary>
    public string this[string orderly] => Fields[IndexOf(orderly)].Remote;

    public int IndexOf(string orderly)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Orderly == orderly)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The {RemoteObject} map has no field for {ObjectType}.{orderly}.");
    }

    /// <summary>The vendor's fields, comma separated, in the map's order (Zoho's <c>fields</c>, Kingdee's <c>FieldKeys</c>).</summary>
    public string RemoteList => string.Join(',', Fields.Select(f => f.Remote));

    /// <summary>Sets the vendor's field of an Orderly field on an outgoing record, creating the objects of a dotted path.</summary>
    public void Set(JsonObject record, string orderly, JsonNode? value)
    {
        var path = this[orderly].Split('.');
        var target = record;
        foreach (var part in path[..^1])
        {
            if (target[part] is not JsonObject next)
            {
                next = [];
                target[part] = next;
            }

            target = next;
        }

        target[path[^1]] = value;
    }
}

public sealed record FieldMapDto(string Orderly, string Remote, string? Note);

public sealed record ObjectMapDto(string ObjectType, string Direction, string RemoteObject, IReadOnlyList<FieldMapDto> Fields);

public sealed record ConnectorMappingDto(string Kind, IReadOnlyList<ObjectMapDto> Objects);

/// <summary>Every connector's object maps, by kind: what <c>GET /api/connectors/mappings</c> and the mapping page show.</summary>
public static class ConnectorMappings
{
    public static List<ConnectorMappingDto> All() =>
        [.. ConnectorKinds.All.Select(kind => new ConnectorMappingDto(kind, [.. For(kind).Select(m =>
            new ObjectMapDto(m.ObjectType, m.Direction, m.RemoteObject, [.. m.Fields.Select(f => new FieldMapDto(f.Orderly, f.Remote, f.Note))]))]))];

    public static IReadOnlyList<ObjectMap> For(string kind) => kind switch
    {
        ConnectorKinds.ZohoCrm => ZohoCrmClient.Maps,
        ConnectorKinds.Fxiaoke => FxiaokeClient.Maps,
        ConnectorKinds.Kingdee => KingdeeClient.Maps,
        ConnectorKinds.Yonyou => YonyouClient.Maps,
        _ => [],
    };
}
