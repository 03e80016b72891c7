// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;
using ScimSync.Schema;

namespace ScimSync.Serialization;

// RFC 7643 §2.1: attribute names are case-insensitive on input; output uses the schema's camelCase spelling and
// leaves unassigned attributes out (§2.5).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScimUser))]
[JsonSerializable(typeof(ScimGroup))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ScimJsonContext : JsonSerializerContext;
