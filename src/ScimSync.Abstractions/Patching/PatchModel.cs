// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Nodes;

namespace ScimSync.Patching;

/// <summary>The kind of a SCIM PATCH operation.</summary>
/// <remarks>RFC 7644 §3.5.2 (<c>op</c>): <c>add</c> (§3.5.2.1), <c>remove</c> (§3.5.2.2), <c>replace</c> (§3.5.2.3).</remarks>
public enum PatchOperationType
{
    /// <summary><c>add</c>: adds a value, merging into complex attributes and appending to multi-valued ones.</summary>
    Add,

    /// <summary><c>remove</c>: removes an attribute, or the values a value filter selects.</summary>
    Remove,

    /// <summary><c>replace</c>: replaces a value (all values of a multi-valued attribute).</summary>
    Replace,
}

/// <summary>One operation of a SCIM PATCH request.</summary>
/// <remarks>RFC 7644 §3.5.2. <see cref="Value"/> is the request's JSON as sent; the engine copies what it stores.</remarks>
/// <param name="Type">The operation.</param>
/// <param name="Path">The target path, or <see langword="null"/> when the operation targets the whole resource.</param>
/// <param name="Value">The value, or <see langword="null"/> when none was sent (a <c>remove</c>).</param>
public sealed record PatchOperation(PatchOperationType Type, PatchPath? Path, JsonNode? Value);

/// <summary>A parsed SCIM PATCH request: its operations, in order.</summary>
/// <remarks>RFC 7644 §3.5.2: the operations are applied in order and atomically.</remarks>
/// <param name="Operations">The operations (at least one).</param>
public sealed record PatchRequest(IReadOnlyList<PatchOperation> Operations);
