// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ScimSync.Serialization;

namespace ScimSync.Schema;

/// <summary>A typed view of a SCIM Group.</summary>
/// <remarks>RFC 7643 §4.2. Property names are matched ignoring case when reading.</remarks>
public sealed record ScimGroup
{
    private static readonly string[] s_defaultSchemas = [ScimSchemas.Group];
    private IReadOnlyList<string>? _schemas;

    /// <summary>Gets the schema URNs.</summary>
    /// <value>Defaults to the core Group schema.</value>
    public IReadOnlyList<string> Schemas
    {
        get => _schemas ?? s_defaultSchemas;
        init => _schemas = value;
    }

    /// <summary>Gets the service provider's identifier.</summary>
    public string? Id { get; init; }

    /// <summary>Gets the provisioning client's identifier.</summary>
    public string? ExternalId { get; init; }

    /// <summary>Gets the display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Gets the members.</summary>
    public IReadOnlyList<ScimGroupMember>? Members { get; init; }

    /// <summary>Gets the resource metadata.</summary>
    public ScimMeta? Meta { get; init; }

    /// <summary>Gets every other member: extension objects keyed by their schema URN.</summary>
    [JsonIgnore]
    public JsonObject? Extensions { get; init; }

    /// <summary>Creates a typed group from a canonical resource.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>The group.</returns>
    /// <exception cref="JsonException">A value does not have the expected JSON type.</exception>
    public static ScimGroup FromJson(JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return resource.Deserialize(ScimJsonContext.Default.ScimGroup)! with { Extensions = ScimJson.CollectExtensions(resource, null) };
    }

    /// <summary>Creates a typed group from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <returns>The group.</returns>
    /// <exception cref="JsonException">The text is not a JSON object of the expected shape.</exception>
    public static ScimGroup FromUtf8Json(ReadOnlySpan<byte> utf8Json) =>
        FromJson(JsonNode.Parse(utf8Json) as JsonObject ?? throw new JsonException("Expected a JSON object."));

    /// <summary>Converts the group to a canonical resource.</summary>
    /// <returns>A new object.</returns>
    public JsonObject ToJson() => ScimJson.AddExtensions(JsonSerializer.SerializeToNode(this, ScimJsonContext.Default.ScimGroup)!.AsObject(), Extensions);

    /// <summary>Serializes the group as UTF-8 JSON.</summary>
    /// <returns>The JSON bytes.</returns>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(ToJson(), ScimJsonContext.Default.JsonObject);
}
