// Copyright (c) ScimSync contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimSync.MicrosoftGraph;
using ScimSync.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Microsoft Graph pull sources.</summary>
public static class GraphScimProvisioningBuilderExtensions
{
    /// <summary>The configuration section the options are bound from (<c>{section}:{connection}</c>).</summary>
    public const string ConfigurationSection = "ScimSync:MicrosoftGraph";

    /// <summary>The prefix of the named <see cref="HttpClient"/> of each connection (followed by its name).</summary>
    public const string HttpClientPrefix = "ScimSync.MicrosoftGraph:";

    /// <summary>
    /// Adds connection <paramref name="name"/>, fed by the users and groups of a Microsoft Entra ID tenant read through
    /// Microsoft Graph. Options are bound from <c>ScimSync:MicrosoftGraph:{name}</c>, then changed by
    /// <paramref name="configure"/>, and validated at start; access tokens are kept in a singleton
    /// <see cref="GraphTokenCache"/> across runs.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="name">The connection's name.</param>
    /// <param name="configure">Sets the options after the binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ScimProvisioningBuilder AddMicrosoftGraphSource(this ScimProvisioningBuilder builder, string name, Action<GraphSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddHttpClient(HttpClientPrefix + name)
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan); // each attempt is timed by the source
        builder.Services.TryAddSingleton<GraphTokenCache>();
        return builder.AddPullSource<GraphSourceOptions>(
            name,
            IdentityProvider.EntraId,
            ConfigurationSection,
            configure,
            (sp, options) => new GraphIdentitySource(
                options,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientPrefix + name),
                sp.GetRequiredService<GraphTokenCache>(),
                sp.GetService<TimeProvider>()));
    }
}
