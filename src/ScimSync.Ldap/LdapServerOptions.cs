// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap;

/// <summary>How to reach and bind to an LDAP server.</summary>
public sealed class LdapServerOptions
{
    /// <summary>Gets or sets the server's host name or address.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Gets or sets the port.</summary>
    /// <value>Defaults to 0: 389, or 636 with <see cref="LdapSecurity.Ldaps"/>.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets how the connection is protected.</summary>
    /// <value>Defaults to <see cref="LdapSecurity.StartTls"/>.</value>
    public LdapSecurity Security { get; set; } = LdapSecurity.StartTls;

    /// <summary>Gets or sets the DN (or, for Active Directory, the UPN) to bind as; <see langword="null"/> binds anonymously.</summary>
    public string? BindDn { get; set; }

    /// <summary>Gets or sets the bind password.</summary>
    public string? BindPassword { get; set; }

    /// <summary>
    /// Gets or sets a PEM file of CA certificates to trust for the server's certificate, in addition to the system's.
    /// The server's certificate is always verified.
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>Gets or sets the timeout of connecting and of each request.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the page size of paged searches (RFC 2696).</summary>
    /// <value>Defaults to 500 (Active Directory's MaxPageSize is 1000).</value>
    public int PageSize { get; set; } = 500;
}

/// <summary>How an LDAP connection is protected.</summary>
public enum LdapSecurity
{
    /// <summary>Plain LDAP. Credentials travel in clear text: use only on a trusted network or for tests.</summary>
    None,

    /// <summary>LDAP upgraded with StartTLS (RFC 4513 §3) before binding.</summary>
    StartTls,

    /// <summary>LDAP over TLS from the start (LDAPS).</summary>
    Ldaps,
}
