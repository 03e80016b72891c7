// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Ldap.Internal;

namespace ScimSync.Ldap;

/// <summary>
/// Opens <see cref="ILdapDirectory"/> connections with System.DirectoryServices.Protocols (on Linux and macOS it uses the
/// system's OpenLDAP client library, <c>libldap</c>).
/// </summary>
/// <remarks>
/// Connections use LDAP v3 and a simple bind (anonymous when <see cref="LdapServerOptions.BindDn"/> is
/// <see langword="null"/>). With <see cref="LdapSecurity.StartTls"/> or <see cref="LdapSecurity.Ldaps"/> the server's
/// certificate is verified against the system's trusted CAs plus, when set, <see cref="LdapServerOptions.CaCertificateFile"/>
/// (supported off Windows; on Windows trust the CA in the certificate store). Referrals are not followed. Exception
/// messages name the server and the bind DN, never the password.
/// </remarks>
public sealed class LdapDirectoryFactory : ILdapDirectoryFactory
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The options are invalid (for example a bind DN without a password).</exception>
    public async Task<ILdapDirectory> ConnectAsync(LdapServerOptions options, CancellationToken cancellationToken = default) =>
        await LdapDirectoryConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
}
