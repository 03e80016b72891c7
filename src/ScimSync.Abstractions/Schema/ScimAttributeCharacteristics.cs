// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Schema;

/// <summary>An attribute's data type (RFC 7643 §2.3).</summary>
public enum ScimAttributeType
{
    /// <summary>A sequence of Unicode characters.</summary>
    String,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A real number with at least one digit to the left and right of the period.</summary>
    Decimal,

    /// <summary>A whole number with no fractional digits.</summary>
    Integer,

    /// <summary>An <c>xsd:dateTime</c> string, for example <c>2008-01-23T04:56:22Z</c>.</summary>
    DateTime,

    /// <summary>Base64-encoded binary data.</summary>
    Binary,

    /// <summary>A URI for a resource (see <see cref="ScimAttributeDefinition.ReferenceTypes"/>).</summary>
    Reference,

    /// <summary>A singular or multi-valued set of sub-attributes.</summary>
    Complex,
}

/// <summary>When and how an attribute may be changed (RFC 7643 §7, "mutability").</summary>
public enum ScimMutability
{
    /// <summary>The attribute may be read and written (the default).</summary>
    ReadWrite,

    /// <summary>The attribute can't be changed by a client; the service provider sets it.</summary>
    ReadOnly,

    /// <summary>The attribute may be set on create (or when it has no value) and not changed afterwards.</summary>
    Immutable,

    /// <summary>The attribute may be written but is never returned (for example <c>password</c>).</summary>
    WriteOnly,
}

/// <summary>When an attribute is returned in a response (RFC 7643 §7, "returned").</summary>
public enum ScimReturned
{
    /// <summary>Returned by default, unless excluded with <c>excludedAttributes</c> (the default).</summary>
    Default,

    /// <summary>Always returned, whatever <c>attributes</c> or <c>excludedAttributes</c> say.</summary>
    Always,

    /// <summary>Never returned.</summary>
    Never,

    /// <summary>Returned only when named in <c>attributes</c>.</summary>
    Request,
}

/// <summary>How a service provider enforces uniqueness of an attribute's value (RFC 7643 §7, "uniqueness").</summary>
public enum ScimUniqueness
{
    /// <summary>No uniqueness enforced (the default).</summary>
    None,

    /// <summary>Unique within the service provider's current set of resources of that type.</summary>
    Server,

    /// <summary>Globally unique.</summary>
    Global,
}
