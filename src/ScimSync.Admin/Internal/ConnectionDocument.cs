// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ScimSync.Policies;

namespace ScimSync.Admin.Internal;

/// <summary>
/// What the console changed about one connection, as kept in the settings store (key <c>console/connections/{name}</c>,
/// name lower-cased): the connection itself when the console created it, the tokens it issued, and the mapping
/// policies when the operator replaced those of configuration.
/// </summary>
internal sealed record ConnectionDocument
{
    public const string KeyPrefix = "console/connections/";

    /// <summary>The connection's name as the operator typed it.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the console created the connection (it is not in configuration, and may be deleted).</summary>
    public bool CreatedInConsole { get; init; }

    public string? IdentityProvider { get; init; }

    public string? Directory { get; init; }

    public IReadOnlyList<TokenDocument> Tokens { get; init; } = [];

    /// <summary>
    /// The connection's <see cref="ProvisioningPolicyOptions"/> as JSON when the console replaced them, or
    /// <see langword="null"/> to keep configuration's.
    /// </summary>
    public JsonObject? Policies { get; init; }

    public static string KeyOf(string connection) => KeyPrefix + connection.ToLowerInvariant();

    public static ConnectionDocument? Parse(string json) => JsonSerializer.Deserialize<ConnectionDocument>(json, DocumentJson.Document);

    public string ToJson() => JsonSerializer.Serialize(this, DocumentJson.Document);
}

/// <summary>A token the console issued: only its hash is kept.</summary>
internal sealed record TokenDocument(string Name, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>The JSON shape of console documents and of <see cref="ProvisioningPolicyOptions"/> in them.</summary>
internal static class DocumentJson
{
    /// <summary>The console's own documents.</summary>
    public static JsonSerializerOptions Document { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary><see cref="ProvisioningPolicyOptions"/>, whose collections and sections are get-only properties.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static JsonObject ToJson(ProvisioningPolicyOptions policies) =>
        JsonSerializer.SerializeToNode(policies, Options)!.AsObject();

    /// <summary>Reads policies written by <see cref="ToJson"/> into fresh options (collections are filled in place).</summary>
    public static ProvisioningPolicyOptions ToOptions(JsonObject? policies) =>
        policies is null ? new() : policies.Deserialize<ProvisioningPolicyOptions>(Options) ?? new();

    /// <summary>A deep copy, so the console edits a copy and never the options in force.</summary>
    public static ProvisioningPolicyOptions Copy(ProvisioningPolicyOptions policies) => ToOptions(ToJson(policies));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // The options classes expose their collections and sections as get-only properties: fill them in place.
            PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver
            {
                Modifiers =
                {
                    // Policy objects a host plugs in (IAttributeMappingPolicy and the like) are code, not settings.
                    static info =>
                    {
                        for (var i = info.Properties.Count - 1; i >= 0; i--)
                        {
                            if (info.Properties[i].PropertyType.IsInterface && info.Properties[i].PropertyType.Namespace == typeof(IGroupMappingPolicy).Namespace)
                            {
                                info.Properties.RemoveAt(i);
                            }
                        }
                    },
                },
            },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
