// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using ScimSync.Policies;

namespace ScimSync.Server;

/// <summary>Configures one provisioning connection; see <see cref="ScimProvisioningBuilder.AddConnection"/>.</summary>
public sealed class ScimConnectionBuilder
{
    internal ScimConnectionBuilder(ScimConnectionOptions options)
    {
        Options = options;
    }

    /// <summary>Gets the options being configured.</summary>
    public ScimConnectionOptions Options { get; }

    /// <summary>Accepts a bearer token (call again to accept several while rotating).</summary>
    /// <param name="token">The token, at least <see cref="ScimBearerToken.MinimumLength"/> characters.</param>
    /// <param name="expiresAt">When it stops being accepted, or <see langword="null"/> for never.</param>
    /// <param name="name">A label for logs and metrics; defaults to its position.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseBearerToken(string token, DateTimeOffset? expiresAt = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        Options.Tokens.Add(new ScimBearerToken { Value = token, ExpiresAt = expiresAt, Name = name });
        return this;
    }

    /// <summary>Accepts the bearer token whose SHA-256 hash is given, so the host never stores the token itself.</summary>
    /// <param name="sha256">64 hexadecimal digits, as <see cref="ScimBearerToken.ComputeSha256"/> returns.</param>
    /// <param name="expiresAt">When it stops being accepted, or <see langword="null"/> for never.</param>
    /// <param name="name">A label for logs and metrics; defaults to its position.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseBearerTokenHash(string sha256, DateTimeOffset? expiresAt = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256);
        Options.Tokens.Add(new ScimBearerToken { Sha256 = sha256, ExpiresAt = expiresAt, Name = name });
        return this;
    }

    /// <summary>
    /// Authenticates the connection's requests with an ASP.NET Core authentication scheme (for example JWT bearer)
    /// instead of shared bearer tokens.
    /// </summary>
    /// <param name="scheme">The registered scheme name.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseAuthenticationScheme(string scheme)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        Options.AuthenticationScheme = scheme;
        return this;
    }

    /// <summary>Names the identity provider behind the connection, which selects its quirk handling.</summary>
    /// <param name="identityProvider">The identity provider.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseIdentityProvider(IdentityProvider identityProvider)
    {
        Options.IdentityProvider = identityProvider;
        return this;
    }

    /// <summary>Provisions into <paramref name="directory"/> (shared with every connection that names it).</summary>
    /// <param name="directory">The directory name.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Options.Directory = directory;
        return this;
    }

    /// <summary>Overrides the tolerances for non-standard requests on this connection.</summary>
    /// <param name="compatibility">The tolerances, for example <see cref="ScimCompatibility.Strict"/>.</param>
    /// <returns>This builder.</returns>
    public ScimConnectionBuilder UseCompatibility(ScimCompatibility compatibility)
    {
        ArgumentNullException.ThrowIfNull(compatibility);
        Options.Compatibility = compatibility;
        return this;
    }

    /// <summary>
    /// Turns on the connection's mapping policies (attribute mapping, user lifecycle, group mapping) and changes
    /// them. Without this call (or a <c>Policies</c> section in configuration), users and groups are stored as the
    /// identity provider sends them and no policy applies.
    /// </summary>
    /// <param name="configure">Changes the policies; their defaults map <c>userName</c>, the primary email and the display name, allow every change, and map no groups.</param>
    /// <returns>This builder.</returns>
    /// <example>
    /// <code>
    /// c.UsePolicies(p =>
    /// {
    ///     p.Lifecycle.OnDelete = UserDeleteBehavior.Deactivate;
    ///     p.GroupMapping.DefaultGroupsForNewUsers.Add("jira-software-users");
    ///     p.GroupMapping.Mode = GroupMappingMode.OnTheFly;
    /// });
    /// </code>
    /// </example>
    public ScimConnectionBuilder UsePolicies(Action<ProvisioningPolicyOptions>? configure = null)
    {
        Options.Policies ??= new ProvisioningPolicyOptions();
        configure?.Invoke(Options.Policies);
        return this;
    }
}
