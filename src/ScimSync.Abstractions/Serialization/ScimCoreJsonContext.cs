// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace ScimSync.Serialization;

[JsonSerializable(typeof(string))]
internal sealed partial class ScimCoreJsonContext : JsonSerializerContext;
