// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace ScimSync.Schema;

/// <summary>The components of a User's name (<c>name</c>).</summary>
/// <remarks>RFC 7643 §4.1.1.</remarks>
public sealed record ScimName
{
    /// <summary>Gets the full name formatted for display.</summary>
    public string? Formatted { get; init; }

    /// <summary>Gets the family (last) name.</summary>
    public string? FamilyName { get; init; }

    /// <summary>Gets the given (first) name.</summary>
    public string? GivenName { get; init; }

    /// <summary>Gets the middle name(s).</summary>
    public string? MiddleName { get; init; }

    /// <summary>Gets the honorific prefix (title), for example <c>Ms.</c>.</summary>
    public string? HonorificPrefix { get; init; }

    /// <summary>Gets the honorific suffix, for example <c>III</c>.</summary>
    public string? HonorificSuffix { get; init; }
}

/// <summary>
/// A value of a simple multi-valued attribute: <c>emails</c>, <c>phoneNumbers</c>, <c>ims</c>, <c>photos</c>,
/// <c>entitlements</c>, <c>roles</c> or <c>x509Certificates</c>.
/// </summary>
/// <remarks>RFC 7643 §2.4 (sub-attributes of multi-valued attributes) and §4.1.2.</remarks>
public sealed record ScimMultiValue
{
    /// <summary>Gets the value (an address, number, handle, URL, or base64 certificate).</summary>
    public string? Value { get; init; }

    /// <summary>Gets a human-readable name for the value.</summary>
    public string? Display { get; init; }

    /// <summary>Gets the label indicating the value's function, for example <c>work</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets a value indicating whether this is the preferred value (at most one per attribute).</summary>
    public bool? Primary { get; init; }
}

/// <summary>A physical mailing address (a value of <c>addresses</c>).</summary>
/// <remarks>RFC 7643 §4.1.2.</remarks>
public sealed record ScimAddress
{
    /// <summary>Gets the full address formatted for display or a mailing label.</summary>
    public string? Formatted { get; init; }

    /// <summary>Gets the street address.</summary>
    public string? StreetAddress { get; init; }

    /// <summary>Gets the city or locality.</summary>
    public string? Locality { get; init; }

    /// <summary>Gets the state or region.</summary>
    public string? Region { get; init; }

    /// <summary>Gets the zip or postal code.</summary>
    public string? PostalCode { get; init; }

    /// <summary>Gets the country.</summary>
    public string? Country { get; init; }

    /// <summary>Gets the label, for example <c>work</c> or <c>home</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets a value indicating whether this is the preferred address.</summary>
    public bool? Primary { get; init; }
}

/// <summary>A group the User belongs to (a value of the read-only <c>groups</c> attribute).</summary>
/// <remarks>RFC 7643 §4.1.2.</remarks>
public sealed record ScimGroupReference
{
    /// <summary>Gets the group's <c>id</c>.</summary>
    public string? Value { get; init; }

    /// <summary>Gets the URI of the group resource.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; init; }

    /// <summary>Gets the group's display name.</summary>
    public string? Display { get; init; }

    /// <summary>Gets <c>direct</c> or <c>indirect</c>.</summary>
    public string? Type { get; init; }
}

/// <summary>A member of a Group (a value of <c>members</c>).</summary>
/// <remarks>RFC 7643 §4.2.</remarks>
public sealed record ScimGroupMember
{
    /// <summary>Gets the member's <c>id</c>.</summary>
    public string? Value { get; init; }

    /// <summary>Gets the URI of the member resource.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; init; }

    /// <summary>Gets the member's resource type, <c>User</c> or <c>Group</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the member's display name.</summary>
    public string? Display { get; init; }
}

/// <summary>The Enterprise User's manager.</summary>
/// <remarks>RFC 7643 §4.3.</remarks>
public sealed record ScimManager
{
    /// <summary>Gets the manager's <c>id</c>.</summary>
    public string? Value { get; init; }

    /// <summary>Gets the URI of the manager's User resource.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; init; }

    /// <summary>Gets the manager's display name (read-only: set by the service provider).</summary>
    public string? DisplayName { get; init; }
}

/// <summary>Resource metadata maintained by the service provider (<c>meta</c>).</summary>
/// <remarks>RFC 7643 §3.1. Date-times are written in UTC as <c>xsd:dateTime</c> (<c>2010-01-23T04:56:22Z</c>).</remarks>
public sealed record ScimMeta
{
    /// <summary>Gets the resource type name, for example <c>User</c>.</summary>
    public string? ResourceType { get; init; }

    /// <summary>Gets when the resource was added.</summary>
    [JsonConverter(typeof(Serialization.ScimDateTimeConverter))]
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets when the resource was last updated.</summary>
    [JsonConverter(typeof(Serialization.ScimDateTimeConverter))]
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Gets the URI of the resource.</summary>
    public string? Location { get; init; }

    /// <summary>Gets the version (an entity tag, for example <c>W/"3694e05e9dff590"</c>).</summary>
    public string? Version { get; init; }
}

/// <summary>The Enterprise User extension (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User</c>).</summary>
/// <remarks>RFC 7643 §4.3.</remarks>
public sealed record ScimEnterpriseUser
{
    /// <summary>Gets the employee number.</summary>
    public string? EmployeeNumber { get; init; }

    /// <summary>Gets the cost center.</summary>
    public string? CostCenter { get; init; }

    /// <summary>Gets the organization.</summary>
    public string? Organization { get; init; }

    /// <summary>Gets the division.</summary>
    public string? Division { get; init; }

    /// <summary>Gets the department.</summary>
    public string? Department { get; init; }

    /// <summary>Gets the manager.</summary>
    public ScimManager? Manager { get; init; }
}
