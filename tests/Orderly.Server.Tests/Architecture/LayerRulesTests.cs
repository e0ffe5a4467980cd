using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Orderly.Domain.Orders;
using Orderly.Server.Data;

namespace Orderly.Server.Tests.Architecture;

/// <summary>
/// The layer rules of docs/architecture.md, checked on the built assemblies and the sources: the domain stays
/// pure, UI code calls application services rather than endpoint classes, and a capability's endpoints read
/// only their own capability's tables (and the platform's).
/// </summary>
public sealed partial class LayerRulesTests
{
    private const string Platform = "Platform";
    private static readonly Assembly Server = typeof(OrderlyDbContext).Assembly;
    private static readonly string[] ForbiddenInDomain = ["Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Npgsql", "Microsoft.Data.Sqlite"];
    private static readonly string[] PlatformFolders = ["Data", "Infrastructure", Platform];

    [Fact]
    public void Domain_ReferencesNoEntityFrameworkOrAspNetCore()
    {
        var offenders = ForbiddenReferences(typeof(SalesOrder).Assembly);

        Assert.True(offenders.Count == 0, "Orderly.Domain references " + string.Join(", ", offenders));
    }

    [Fact]
    public void DomainRule_WouldCatchTheServer()
    {
        // The server does reference both: a check that finds nothing there is not checking.
        Assert.Contains(ForbiddenReferences(Server), n => n.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(ForbiddenReferences(Server), n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void UiCode_NeverCallsEndpointClasses()
    {
        var uiTypes = Server.GetTypes().Where(t => IsUi(Outermost(t))).ToList();
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in uiTypes)
        {
            foreach (var method in MethodsOf(type))
            {
                foreach (var member in MembersUsedBy(method))
                {
                    if (EndpointClassOf(member) is { } endpoints)
                    {
                        offenders.Add($"{Outermost(type).FullName} uses {endpoints.Name}.{member.Name}");
                    }
                }
            }
        }

        Assert.Contains(uiTypes, t => typeof(ComponentBase).IsAssignableFrom(t));
        Assert.True(offenders.Count == 0, "UI code calls endpoint classes instead of application services:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void CapabilityEndpoints_NeverTouchAnotherCapabilitysTables()
    {
        var (bySet, byEntity) = TableOwners();
        Assert.Equal("Catalog", bySet["Products"]);
        Assert.Equal("Orders", bySet["SalesOrders"]);
        Assert.Equal("Identity", bySet["Users"]);

        var server = Path.Combine(RepositoryRoot(), "src", "Orderly.Server");
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        var uses = 0;
        foreach (var file in Directory.EnumerateFiles(server, "*Endpoints.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(server, file).Replace('\\', '/');
            var capability = CapabilityOfFolder(relative.Split('/')[0]);
            var source = WithoutComments(File.ReadAllText(file));
            var contexts = ContextVariable().Matches(source).Select(m => m.Groups[1].Value).Append("db").ToHashSet(StringComparer.Ordinal);
            foreach (Match use in MemberAccess().Matches(source))
            {
                if (contexts.Contains(use.Groups[1].Value) && bySet.TryGetValue(use.Groups[2].Value, out var owner))
                {
                    uses++;
                    if (owner != capability && owner != Platform)
                    {
                        offenders.Add($"{relative}: {use.Value} belongs to {owner}");
                    }
                }
            }

            foreach (Match use in SetCall().Matches(source))
            {
                if (byEntity.TryGetValue(use.Groups[1].Value.Split('.')[^1], out var owner))
                {
                    uses++;
                    if (owner != capability && owner != Platform)
                    {
                        offenders.Add($"{relative}: {use.Value} belongs to {owner}");
                    }
                }
            }
        }

        Assert.True(uses > 0, "No table use found in any *Endpoints.cs: the scan is broken.");
        Assert.True(offenders.Count == 0,
            "Endpoints read another capability's tables (compose with its published view or service instead):\n" + string.Join('\n', offenders));
    }

    private static List<string> ForbiddenReferences(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name ?? "")
            .Where(n => ForbiddenInDomain.Any(f => n == f || n.StartsWith(f + ".", StringComparison.Ordinal)))];

    private static bool IsUi(Type type) =>
        typeof(ComponentBase).IsAssignableFrom(type) || type.Namespace == "Orderly.Server.Ui" ||
        type.Namespace?.StartsWith("Orderly.Server.Components", StringComparison.Ordinal) == true;

    /// <summary>An endpoint class of a capability; the UI's own route map (<c>Ui.UiEndpoints</c>) is the UI's business.</summary>
    private static Type? EndpointClassOf(MemberInfo member)
    {
        var type = member as Type ?? member.DeclaringType;
        if (type is null)
        {
            return null;
        }

        type = Outermost(type.IsGenericType && !type.IsGenericTypeDefinition ? type.GetGenericTypeDefinition() : type);
        return type.Assembly == Server && type.Name.EndsWith("Endpoints", StringComparison.Ordinal) && type.Namespace != "Orderly.Server.Ui" ? type : null;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static IEnumerable<MethodBase> MethodsOf(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
    }

    /// <summary>The methods, fields and types an IL body refers to (lambdas and async bodies are nested types, scanned as such).</summary>
    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            var code = il[at++];
            var op = code == 0xFE ? TwoByteOpCodes[il[at++]] : OneByteOpCodes[code];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments)!;
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }

    private static readonly OpCode[] OneByteOpCodes = new OpCode[0x100];
    private static readonly OpCode[] TwoByteOpCodes = new OpCode[0x100];

#pragma warning disable CA1810 // the opcode tables are filled from OpCodes once; an initializer expression would hide that
    static LayerRulesTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            var value = (ushort)op.Value;
            if (value < 0x100)
            {
                OneByteOpCodes[value] = op;
            }
            else if ((value & 0xFF00) == 0xFE00)
            {
                TwoByteOpCodes[value & 0xFF] = op;
            }
        }
    }
#pragma warning restore CA1810

    /// <summary>
    /// Who owns each table: the capability whose namespace holds the entity's <c>IEntityTypeConfiguration</c>;
    /// ASP.NET Core Identity's sets belong to Identity; framework tables without one (data protection keys) to the platform.
    /// </summary>
    private static (Dictionary<string, string> BySet, Dictionary<string, string> ByEntity) TableOwners()
    {
        var configured = Server.GetTypes()
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEntityTypeConfiguration<>))
                .Select(i => (Entity: i.GetGenericArguments()[0], Owner: CapabilityOfNamespace(t.Namespace))))
            .ToDictionary(x => x.Entity, x => x.Owner);
        var bySet = new Dictionary<string, string>(StringComparer.Ordinal);
        var byEntity = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in typeof(OrderlyDbContext).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType is not { IsGenericType: true } set || set.GetGenericTypeDefinition() != typeof(DbSet<>))
            {
                continue;
            }

            var entity = set.GetGenericArguments()[0];
            var owner = configured.GetValueOrDefault(entity)
                ?? (property.DeclaringType != typeof(OrderlyDbContext) ? "Identity" : Platform);
            bySet[property.Name] = owner;
            byEntity[entity.Name] = owner;
        }

        return (bySet, byEntity);
    }

    private static string CapabilityOfNamespace(string? ns)
    {
        var parts = (ns ?? "").Split('.');
        return parts is ["Orderly", "Server", var folder, ..] ? CapabilityOfFolder(folder) : throw new InvalidOperationException($"A configuration outside Orderly.Server: {ns}");
    }

    private static string CapabilityOfFolder(string folder) => PlatformFolders.Contains(folder) ? Platform : folder;

    private static string WithoutComments(string source) => Comment().Replace(source, "");

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orderly.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orderly.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\bOrderlyDbContext\??\s+(\w+)")]
    private static partial Regex ContextVariable();

    [GeneratedRegex(@"\b(\w+)\s*\.\s*(\w+)\b")]
    private static partial Regex MemberAccess();

    [GeneratedRegex(@"\bSet<([\w.]+)>")]
    private static partial Regex SetCall();
}
