using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orderly.Client;

/// <summary>
/// The one hand-written part of the generated client. NSwag puts a string-enum converter on enum properties but not
/// on lists of enums (<c>allowedActions</c>), so the API's enum names are read and written as names everywhere.
/// </summary>
public partial class OrderlyClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) =>
        settings.Converters.Add(new JsonStringEnumConverter());
}
