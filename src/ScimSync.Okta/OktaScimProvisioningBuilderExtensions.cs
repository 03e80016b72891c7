// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ScimSync.Okta;
using ScimSync.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Okta orgs as pull sources.</summary>
public static class OktaScimProvisioningBuilderExtensions
{
    /// <summary>The configuration section of a source's options: <c>ScimSync:Okta:{connection}</c>.</summary>
    public const string ConfigurationSection = "ScimSync:Okta";

    /// <summary>The name of the <see cref="HttpClient"/> the Okta sources use (<c>IHttpClientFactory</c>).</summary>
    public const string HttpClientName = "ScimSync.Okta";

    /// <summary>
    /// Adds connection <paramref name="name"/> fed by an Okta org: its options (bound from
    /// <c>ScimSync:Okta:{name}</c>, then changed by <paramref name="configure"/>, validated at start), the named
    /// <see cref="HttpClient"/> <see cref="HttpClientName"/>, the singleton <see cref="OktaTokenCache"/> and what
    /// every pull source registers (see <c>AddPullSource</c>).
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="name">The connection's name.</param>
    /// <param name="configure">Sets the options after the binding, or <see langword="null"/> to use configuration only.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddOktaSource(this ScimProvisioningBuilder builder, string name, Action<OktaSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        // Retries, rate limits and timeouts are the source's own (they follow Okta's X-Rate-Limit-Reset), so the
        // client has no resilience handler that would repeat them.
        builder.Services.AddHttpClient(HttpClientName);
        builder.Services.TryAddSingleton<OktaTokenCache>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder.AddPullSource<OktaSourceOptions>(
            name,
            IdentityProvider.Okta,
            ConfigurationSection,
            configure,
            (sp, options) => new OktaIdentitySource(
                options,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<OktaTokenCache>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<OktaIdentitySource>>()));
    }
}
