// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Errors;

/// <summary>
/// The <c>scimType</c> detail error keywords of a SCIM error response.
/// </summary>
/// <remarks>RFC 7644 §3.12, table 9.</remarks>
public enum ScimErrorType
{
    /// <summary><c>invalidFilter</c>: the filter syntax was invalid, or the operator or value not supported (400).</summary>
    InvalidFilter,

    /// <summary><c>tooMany</c>: the filter or request would yield too many results or values (400).</summary>
    TooMany,

    /// <summary><c>uniqueness</c>: a value conflicts with an existing unique value (409).</summary>
    Uniqueness,

    /// <summary><c>mutability</c>: the change is incompatible with an attribute's mutability (400).</summary>
    Mutability,

    /// <summary><c>invalidSyntax</c>: the request body structure was invalid (400).</summary>
    InvalidSyntax,

    /// <summary><c>invalidPath</c>: the <c>path</c> attribute was invalid or malformed (400).</summary>
    InvalidPath,

    /// <summary><c>noTarget</c>: the path did not yield an attribute or value that could be operated on (400).</summary>
    NoTarget,

    /// <summary><c>invalidValue</c>: a required value was missing, or the value was not compatible (400).</summary>
    InvalidValue,

    /// <summary><c>invalidVers</c>: the specified SCIM protocol version is not supported (400).</summary>
    InvalidVersion,

    /// <summary><c>sensitive</c>: the request cannot be completed because of sensitive information in the URI (403).</summary>
    Sensitive,

    /// <summary><c>invalidCursor</c>: the cursor is not one this service provider issued (400, RFC 9865 §2.3).</summary>
    InvalidCursor,

    /// <summary><c>expiredCursor</c>: the cursor has expired (400, RFC 9865 §2.3).</summary>
    ExpiredCursor,

    /// <summary><c>invalidCount</c>: the requested page size is not supported (400, RFC 9865 §2.3).</summary>
    InvalidCount,
}
