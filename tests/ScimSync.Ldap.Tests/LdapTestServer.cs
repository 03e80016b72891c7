// Copyright (c) ScimSync contributors. Licensed under the MIT License.

namespace ScimSync.Ldap.Tests;

/// <summary>
/// The throwaway OpenLDAP server started by <c>eng/ldap/start-slapd.sh</c> (and by <c>./test.sh</c>), read from the
/// variables of its env file.
/// </summary>
public static class LdapTestServer
{
    /// <summary>The message of a skipped LDAP test.</summary>
    public const string SkipMessage =
        "LDAP_URL is not set: run ./test.sh (it starts slapd) or eng/ldap/start-slapd.sh and export the variables of its env file (set -a; . <data-dir>/env; set +a).";

    /// <summary>Gets a value indicating whether the server's variables are set.</summary>
    public static bool IsConfigured => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LDAP_URL"));

    /// <summary>Gets a value indicating whether this is a CI run (where LDAP tests never skip).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the host.</summary>
    public static string Host => Environment.GetEnvironmentVariable("LDAP_HOST") is { Length: > 0 } host ? host : "127.0.0.1";

    /// <summary>Gets the plain LDAP port (StartTLS too).</summary>
    public static int Port => int.Parse(Required("LDAP_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the LDAPS port.</summary>
    public static int LdapsPort => int.Parse(Required("LDAPS_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the base DN, for example <c>dc=example,dc=org</c>.</summary>
    public static string BaseDn => Required("LDAP_BASE_DN");

    /// <summary>Gets <c>ou=people,&lt;base&gt;</c>.</summary>
    public static string PeopleDn => "ou=people," + BaseDn;

    /// <summary>Gets <c>ou=groups,&lt;base&gt;</c>.</summary>
    public static string GroupsDn => "ou=groups," + BaseDn;

    /// <summary>Gets the admin (rootdn) DN.</summary>
    public static string AdminDn => Required("LDAP_BIND_DN");

    /// <summary>Gets the admin password.</summary>
    public static string AdminPassword => Required("LDAP_BIND_PASSWORD");

    /// <summary>Gets the DN of a normal user, subject to the server's 1000-entry size limit.</summary>
    public static string UserDn => "uid=user0002," + PeopleDn;

    /// <summary>Gets every generated user's password.</summary>
    public static string UserPassword => Required("LDAP_USER_PASSWORD");

    /// <summary>Gets the PEM file of the server's throwaway CA.</summary>
    public static string CaCertificateFile => Required("LDAP_CA_CERT");

    /// <summary>Options to bind as the admin.</summary>
    /// <param name="security">How to protect the connection.</param>
    /// <returns>The options.</returns>
    public static LdapServerOptions Admin(LdapSecurity security = LdapSecurity.None) =>
        Options(security, AdminDn, AdminPassword);

    /// <summary>Options to bind as the normal user <see cref="UserDn"/>.</summary>
    /// <param name="security">How to protect the connection.</param>
    /// <returns>The options.</returns>
    public static LdapServerOptions User(LdapSecurity security = LdapSecurity.None) =>
        Options(security, UserDn, UserPassword);

    /// <summary>Options for the server, trusting its CA when TLS is on.</summary>
    /// <param name="security">How to protect the connection.</param>
    /// <param name="bindDn">The bind DN, or <see langword="null"/>.</param>
    /// <param name="password">The password.</param>
    /// <returns>The options.</returns>
    public static LdapServerOptions Options(LdapSecurity security, string? bindDn, string? password) => new()
    {
        Host = Host,
        Port = security == LdapSecurity.Ldaps ? LdapsPort : Port,
        Security = security,
        BindDn = bindDn,
        BindPassword = password,
        CaCertificateFile = security == LdapSecurity.None ? null : CaCertificateFile,
        Timeout = TimeSpan.FromSeconds(20),
    };

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set. {SkipMessage}");
}
