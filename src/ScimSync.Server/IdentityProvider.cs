// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Server;

/// <summary>
/// The identity provider behind a connection. It labels the connection in logs, metrics and the provisioning log,
/// and lets mapping policies tell providers apart.
/// </summary>
/// <remarks>
/// The tolerances for the providers' known deviations from RFC 7644 come from
/// <see cref="ScimConnectionOptions.Compatibility"/>, whose default (<see cref="ScimCompatibility.Lenient"/>) accepts
/// the quirks of Microsoft Entra ID, Okta and OneLogin alike, so a profile never makes a request fail.
/// </remarks>
public enum IdentityProvider
{
    /// <summary>Any standards-conforming SCIM client; the lenient defaults apply.</summary>
    Generic,

    /// <summary>Microsoft Entra ID (Azure AD) provisioning.</summary>
    EntraId,

    /// <summary>Okta.</summary>
    Okta,

    /// <summary>OneLogin.</summary>
    OneLogin,

    /// <summary>An LDAP directory (Active Directory, OpenLDAP) synchronised by ScimSync.Ldap.</summary>
    Ldap,
}
