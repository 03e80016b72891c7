// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;
using ScimSync.Server;

namespace ScimSync.Admin;

/// <summary>A provisioning connection as the operator console shows it.</summary>
/// <param name="Name">The connection's name, also its URL segment.</param>
/// <param name="IdentityProvider">The identity provider behind it.</param>
/// <param name="Directory">The directory it provisions into.</param>
/// <param name="CreatedInConsole">Whether the console created it (it can be deleted there); otherwise it comes from configuration.</param>
/// <param name="AcceptsRequests">Whether it serves SCIM requests over HTTP (a connection fed only by directory sync does not).</param>
/// <param name="AuthenticationScheme">The ASP.NET Core scheme that authenticates it instead of bearer tokens, or <see langword="null"/>.</param>
/// <param name="Tokens">Its bearer tokens (labels and dates only; tokens are never kept).</param>
/// <param name="Policies">A copy of its mapping policies in force, or <see langword="null"/> when it has none.</param>
/// <param name="PoliciesFromConsole">Whether <paramref name="Policies"/> were set in the console rather than configuration.</param>
/// <param name="Version">The version of its console settings (0 when the console never changed it), for <see cref="ScimConsoleSettings.SetPoliciesAsync"/>.</param>
public sealed record ScimConsoleConnection(
    string Name,
    IdentityProvider IdentityProvider,
    string Directory,
    bool CreatedInConsole,
    bool AcceptsRequests,
    string? AuthenticationScheme,
    IReadOnlyList<ScimConsoleToken> Tokens,
    ProvisioningPolicyOptions? Policies,
    bool PoliciesFromConsole,
    long Version);

/// <summary>A bearer token of a connection, without the token.</summary>
/// <param name="Name">Its label.</param>
/// <param name="IssuedInConsole">Whether the console issued it (it can be revoked there); otherwise it comes from configuration.</param>
/// <param name="CreatedAt">When the console issued it, or <see langword="null"/> for a configured token.</param>
/// <param name="ExpiresAt">When it stops being accepted, or <see langword="null"/> for never.</param>
/// <param name="LastUsed">When this instance of the host last accepted it, or <see langword="null"/>.</param>
public sealed record ScimConsoleToken(string Name, bool IssuedInConsole, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsed);

/// <summary>An LDAP source as the operator console shows it.</summary>
/// <param name="Name">The source's name (its connection).</param>
/// <param name="Settings">A copy of its settings in force, without the bind password.</param>
/// <param name="HasBindPassword">Whether configuration gives a bind password.</param>
/// <param name="FromConsole">Whether the settings were saved in the console (they replace configuration's until reset).</param>
/// <param name="Version">The version of its console settings (0 when the console never changed them).</param>
public sealed record ScimConsoleLdapSource(string Name, Ldap.LdapSourceOptions Settings, bool HasBindPassword, bool FromConsole, long Version);
